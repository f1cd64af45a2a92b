// Micro-benchmark of the compressors on their own, without mysqldump or a disk: reads stdin,
// compresses (optionally also SHA-256 over the output, as the backup does) and discards the
// result (or, with --output, writes it to stdout), then prints throughput, CPU time and peak RSS
// to stderr, to set beside `gzip`, `pigz` and `zstd -T2` on the same input. Also generates
// dump-like input and times SHA-256 alone. bench/compress_bench.sh runs the comparison.
//
//   compress_bench --generate=500M > /tmp/dump.sql
//   compress_bench --algorithm=gzip [--engine=zlib|libdeflate] --level=6 --threads=2
//   [--block-size=131072] [--sha256] <
//   /tmp/dump.sql compress_bench --decompress --algorithm=gzip [--engine=zlib] < /tmp/dump.sql.gz
//   compress_bench --sha256-only < /tmp/dump.sql
// With --decompress, --engine=zlib reads gzip with zlib alone (no libdeflate fast path), as
// before the fast path existed.
#include <openssl/evp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codec/compressor.h"
#include "codec/gzip_compressor.h"
#include "support/dump_like_text.h"
#include "util/file_util.h"

namespace mysql_backup {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Counts (and optionally hashes) what it is given, then drops it or writes it to stdout.
class NullSink : public ByteSink {
 public:
  NullSink(bool hash, bool to_stdout) : to_stdout_(to_stdout) {
    if (hash) {
      md_.reset(EVP_MD_CTX_new());
      EVP_DigestInit_ex(md_.get(), EVP_sha256(), nullptr);
    }
  }
  Status Write(std::span<const uint8_t> data) override {
    bytes_ += data.size();
    if (md_ != nullptr) EVP_DigestUpdate(md_.get(), data.data(), data.size());
    if (!to_stdout_) return Status::Ok();
    return WriteAll(STDOUT_FILENO,
                    std::span<const char>(reinterpret_cast<const char*>(data.data()), data.size()),
                    "stdout");
  }
  uint64_t bytes() const { return bytes_; }

 private:
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md_;
  bool to_stdout_;
  uint64_t bytes_ = 0;
};

uint64_t ParseSize(std::string_view s) {
  char* end = nullptr;
  std::string copy(s);
  uint64_t n = std::strtoull(copy.c_str(), &end, 10);
  switch (*end) {
    case 'G':
      n <<= 30;
      break;
    case 'M':
      n <<= 20;
      break;
    case 'K':
      n <<= 10;
      break;
    default:
      break;
  }
  return n;
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long PeakRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int Generate(uint64_t size) {
  testing::DumpLikeText text;
  std::string chunk;
  uint64_t written = 0;
  while (written < size) {
    chunk.clear();
    text.AppendChunk(&chunk);
    size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), size - written));
    if (std::fwrite(chunk.data(), 1, n, stdout) != n) return 1;
    written += n;
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: compress_bench [--algorithm=gzip|zstd] [--engine=zlib|libdeflate]\n"
               "                      [--level=N] [--threads=N]\n"
               "                      [--block-size=BYTES] [--sha256] [--decompress] [--output]\n"
               "                      < input [> output]\n"
               "       compress_bench --sha256-only < input\n"
               "       compress_bench --generate=SIZE[K|M|G] > output\n");
  return 64;
}

int Main(int argc, char** argv) {
  CompressionSettings settings;
  bool level_set = false, hash = false, hash_only = false, decompress = false, output = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view flag) -> std::string_view {
      return arg.substr(0, flag.size()) == flag ? arg.substr(flag.size()) : std::string_view();
    };
    if (!value("--generate=").empty()) return Generate(ParseSize(value("--generate=")));
    if (arg == "--algorithm=gzip") {
      settings.algorithm = Compression::kGzip;
    } else if (arg == "--algorithm=zstd") {
      settings.algorithm = Compression::kZstd;
    } else if (arg == "--engine=zlib") {
      settings.gzip_engine = GzipEngine::kZlib;
    } else if (arg == "--engine=libdeflate") {
      settings.gzip_engine = GzipEngine::kLibdeflate;
    } else if (!value("--level=").empty()) {
      settings.level = std::atoi(std::string(value("--level=")).c_str());
      level_set = true;
    } else if (!value("--threads=").empty()) {
      settings.threads = std::atoi(std::string(value("--threads=")).c_str());
    } else if (!value("--block-size=").empty()) {
      settings.block_size = ParseSize(value("--block-size="));
    } else if (arg == "--sha256") {
      hash = true;
    } else if (arg == "--sha256-only") {
      hash_only = true;
    } else if (arg == "--output") {
      output = true;
    } else if (arg == "--decompress") {
      decompress = true;
    } else {
      return Usage();
    }
  }
  if (!level_set && settings.algorithm == Compression::kZstd) settings.level = 3;

  NullSink sink(hash || hash_only, output);
  std::unique_ptr<Compressor> compressor;
  std::unique_ptr<Decompressor> decompressor;
  GzipInflateCounts counts;
  if (decompress && settings.algorithm == Compression::kGzip) {
    decompressor = MakeGzipDecompressor(
        &sink, {.libdeflate = settings.gzip_engine != GzipEngine::kZlib, .counts = &counts});
  } else if (decompress) {
    decompressor = MakeDecompressor(settings.algorithm, &sink);
  } else if (!hash_only) {
    compressor = MakeCompressor(settings, &sink);
  }

  std::vector<uint8_t> buffer(1 << 20);
  uint64_t bytes_in = 0;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  Status status;
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::perror("read");
      return 74;
    }
    if (n == 0) break;
    bytes_in += static_cast<uint64_t>(n);
    std::span<const uint8_t> data(buffer.data(), static_cast<size_t>(n));
    if (compressor != nullptr)
      status = compressor->Write(data);
    else if (decompressor != nullptr)
      status = decompressor->Write(data);
    else
      status = sink.Write(data);
    if (!status.ok()) break;
  }
  if (status.ok() && compressor != nullptr) status = compressor->Finish();
  if (status.ok() && decompressor != nullptr) status = decompressor->Finish();
  compressor.reset();  // joins workers before the clock stops
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = CpuSeconds() - cpu_start;
  if (!status.ok()) {
    std::fprintf(stderr, "compress_bench: %s\n", status.ToString().c_str());
    return status.exit_code();
  }
  const char* what = hash_only                                  ? "sha256"
                     : settings.algorithm == Compression::kGzip ? "gzip"
                                                                : "zstd";
  uint64_t uncompressed = decompress ? sink.bytes() : bytes_in;
  std::fprintf(
      stderr,
      "%s%s level=%d threads=%d%s: in %llu B, out %llu B, ratio %.4f, %.2f s, %.1f MB/s "
      "(uncompressed), cpu %.2f s, peak rss %.1f MiB\n",
      decompress ? "decompress " : "", what, settings.level, settings.threads,
      hash && !hash_only ? " +sha256" : "", static_cast<unsigned long long>(bytes_in),
      static_cast<unsigned long long>(sink.bytes()),
      bytes_in > 0 ? static_cast<double>(sink.bytes()) / static_cast<double>(bytes_in) : 0.0, wall,
      static_cast<double>(uncompressed) / 1e6 / wall, cpu, PeakRssKiB() / 1024.0);
  if (decompress && settings.algorithm == Compression::kGzip) {
    std::fprintf(stderr, "  members inflated by libdeflate: %llu%s\n",
                 static_cast<unsigned long long>(counts.libdeflate_members),
                 counts.fell_back_to_zlib ? ", then zlib for the rest" : "");
  }
  return 0;
}

}  // namespace
}  // namespace mysql_backup

int main(int argc, char** argv) { return mysql_backup::Main(argc, argv); }
