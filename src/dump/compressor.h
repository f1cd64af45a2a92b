// Compression of the dump stream. A Compressor takes the dump's bytes in order and hands
// compressed bytes, in order, to a ByteSink. Implementations: gzip (possibly multi-threaded,
// always one valid gzip file that gunzip reads) and zstd (libzstd, multi-threaded).
#ifndef MYSQL_BACKUP_DUMP_COMPRESSOR_H_
#define MYSQL_BACKUP_DUMP_COMPRESSOR_H_

#include <cstdint>
#include <memory>
#include <span>

#include "config/config.h"
#include "util/status.h"

namespace mysql_backup {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::span<const uint8_t> data) = 0;
};

class Compressor {
 public:
  virtual ~Compressor() = default;
  // May call sink->Write() zero or more times. A sink error is returned as is.
  virtual Status Write(std::span<const uint8_t> data) = 0;
  // Flushes everything and ends the stream; no Write() after.
  virtual Status Finish() = 0;
};

struct CompressionSettings {
  Compression algorithm = Compression::kGzip;
  int level = 6;
  int threads = 1;
};

std::unique_ptr<Compressor> MakeCompressor(const CompressionSettings& settings, ByteSink* sink);

// The reverse, for verify and restore: feeds decompressed bytes to `sink`. Finish() fails with
// kIntegrity when the stream is truncated or corrupt ("unexpected end of gzip stream").
// A gzip file may hold several members (as ours and pigz's may); all are read.
class Decompressor {
 public:
  virtual ~Decompressor() = default;
  virtual Status Write(std::span<const uint8_t> compressed) = 0;
  virtual Status Finish() = 0;
};

std::unique_ptr<Decompressor> MakeDecompressor(Compression algorithm, ByteSink* sink);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_COMPRESSOR_H_
