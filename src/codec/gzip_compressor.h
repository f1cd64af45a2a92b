// The gzip codecs behind MakeCompressor/MakeDecompressor. zlib on one thread: zlib's own gzip
// wrapper. zlib on several: pigz's scheme (parallel_gzip_compressor.cc), one gzip member whatever
// the thread count. libdeflate: the same block ring, a gzip member per block (gzip_engine.h).
#ifndef MYSQL_BACKUP_CODEC_GZIP_COMPRESSOR_H_
#define MYSQL_BACKUP_CODEC_GZIP_COMPRESSOR_H_

#include <memory>

#include "codec/compressor.h"

namespace mysql_backup {

// settings.threads must be resolved (>= 1) by the caller.
std::unique_ptr<Compressor> MakeGzipCompressor(const CompressionSettings& settings, ByteSink* sink);
std::unique_ptr<Compressor> MakeParallelGzipCompressor(const CompressionSettings& settings,
                                                       ByteSink* sink);
std::unique_ptr<Decompressor> MakeGzipDecompressor(ByteSink* sink);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_GZIP_COMPRESSOR_H_
