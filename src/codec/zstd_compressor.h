// The zstd codecs behind MakeCompressor/MakeDecompressor: libzstd's streaming API, with its own
// worker threads when more than one is asked for. Frames carry a content checksum, so verify
// and restore catch corruption that still decodes.
#ifndef MYSQL_BACKUP_CODEC_ZSTD_COMPRESSOR_H_
#define MYSQL_BACKUP_CODEC_ZSTD_COMPRESSOR_H_

#include <memory>

#include "codec/compressor.h"

namespace mysql_backup {

// settings.threads must be resolved (>= 1) by the caller.
std::unique_ptr<Compressor> MakeZstdCompressor(const CompressionSettings& settings, ByteSink* sink);
std::unique_ptr<Decompressor> MakeZstdDecompressor(ByteSink* sink);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_ZSTD_COMPRESSOR_H_
