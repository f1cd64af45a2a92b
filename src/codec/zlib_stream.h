// Owners for zlib's z_stream, so every deflateInit2/inflateInit2 is paired with its End on every
// path. DeflateStream::Init() reports zlib's refusal (a bad level, no memory) as kStorage, since
// it stops a backup from being written; InflateStream::Init() leaves the kind to its caller.
#ifndef MYSQL_BACKUP_CODEC_ZLIB_STREAM_H_
#define MYSQL_BACKUP_CODEC_ZLIB_STREAM_H_

#define ZLIB_CONST  // next_in is const: zlib never writes through it
#include <zlib.h>

#include <string>

#include "util/status.h"

namespace mysql_backup {

// Raw deflate (window_bits -15) or gzip-wrapped (15 + 16) compression state.
class DeflateStream {
 public:
  DeflateStream() = default;
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;
  ~DeflateStream() {
    if (initialized_) deflateEnd(&stream_);
  }

  Status Init(int level, int window_bits) {
    int rc = deflateInit2(&stream_, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) {
      return Status(ErrorKind::kStorage,
                    "Cannot compress: zlib refused level " + std::to_string(level) + ": " +
                        (rc == Z_MEM_ERROR ? "out of memory" : "invalid parameter"));
    }
    initialized_ = true;
    return Status::Ok();
  }
  z_stream* get() { return &stream_; }

 private:
  z_stream stream_{};
  bool initialized_ = false;
};

class InflateStream {
 public:
  InflateStream() = default;
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  ~InflateStream() {
    if (initialized_) inflateEnd(&stream_);
  }

  // Returns zlib's code; Z_OK on success.
  int Init(int window_bits) {
    int rc = inflateInit2(&stream_, window_bits);
    initialized_ = rc == Z_OK;
    return rc;
  }
  z_stream* get() { return &stream_; }

 private:
  z_stream stream_{};
  bool initialized_ = false;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_ZLIB_STREAM_H_
