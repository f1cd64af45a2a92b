// The gzip codecs behind MakeCompressor/MakeDecompressor. One thread: zlib's own gzip wrapper.
// Several: pigz's scheme (parallel_gzip_compressor.cc), one gzip member whatever the thread count.
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
