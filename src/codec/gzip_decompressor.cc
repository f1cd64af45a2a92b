// Reads every member of a gzip file, as gunzip does, but strictly: anything after the last
// member that is not another member is an error, not a warning, because a backup file must be
// exactly what we wrote.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/gzip_compressor.h"
#include "codec/zlib_stream.h"

namespace mysql_backup {
namespace {

constexpr size_t kOutputBufferSize = 256 * 1024;
constexpr char kTruncated[] = "gzip stream truncated: unexpected end of data";

class GzipDecompressor final : public Decompressor {
 public:
  explicit GzipDecompressor(ByteSink* sink) : sink_(sink), buffer_(kOutputBufferSize) {
    // 15 + 16: gzip only. (15 + 32 would also take a zlib stream as a later "member".)
    if (int rc = stream_.Init(15 + 16); rc != Z_OK) {
      error_ =
          Status(ErrorKind::kStorage, "Cannot decompress: zlib could not start (out of memory)");
    }
  }

  Status Write(std::span<const uint8_t> compressed) override {
    if (!error_.ok()) return error_;
    z_stream* z = stream_.get();
    while (!compressed.empty()) {
      size_t chunk = std::min<size_t>(compressed.size(), UINT32_MAX);
      z->next_in = compressed.data();
      z->avail_in = static_cast<uInt>(chunk);
      if (Status s = Inflate(); !s.ok()) return s;
      compressed = compressed.subspan(chunk);
    }
    return Status::Ok();
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    if (used_ > 0) {
      if (Status s = Flush(); !s.ok()) return s;
    }
    if (!between_members_ || members_ == 0) {
      return error_ = Status(ErrorKind::kIntegrity, members_ == 0 && stream_.get()->total_in == 0
                                                        ? "gzip stream truncated: no data"
                                                        : kTruncated);
    }
    return Status::Ok();
  }

 private:
  Status Inflate() {
    z_stream* z = stream_.get();
    for (;;) {
      if (between_members_) {
        if (z->avail_in == 0) return Status::Ok();
        inflateReset(z);  // also zeroes total_in, which the garbage check below relies on
        between_members_ = false;
      }
      z->next_out = buffer_.data() + used_;
      z->avail_out = static_cast<uInt>(buffer_.size() - used_);
      int rc = inflate(z, Z_NO_FLUSH);
      used_ = buffer_.size() - z->avail_out;
      if (used_ == buffer_.size()) {
        if (Status s = Flush(); !s.ok()) return s;
      }
      switch (rc) {
        case Z_STREAM_END:
          ++members_;
          between_members_ = true;
          break;
        case Z_OK:
        case Z_BUF_ERROR:  // no progress possible: needs input or output space
          if (z->avail_in == 0 && z->avail_out != 0) return Status::Ok();
          break;
        case Z_MEM_ERROR:
          return error_ = Status(ErrorKind::kStorage, "Cannot decompress: out of memory");
        default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
          if (members_ > 0 && z->total_in < 10) {
            // Failed inside what should be the next member's 10-byte header.
            return error_ = Status(ErrorKind::kIntegrity,
                                   "gzip stream corrupt: trailing garbage after the last member");
          }
          return error_ = Status(ErrorKind::kIntegrity,
                                 std::string("gzip stream corrupt: ") +
                                     (z->msg != nullptr ? z->msg : "invalid data"));
      }
    }
  }

  Status Flush() {
    Status s = sink_->Write(std::span<const uint8_t>(buffer_.data(), used_));
    used_ = 0;
    if (!s.ok()) error_ = s;
    return s;
  }

  ByteSink* sink_;
  InflateStream stream_;
  std::vector<uint8_t> buffer_;
  size_t used_ = 0;
  uint64_t members_ = 0;          // complete members read
  bool between_members_ = false;  // the last member ended; what follows must be a new one
  Status error_;
};

}  // namespace

std::unique_ptr<Decompressor> MakeGzipDecompressor(ByteSink* sink) {
  return std::make_unique<GzipDecompressor>(sink);
}

}  // namespace mysql_backup
