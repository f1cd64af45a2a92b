// Compression of the dump stream. A Compressor takes the dump's bytes in order and hands
// compressed bytes, in order, to a ByteSink. Implementations: gzip (possibly multi-threaded,
// always one valid gzip file that gunzip reads) and zstd (libzstd, multi-threaded).
//
// Threading contract: a Compressor or Decompressor is used from one thread (the caller), and
// calls its sink only from inside Write()/Finish() on that thread, so a sink needs no locking.
// Worker threads, when there are any, belong to the object; its destructor stops and joins them,
// so dropping a compressor after an error (or without Finish()) leaves nothing running.
// Errors are sticky: after a failed call every later call returns the same Status.
#ifndef MYSQL_BACKUP_CODEC_COMPRESSOR_H_
#define MYSQL_BACKUP_CODEC_COMPRESSOR_H_

#include <cstddef>
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
  // May call sink->Write() zero or more times. A sink error is returned as is; a failure of the
  // compressor itself (bad level, out of memory, no threads) is kStorage, "Cannot compress: ...".
  virtual Status Write(std::span<const uint8_t> data) = 0;
  // Flushes everything and ends the stream; no Write() after.
  virtual Status Finish() = 0;
  // True when every byte this compressor hands its sink was first proven to decompress to
  // exactly the input it came from (the libdeflate engine inflates each block it wrote and
  // compares it with the block). A caller may then skip its own check of the stream.
  virtual bool ChecksItsOutput() const { return false; }
};

struct CompressionSettings {
  Compression algorithm = Compression::kGzip;
  int level = 6;    // gzip 0-9, zstd 1-19; the config validates it, a bad one fails Write()
  int threads = 1;  // 1: compress on the caller's thread; <= 0: one worker per CPU
  GzipEngine gzip_engine = GzipEngine::kAuto;  // gzip only
  // The unit of parallel work, in input bytes: a parallel gzip block, or a zstd job when
  // threads > 1. 0 picks the default below. Tests use small blocks to cross many boundaries.
  size_t block_size = 0;
};

// zlib: 128 KiB, as pigz: on dump-like text 1 MiB blocks came out only 0.05% smaller (both
// within 0.06% of single-threaded zlib), and memory grows with the block size times
// 2 * threads + 2.
inline constexpr size_t kDefaultGzipBlockSize = 128 * 1024;
// libdeflate: each block is a gzip member of its own, with no dictionary from the block before,
// so blocks are larger; see codec/gzip_engine.h for the measurements.
inline constexpr size_t kDefaultLibdeflateBlockSize = 256 * 1024;
// libzstd's own default at level 3 is 8 MiB jobs, which put `zstd -T2` at ~57 MiB RSS; 1 MiB
// jobs keep it near 15 MiB for the same size of output.
inline constexpr size_t kDefaultZstdJobSize = 1024 * 1024;

// Never null. Errors (bad level, threads that cannot start) surface on the first Write/Finish.
std::unique_ptr<Compressor> MakeCompressor(const CompressionSettings& settings, ByteSink* sink);

// The reverse, for verify and restore: feeds decompressed bytes to `sink`. Write() fails with
// kIntegrity on corrupt data (bad CRC, bad block, trailing garbage after the last gzip member or
// zstd frame); Finish() fails with kIntegrity when the stream is truncated ("gzip stream
// truncated: unexpected end of data"). A gzip file may hold several members and a zstd file
// several frames (as `cat a.gz b.gz` makes); all are read. zstd frames carry a checksum.
class Decompressor {
 public:
  virtual ~Decompressor() = default;
  virtual Status Write(std::span<const uint8_t> compressed) = 0;
  virtual Status Finish() = 0;
};

std::unique_ptr<Decompressor> MakeDecompressor(Compression algorithm, ByteSink* sink);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_COMPRESSOR_H_
