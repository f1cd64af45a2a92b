// Temporary single-threaded gzip until the parallel compressors land.
#include <zlib.h>

#include <vector>

#include "dump/compressor.h"

namespace mysql_backup {

namespace {

class SimpleGzip : public Compressor {
 public:
  SimpleGzip(int level, ByteSink* sink) : sink_(sink), out_(1 << 18) {
    deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  }
  ~SimpleGzip() override { deflateEnd(&z_); }
  Status Write(std::span<const uint8_t> data) override { return Run(data, Z_NO_FLUSH); }
  Status Finish() override { return Run({}, Z_FINISH); }

 private:
  Status Run(std::span<const uint8_t> data, int flush) {
    z_.next_in = const_cast<uint8_t*>(data.data());
    z_.avail_in = static_cast<uInt>(data.size());
    int rc;
    do {
      z_.next_out = out_.data();
      z_.avail_out = static_cast<uInt>(out_.size());
      rc = deflate(&z_, flush);
      size_t have = out_.size() - z_.avail_out;
      if (have > 0) {
        Status s = sink_->Write({out_.data(), have});
        if (!s.ok()) return s;
      }
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return Status::Ok();
  }
  z_stream z_{};
  ByteSink* sink_;
  std::vector<uint8_t> out_;
};

class SimpleGunzip : public Decompressor {
 public:
  explicit SimpleGunzip(ByteSink* sink) : sink_(sink), out_(1 << 18) { inflateInit2(&z_, 15 + 32); }
  ~SimpleGunzip() override { inflateEnd(&z_); }
  Status Write(std::span<const uint8_t> data) override {
    z_.next_in = const_cast<uint8_t*>(data.data());
    z_.avail_in = static_cast<uInt>(data.size());
    while (z_.avail_in > 0) {
      if (ended_) {
        inflateReset(&z_);
        ended_ = false;
      }
      z_.next_out = out_.data();
      z_.avail_out = static_cast<uInt>(out_.size());
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        return Status(ErrorKind::kIntegrity,
                      std::string("corrupt gzip stream: ") + (z_.msg ? z_.msg : "inflate error"));
      }
      size_t have = out_.size() - z_.avail_out;
      if (have > 0) {
        Status s = sink_->Write({out_.data(), have});
        if (!s.ok()) return s;
      }
      if (rc == Z_STREAM_END) ended_ = true;
      if (rc == Z_BUF_ERROR && have == 0) break;
    }
    return Status::Ok();
  }
  Status Finish() override {
    if (!ended_) return Status(ErrorKind::kIntegrity, "gzip stream truncated");
    return Status::Ok();
  }

 private:
  z_stream z_{};
  ByteSink* sink_;
  std::vector<uint8_t> out_;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<Compressor> MakeCompressor(const CompressionSettings& settings, ByteSink* sink) {
  return std::make_unique<SimpleGzip>(settings.level, sink);
}

std::unique_ptr<Decompressor> MakeDecompressor(Compression, ByteSink* sink) {
  return std::make_unique<SimpleGunzip>(sink);
}

}  // namespace mysql_backup
