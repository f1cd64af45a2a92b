#include "codec/zstd_compressor.h"

#include <zstd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mysql_backup {
namespace {

constexpr size_t kMaxJobSize = 512 << 20;  // libzstd's limit on 32-bit; plenty here

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* cctx) const { ZSTD_freeCCtx(cctx); }
};

Status ZstdError(size_t code) {
  return Status(ErrorKind::kStorage,
                std::string("Cannot compress: zstd: ") + ZSTD_getErrorName(code));
}

// libzstd runs its own workers when ZSTD_c_nbWorkers > 0 (freed with the context, which joins
// them); compressStream2 then only hands input over and collects finished output. Output is
// gathered into ZSTD_CStreamOutSize() pieces so the sink sees few, large writes.
class ZstdCompressor final : public Compressor {
 public:
  ZstdCompressor(int level, int threads, size_t job_size, ByteSink* sink)
      : sink_(sink), cctx_(ZSTD_createCCtx()), buffer_(ZSTD_CStreamOutSize()) {
    if (cctx_ == nullptr) {
      error_ = Status(ErrorKind::kStorage, "Cannot compress: zstd: out of memory");
      return;
    }
    if (level < 1 || level > ZSTD_maxCLevel()) {
      error_ = Status(ErrorKind::kStorage,
                      "Cannot compress: zstd level " + std::to_string(level) + " out of range");
      return;
    }
    error_ = SetParameter(ZSTD_c_compressionLevel, level);
    if (error_.ok()) error_ = SetParameter(ZSTD_c_checksumFlag, 1);
    // nbWorkers 0 compresses on the caller's thread; >= 1 fails if libzstd was built without
    // threads, which Debian's is not.
    if (error_.ok() && threads > 1) {
      error_ = SetParameter(ZSTD_c_nbWorkers, threads);
      size_t job = std::min(job_size > 0 ? job_size : kDefaultZstdJobSize, kMaxJobSize);
      if (error_.ok()) error_ = SetParameter(ZSTD_c_jobSize, static_cast<int>(job));
    }
  }

  Status Write(std::span<const uint8_t> data) override {
    if (!error_.ok()) return error_;
    if (finished_) {
      return error_ = Status(ErrorKind::kStorage, "Cannot compress: Write() after Finish()");
    }
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (in.pos < in.size) {
      if (Result<size_t> r = Compress(&in, ZSTD_e_continue); !r.ok()) return r.status();
    }
    return Status::Ok();
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    if (finished_) return Status::Ok();  // a second ZSTD_e_end would start an empty frame
    finished_ = true;
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      Result<size_t> remaining = Compress(&in, ZSTD_e_end);
      if (!remaining.ok()) return remaining.status();
      if (*remaining == 0) break;
    }
    if (used_ > 0) return Flush();
    return Status::Ok();
  }

 private:
  Status SetParameter(ZSTD_cParameter parameter, int value) {
    size_t rc = ZSTD_CCtx_setParameter(cctx_.get(), parameter, value);
    return ZSTD_isError(rc) ? ZstdError(rc) : Status::Ok();
  }

  // One compressStream2 call; returns what it returns (for ZSTD_e_end: bytes left to flush).
  Result<size_t> Compress(ZSTD_inBuffer* in, ZSTD_EndDirective directive) {
    ZSTD_outBuffer out{buffer_.data(), buffer_.size(), used_};
    size_t rc = ZSTD_compressStream2(cctx_.get(), &out, in, directive);
    used_ = out.pos;
    if (ZSTD_isError(rc)) return error_ = ZstdError(rc);
    if (used_ == buffer_.size()) {
      if (Status s = Flush(); !s.ok()) return s;
    }
    return rc;
  }

  Status Flush() {
    Status s = sink_->Write(std::span<const uint8_t>(buffer_.data(), used_));
    used_ = 0;
    if (!s.ok()) error_ = s;
    return s;
  }

  ByteSink* sink_;
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx_;
  std::vector<uint8_t> buffer_;
  size_t used_ = 0;
  bool finished_ = false;
  Status error_;
};

}  // namespace

std::unique_ptr<Compressor> MakeZstdCompressor(const CompressionSettings& settings,
                                               ByteSink* sink) {
  return std::make_unique<ZstdCompressor>(settings.level, settings.threads, settings.block_size,
                                          sink);
}

}  // namespace mysql_backup
