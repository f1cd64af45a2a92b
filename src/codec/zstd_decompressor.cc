// Streaming zstd decompression. ZSTD_decompressStream moves on to the next frame by itself, so
// concatenated frames (and skippable frames) are read; anything else after a frame is an error.

#include <zstd.h>

#include <string>
#include <vector>

#include "codec/zstd_compressor.h"

namespace mysql_backup {
namespace {

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* dctx) const { ZSTD_freeDCtx(dctx); }
};

class ZstdDecompressor final : public Decompressor {
 public:
  explicit ZstdDecompressor(ByteSink* sink)
      : sink_(sink), dctx_(ZSTD_createDCtx()), buffer_(ZSTD_DStreamOutSize()) {
    if (dctx_ == nullptr) error_ = Status(ErrorKind::kStorage, "Cannot decompress: out of memory");
  }

  Status Write(std::span<const uint8_t> compressed) override {
    if (!error_.ok()) return error_;
    bytes_in_ += compressed.size();
    ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};
    return Decompress(&in);
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    if (used_ > 0) {
      if (Status s = Flush(); !s.ok()) return s;
    }
    // 0 from the last call means a frame ended and everything it held has been flushed.
    if (bytes_in_ == 0 || frame_pending_ != 0) {
      return error_ = Status(ErrorKind::kIntegrity,
                             bytes_in_ == 0 ? "zstd stream truncated: no data"
                                            : "zstd stream truncated: unexpected end of data");
    }
    return Status::Ok();
  }

 private:
  Status Decompress(ZSTD_inBuffer* in) {
    // Called again while the output buffer came back full mid-frame: the frame may hold more.
    // (Not after a frame's end: with no input, that would start waiting for a next frame.)
    bool output_full = false;
    while (in->pos < in->size || (output_full && frame_pending_ != 0)) {
      ZSTD_outBuffer out{buffer_.data(), buffer_.size(), used_};
      size_t rc = ZSTD_decompressStream(dctx_.get(), &out, in);
      used_ = out.pos;
      if (ZSTD_isError(rc)) {
        return error_ = Status(ErrorKind::kIntegrity,
                               std::string("zstd stream corrupt: ") + ZSTD_getErrorName(rc));
      }
      frame_pending_ = rc;
      output_full = used_ == buffer_.size();
      if (output_full) {
        if (Status s = Flush(); !s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status Flush() {
    Status s = sink_->Write(std::span<const uint8_t>(buffer_.data(), used_));
    used_ = 0;
    if (!s.ok()) error_ = s;
    return s;
  }

  ByteSink* sink_;
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx_;
  std::vector<uint8_t> buffer_;
  size_t used_ = 0;
  uint64_t bytes_in_ = 0;
  size_t frame_pending_ = 0;  // the last ZSTD_decompressStream result
  Status error_;
};

}  // namespace

std::unique_ptr<Decompressor> MakeZstdDecompressor(ByteSink* sink) {
  return std::make_unique<ZstdDecompressor>(sink);
}

}  // namespace mysql_backup
