#include "codec/compressor.h"

#include <algorithm>
#include <thread>

#include "codec/gzip_compressor.h"
#include "codec/zstd_compressor.h"

namespace mysql_backup {

std::unique_ptr<Compressor> MakeCompressor(const CompressionSettings& settings, ByteSink* sink) {
  CompressionSettings resolved = settings;
  if (resolved.threads <= 0) {
    resolved.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  switch (resolved.algorithm) {
    case Compression::kZstd:
      return MakeZstdCompressor(resolved, sink);
    case Compression::kGzip:
      break;
  }
  return MakeGzipCompressor(resolved, sink);
}

std::unique_ptr<Decompressor> MakeDecompressor(Compression algorithm, ByteSink* sink) {
  switch (algorithm) {
    case Compression::kZstd:
      return MakeZstdDecompressor(sink);
    case Compression::kGzip:
      break;
  }
  return MakeGzipDecompressor(sink);
}

}  // namespace mysql_backup
