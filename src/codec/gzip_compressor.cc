#include "codec/gzip_compressor.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "codec/gzip_engine.h"
#include "codec/zlib_stream.h"

namespace mysql_backup {
namespace {

constexpr size_t kOutputBufferSize = 128 * 1024;

// One thread: zlib writes the gzip header and trailer itself. Output is collected into
// kOutputBufferSize pieces so the sink sees few, large writes whatever the caller's chunk size.
class GzipCompressor final : public Compressor {
 public:
  GzipCompressor(int level, ByteSink* sink) : sink_(sink), buffer_(kOutputBufferSize) {
    error_ = stream_.Init(level, 15 + 16);
  }

  Status Write(std::span<const uint8_t> data) override {
    if (!error_.ok()) return error_;
    return Deflate(data, Z_NO_FLUSH);
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    Status s = Deflate({}, Z_FINISH);
    if (s.ok() && used_ > 0) s = Flush();
    return s;
  }

 private:
  Status Deflate(std::span<const uint8_t> data, int flush) {
    z_stream* z = stream_.get();
    z->next_in = data.data();
    z->avail_in = static_cast<uInt>(std::min<size_t>(data.size(), UINT32_MAX));
    // zlib's avail_in is 32 bits; larger spans are fed in pieces.
    size_t rest = data.size() - z->avail_in;
    for (;;) {
      z->next_out = buffer_.data() + used_;
      z->avail_out = static_cast<uInt>(buffer_.size() - used_);
      int rc = deflate(z, flush);
      used_ = buffer_.size() - z->avail_out;
      if (rc == Z_STREAM_ERROR) {
        return error_ = Status(ErrorKind::kStorage, "Cannot compress: zlib stream error");
      }
      if (used_ == buffer_.size()) {
        if (Status s = Flush(); !s.ok()) return s;
        continue;
      }
      if (z->avail_in == 0 && rest > 0) {
        z->avail_in = static_cast<uInt>(std::min<size_t>(rest, UINT32_MAX));
        rest -= z->avail_in;
        continue;
      }
      // Output space left over means zlib took all input (and, for Z_FINISH, ended the stream).
      if (flush != Z_FINISH || rc == Z_STREAM_END) return Status::Ok();
    }
  }

  Status Flush() {
    Status s = sink_->Write(std::span<const uint8_t>(buffer_.data(), used_));
    used_ = 0;
    if (!s.ok()) error_ = s;
    return s;
  }

  ByteSink* sink_;
  DeflateStream stream_;
  std::vector<uint8_t> buffer_;
  size_t used_ = 0;
  Status error_;
};

}  // namespace

std::unique_ptr<Compressor> MakeGzipCompressor(const CompressionSettings& settings,
                                               ByteSink* sink) {
  // libdeflate has no streaming interface: even one thread goes through the block ring (the
  // caller fills the next block while one worker compresses).
  if (settings.threads > 1 || ResolveGzipEngine(settings.gzip_engine) != GzipEngine::kZlib) {
    return MakeParallelGzipCompressor(settings, sink);
  }
  return std::make_unique<GzipCompressor>(settings.level, sink);
}

}  // namespace mysql_backup
