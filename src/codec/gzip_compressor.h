// The gzip codecs behind MakeCompressor/MakeDecompressor. zlib on one thread: zlib's own gzip
// wrapper. zlib on several: pigz's scheme (parallel_gzip_compressor.cc), one gzip member whatever
// the thread count. libdeflate: the same block ring, a gzip member per block (gzip_engine.h).
// The decompressor reads either, with libdeflate for small members and zlib for the rest.
#ifndef MYSQL_BACKUP_CODEC_GZIP_COMPRESSOR_H_
#define MYSQL_BACKUP_CODEC_GZIP_COMPRESSOR_H_

#include <cstdint>
#include <memory>

#include "codec/compressor.h"

namespace mysql_backup {

// settings.threads must be resolved (>= 1) by the caller.
std::unique_ptr<Compressor> MakeGzipCompressor(const CompressionSettings& settings, ByteSink* sink);
std::unique_ptr<Compressor> MakeParallelGzipCompressor(const CompressionSettings& settings,
                                                       ByteSink* sink);

// What the gzip decompressor did, for tests and the benchmark.
struct GzipInflateCounts {
  uint64_t libdeflate_members = 0;  // members inflated by the fast path
  bool fell_back_to_zlib = false;   // the rest of the stream went through zlib
};

struct GzipDecompressorOptions {
  // Whole members inflated by libdeflate, zlib as the arbiter (gzip_decompressor.cc); false
  // reads everything with zlib, as before the fast path existed.
  bool libdeflate = true;
  GzipInflateCounts* counts = nullptr;  // updated as it goes when not null
};

std::unique_ptr<Decompressor> MakeGzipDecompressor(ByteSink* sink,
                                                   const GzipDecompressorOptions& options = {});

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_GZIP_COMPRESSOR_H_
