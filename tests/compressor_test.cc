// Compressors and decompressors: byte-identical round trips through our decompressors, the
// system's gzip/zstd and Python's gzip module, for every gzip engine, awkward sizes, thread
// counts and chunkings; errors that must come back
// as Status (failing sink, bad level, truncated, corrupt, trailing garbage) with every worker
// thread joined; the gzip decompressor's libdeflate fast path giving zlib's output and verdicts.
#include "codec/compressor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>
#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "codec/gzip_compressor.h"
#include "codec/gzip_engine.h"
#include "support/dump_like_text.h"
#include "support/thread_count.h"
#include "util/child_process.h"
#include "util/file_util.h"
#include "util/unique_fd.h"

namespace mysql_backup {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class StringSink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    data_.append(reinterpret_cast<const char*>(data.data()), data.size());
    ++writes_;
    return Status::Ok();
  }
  std::string data_;
  size_t writes_ = 0;
};

// Takes `limit` bytes, then fails as a full disk would.
class FailingSink : public ByteSink {
 public:
  explicit FailingSink(size_t limit) : limit_(limit) {}
  Status Write(std::span<const uint8_t> data) override {
    ++calls_;
    if (taken_ + data.size() > limit_) {
      return Status(ErrorKind::kStorage, "Cannot write 'x.sql.gz': No space left on device");
    }
    taken_ += data.size();
    return Status::Ok();
  }
  size_t limit_;
  size_t taken_ = 0;
  size_t calls_ = 0;
};

using ::mysql_backup::testing::SettledThreadCount;
using ::mysql_backup::testing::ThreadCount;

// Feeds `data` in pieces of `chunk` bytes.
template <typename Codec>
Status Feed(Codec* codec, const std::string& data, size_t chunk) {
  std::span<const uint8_t> rest = Bytes(data);
  while (!rest.empty()) {
    size_t n = std::min(chunk, rest.size());
    if (Status s = codec->Write(rest.first(n)); !s.ok()) return s;
    rest = rest.subspan(n);
  }
  return codec->Finish();
}

Result<std::string> Compress(const CompressionSettings& settings, const std::string& data,
                             size_t chunk = 1 << 20) {
  StringSink sink;
  std::unique_ptr<Compressor> compressor = MakeCompressor(settings, &sink);
  if (Status s = Feed(compressor.get(), data, chunk); !s.ok()) return s;
  return sink.data_;
}

Result<std::string> Decompress(Compression algorithm, const std::string& data,
                               size_t chunk = 1 << 20) {
  StringSink sink;
  std::unique_ptr<Decompressor> decompressor = MakeDecompressor(algorithm, &sink);
  if (Status s = Feed(decompressor.get(), data, chunk); !s.ok()) return s;
  return sink.data_;
}

class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/compressor_test.XXXXXX";
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::string cmd = "rm -rf '" + path_ + "'";
      if (system(cmd.c_str()) != 0) {
        // Left behind in TMPDIR; nothing else to do from a destructor.
      }
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool WriteFile(const std::string& path, const std::string& data) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  return fd.valid() && WriteAll(fd.get(), data, path).ok();
}

// Runs `argv` with stdin from `input` and returns its stdout, as `gzip -dc < file` would.
std::string RunFilter(const std::vector<std::string>& argv, const std::string& input) {
  static TempDir dir;
  std::string in_path = dir.path() + "/in";
  std::string out_path = dir.path() + "/out";
  if (!WriteFile(in_path, input)) return "<cannot write temp file>";
  UniqueFd in(open(in_path.c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd out(open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  Result<ChildProcess> child = ChildProcess::Spawn({argv, {{0, in.get()}, {1, out.get()}, {2, 2}}});
  if (!child.ok()) return "<" + child.status().ToString() + ">";
  Result<ExitInfo> exit = child->Wait();
  if (!exit.ok() || !exit->success()) return "<" + argv[0] + " failed>";
  Result<std::string> result = ReadFileToString(out_path);
  return result.ok() ? *result : "<cannot read output>";
}

// The round trips go through the system's gzip, pigz and zstd; on a fresh CI machine (root)
// they are installed first. Without them those checks fail rather than pass silently.
class SystemToolsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (system("{ command -v gzip && command -v pigz && command -v zstd; } >/dev/null 2>&1") == 0) {
      return;
    }
    if (geteuid() == 0 && system("apt-get install -y -q gzip pigz zstd >/dev/null") != 0) {
      fprintf(stderr, "warning: could not install gzip, pigz, zstd\n");
    }
  }
};
const ::testing::Environment* const kSystemTools =
    ::testing::AddGlobalTestEnvironment(new SystemToolsEnvironment);

// Every other reader of the file: the system's tools and, for gzip, Python's gzip module (which
// reads member after member as gzip does).
std::vector<std::vector<std::string>> SystemDecompressors(Compression algorithm) {
  if (algorithm == Compression::kGzip) {
    return {{"gzip", "-dc"},
            {"python3", "-c",
             "import gzip, sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"}};
  }
  return {{"zstd", "-dcq"}};
}

// A compressor as the config names it: the algorithm and, for gzip, the engine.
struct Codec {
  Compression algorithm;
  GzipEngine engine;
  const char* name;
};
constexpr Codec kGzipZlib{Compression::kGzip, GzipEngine::kZlib, "gzip_zlib"};
constexpr Codec kGzipLibdeflate{Compression::kGzip, GzipEngine::kLibdeflate, "gzip_libdeflate"};
constexpr Codec kZstd{Compression::kZstd, GzipEngine::kAuto, "zstd"};

// True when `gz` is exactly one gzip member holding `size` bytes: inflate (gzip only, no
// multi-member loop) ends the stream exactly at the last byte.
bool IsOneGzipMember(const std::string& gz, size_t size) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return false;
  std::vector<uint8_t> out(size + 1);
  z.next_in = reinterpret_cast<const Bytef*>(gz.data());
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_FINISH);
  bool one = rc == Z_STREAM_END && z.avail_in == 0 && z.total_out == size;
  inflateEnd(&z);
  return one;
}

const std::string& DumpText() {
  static const std::string text = testing::DumpLikeText::Generate(50 << 20);
  return text;
}

const std::string& RandomBinary() {
  static const std::string data = [] {
    std::string s(3 << 20, '\0');
    uint64_t x = 88172645463325252ULL;
    for (char& c : s) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x >> 56);
    }
    return s;
  }();
  return data;
}

int DefaultLevel(Compression algorithm) { return algorithm == Compression::kGzip ? 6 : 3; }

CompressionSettings SettingsFor(const Codec& codec, int threads) {
  return {.algorithm = codec.algorithm,
          .level = DefaultLevel(codec.algorithm),
          .threads = threads,
          .gzip_engine = codec.engine};
}

// DumpText() compressed at the default level (6 for gzip), memoized: the round trip and the
// size comparisons share it.
const Result<std::string>& CompressedDumpText(const Codec& codec, int threads) {
  static std::map<std::pair<std::string, int>, Result<std::string>> cache;
  auto key = std::make_pair(std::string(codec.name), threads);
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache.emplace(key, Compress(SettingsFor(codec, threads), DumpText())).first;
  }
  return it->second;
}

// (codec, threads)
class RoundTripTest : public ::testing::TestWithParam<std::tuple<Codec, int>> {
 protected:
  CompressionSettings Settings() const {
    auto [codec, threads] = GetParam();
    return SettingsFor(codec, threads);
  }

  void ExpectRoundTrip(const std::string& input, size_t chunk) {
    SCOPED_TRACE("input size " + std::to_string(input.size()) + ", chunk " + std::to_string(chunk));
    CompressionSettings settings = Settings();
    Result<std::string> compressed = Compress(settings, input, chunk);
    ASSERT_TRUE(compressed.ok()) << compressed.status().ToString();
    // Feed our decompressor in the same odd chunks, so it too crosses every boundary.
    Result<std::string> ours = Decompress(settings.algorithm, *compressed, chunk);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    EXPECT_TRUE(*ours == input) << "our decompressor differs";
    for (const auto& argv : SystemDecompressors(settings.algorithm)) {
      EXPECT_TRUE(RunFilter(argv, *compressed) == input) << argv[0] << " differs";
    }
  }
};

TEST_P(RoundTripTest, SmallAndBoundarySizesAnyChunking) {
  const std::string inputs[] = {
      "",
      "x",
      DumpText().substr(0, kDefaultGzipBlockSize),
      DumpText().substr(0, kDefaultGzipBlockSize + 1),
      DumpText().substr(0, 3 * kDefaultGzipBlockSize - 1),
  };
  for (const std::string& input : inputs) {
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 20}) ExpectRoundTrip(input, chunk);
  }
}

TEST_P(RoundTripTest, RandomBinaryAnyChunking) {
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    ExpectRoundTrip(RandomBinary(), chunk);
  }
}

TEST_P(RoundTripTest, DumpTextInOddChunks) {
  // Dozens of 128 KiB blocks and several zstd jobs. Feeding all 50 MiB byte by byte would
  // prove no more and cost minutes of CPU.
  const std::string input = DumpText().substr(0, 4 << 20);
  for (size_t chunk : {size_t{1}, size_t{7}}) ExpectRoundTrip(input, chunk);
}

TEST_P(RoundTripTest, FiftyMegabytesOfDumpText) {
  auto [codec, threads] = GetParam();
  const Result<std::string>& compressed = CompressedDumpText(codec, threads);
  ASSERT_TRUE(compressed.ok()) << compressed.status().ToString();
  Result<std::string> ours = Decompress(codec.algorithm, *compressed);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  EXPECT_TRUE(*ours == DumpText()) << "our decompressor differs";
  for (const auto& argv : SystemDecompressors(codec.algorithm)) {
    EXPECT_TRUE(RunFilter(argv, *compressed) == DumpText()) << argv[0] << " differs";
  }
  if (codec.algorithm == Compression::kGzip) {
    // gzip -t checks every member's CRC and length; it prints nothing and exits 0.
    EXPECT_EQ(RunFilter({"gzip", "-t"}, *compressed), "");
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, RoundTripTest,
                         ::testing::Combine(::testing::Values(kGzipZlib, kGzipLibdeflate, kZstd),
                                            ::testing::Values(1, 2, 8)),
                         [](const ::testing::TestParamInfo<std::tuple<Codec, int>>& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::to_string(std::get<1>(info.param)) + "threads";
                         });

TEST(GzipEngineTest, AutoIsLibdeflate) {
  EXPECT_EQ(ResolveGzipEngine(GzipEngine::kAuto), GzipEngine::kLibdeflate);
  EXPECT_EQ(ResolveGzipEngine(GzipEngine::kZlib), GzipEngine::kZlib);
  EXPECT_STREQ(GzipEngineName(GzipEngine::kLibdeflate), "libdeflate");
}

TEST(GzipEngineTest, OnlyLibdeflateChecksItsOwnOutput) {
  StringSink sink;
  for (int threads : {1, 2}) {
    EXPECT_TRUE(MakeCompressor(SettingsFor(kGzipLibdeflate, threads), &sink)->ChecksItsOutput());
    EXPECT_FALSE(MakeCompressor(SettingsFor(kGzipZlib, threads), &sink)->ChecksItsOutput());
    EXPECT_FALSE(MakeCompressor(SettingsFor(kZstd, threads), &sink)->ChecksItsOutput());
  }
}

TEST(GzipEngineTest, LevelSixIsNoLargerThanGzipSix) {
  std::string reference = RunFilter({"gzip", "-6", "-c"}, DumpText());
  ASSERT_FALSE(reference.empty() || reference[0] == '<') << reference;
  for (int threads : {1, 2, 8}) {
    const Result<std::string>& ours = CompressedDumpText(kGzipLibdeflate, threads);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    EXPECT_LE(ours->size(), reference.size()) << threads << " threads";
  }
}

TEST(ParallelGzipTest, SmallBlocksCrossManyBoundaries) {
  // Blocks smaller than the 32 KiB window, and a ring that wraps many times.
  static const struct {
    size_t block_size;
    size_t input_size;
  } kCases[] = {{1, 3000}, {1000, 1 << 20}, {40000, 3 << 20}};
  for (const auto& c : kCases) {
    SCOPED_TRACE("block size " + std::to_string(c.block_size));
    std::string input = DumpText().substr(0, c.input_size);
    for (int threads : {2, 8}) {
      for (GzipEngine engine : {GzipEngine::kZlib, GzipEngine::kLibdeflate}) {
        SCOPED_TRACE(GzipEngineName(engine));
        CompressionSettings settings{
            .threads = threads, .gzip_engine = engine, .block_size = c.block_size};
        Result<std::string> compressed = Compress(settings, input, 7);
        ASSERT_TRUE(compressed.ok()) << compressed.status().ToString();
        Result<std::string> ours = Decompress(Compression::kGzip, *compressed);
        ASSERT_TRUE(ours.ok()) << ours.status().ToString();
        EXPECT_TRUE(*ours == input);
        EXPECT_TRUE(RunFilter({"gzip", "-dc"}, *compressed) == input);
      }
    }
  }
}

TEST(ParallelGzipTest, WritesOneGzipMemberWithinFivePercentOfZlib) {
  const Result<std::string>& single = CompressedDumpText(kGzipZlib, 1);
  const Result<std::string>& parallel = CompressedDumpText(kGzipZlib, 2);
  ASSERT_TRUE(single.ok() && parallel.ok());
  EXPECT_LE(static_cast<double>(parallel->size()), 1.05 * static_cast<double>(single->size()))
      << "zlib " << single->size() << " bytes, parallel " << parallel->size();
  EXPECT_TRUE(IsOneGzipMember(*parallel, DumpText().size()));
}

TEST(ParallelGzipTest, SinkSeesLargeWritesOnly) {
  for (GzipEngine engine : {GzipEngine::kZlib, GzipEngine::kLibdeflate}) {
    StringSink sink;
    auto compressor = MakeCompressor({.threads = 2, .gzip_engine = engine}, &sink);
    ASSERT_TRUE(Feed(compressor.get(), DumpText().substr(0, 8 << 20), 1).ok());
    // Header, one write per 128 KiB block, trailer: not one per caller Write().
    EXPECT_LE(sink.writes_, 2 + (8 << 20) / kDefaultGzipBlockSize);
  }
}

// (codec, threads, bytes the sink takes before failing)
class FailingSinkTest : public ::testing::TestWithParam<std::tuple<Codec, int, size_t>> {};

TEST_P(FailingSinkTest, ReturnsSinkErrorAndJoinsWorkers) {
  auto [codec, threads, limit] = GetParam();
  int threads_before = ThreadCount();
  {
    FailingSink sink(limit);
    std::unique_ptr<Compressor> compressor = MakeCompressor(SettingsFor(codec, threads), &sink);
    Status s = Feed(compressor.get(), DumpText().substr(0, 20 << 20), 64 << 10);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.kind(), ErrorKind::kStorage);
    EXPECT_EQ(s.message(), "Cannot write 'x.sql.gz': No space left on device");
    // Sticky: later calls report the same failure and do not touch the sink again.
    size_t calls = sink.calls_;
    Status again = compressor->Write(Bytes("more"));
    EXPECT_FALSE(again.ok());
    EXPECT_EQ(compressor->Finish().message(), s.message());
    EXPECT_EQ(sink.calls_, calls);
  }
  EXPECT_EQ(SettledThreadCount(threads_before), threads_before);
}

INSTANTIATE_TEST_SUITE_P(
    AllCodecs, FailingSinkTest,
    ::testing::Combine(::testing::Values(kGzipZlib, kGzipLibdeflate, kZstd),
                       ::testing::Values(1, 2, 8),
                       ::testing::Values(size_t{0}, size_t{1000}, size_t{3} << 20)));

TEST(CompressorTest, AbandonedMidStreamJoinsWorkers) {
  int threads_before = ThreadCount();
  for (const Codec& codec : {kGzipZlib, kGzipLibdeflate, kZstd}) {
    StringSink sink;
    auto compressor = MakeCompressor(SettingsFor(codec, 8), &sink);
    ASSERT_TRUE(compressor->Write(Bytes(DumpText().substr(0, 5 << 20))).ok());
    compressor.reset();  // no Finish()
  }
  EXPECT_EQ(SettledThreadCount(threads_before), threads_before);
}

TEST(CompressorTest, BadLevelIsAnErrorNotACrash) {
  static const struct {
    Codec codec;
    int level;
    int threads;
  } kCases[] = {{kGzipZlib, 42, 1},       {kGzipZlib, 42, 2}, {kGzipLibdeflate, 42, 1},
                {kGzipLibdeflate, 42, 2}, {kZstd, 99, 1},     {kZstd, 0, 2}};
  for (const auto& c : kCases) {
    StringSink sink;
    CompressionSettings settings = SettingsFor(c.codec, c.threads);
    settings.level = c.level;
    auto compressor = MakeCompressor(settings, &sink);
    Status s = Feed(compressor.get(), DumpText().substr(0, 1 << 20), 1 << 16);
    EXPECT_FALSE(s.ok()) << "level " << c.level;
    if (!s.ok()) {
      EXPECT_EQ(s.kind(), ErrorKind::kStorage);
    }
  }
}

// (codec, threads used to write the input)
class DecompressorErrorTest : public ::testing::TestWithParam<std::tuple<Codec, int>> {
 protected:
  void SetUp() override {
    auto [codec, threads] = GetParam();
    algorithm_ = codec.algorithm;
    input_ = DumpText().substr(0, 2 << 20);
    Result<std::string> compressed = Compress(SettingsFor(codec, threads), input_);
    ASSERT_TRUE(compressed.ok());
    compressed_ = *compressed;
  }

  void ExpectIntegrityError(const std::string& data, const std::string& message_part) {
    for (size_t chunk : {size_t{1} << 20, size_t{7}}) {
      Result<std::string> out = Decompress(algorithm_, data, chunk);
      ASSERT_FALSE(out.ok()) << "accepted " << data.size() << " bytes";
      EXPECT_EQ(out.status().kind(), ErrorKind::kIntegrity);
      EXPECT_NE(out.status().message().find(message_part), std::string::npos)
          << out.status().message();
    }
  }

  Compression algorithm_ = Compression::kGzip;
  std::string input_;
  std::string compressed_;
};

TEST_P(DecompressorErrorTest, TruncatedAnywhereIsIntegrityError) {
  const size_t n = compressed_.size();
  for (size_t keep : {size_t{0}, size_t{1}, size_t{5}, size_t{10}, n / 2, n - 8, n - 1}) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(n));
    ExpectIntegrityError(compressed_.substr(0, keep), "truncated");
  }
}

TEST_P(DecompressorErrorTest, FlippedByteIsIntegrityError) {
  // In the middle of the data, and in the trailer's CRC / the frame's checksum.
  for (size_t at : {compressed_.size() / 2, compressed_.size() - 6}) {
    SCOPED_TRACE("flipped byte " + std::to_string(at));
    std::string corrupt = compressed_;
    corrupt[at] = static_cast<char>(corrupt[at] ^ 0x10);
    // A flipped block header may also read as a longer block, hence "truncated".
    ExpectIntegrityError(corrupt, "stream");
  }
}

TEST_P(DecompressorErrorTest, TrailingGarbageIsIntegrityError) {
  ExpectIntegrityError(compressed_ + "garbage after the end", "corrupt");
  ExpectIntegrityError(compressed_ + std::string(512, '\0'), "corrupt");
}

TEST_P(DecompressorErrorTest, ConcatenatedStreamsAreAllRead) {
  std::string twice = compressed_ + compressed_;
  for (size_t chunk : {size_t{1} << 20, size_t{7}}) {
    Result<std::string> out = Decompress(algorithm_, twice, chunk);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(*out == input_ + input_);
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, DecompressorErrorTest,
                         ::testing::Combine(::testing::Values(kGzipZlib, kGzipLibdeflate, kZstd),
                                            ::testing::Values(1, 2)),
                         [](const ::testing::TestParamInfo<std::tuple<Codec, int>>& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::to_string(std::get<1>(info.param)) + "threads";
                         });

TEST(DecompressorTest, ReadsWhatTheSystemToolsWrite) {
  const std::string input = DumpText().substr(0, 3 << 20);
  static const struct {
    Compression algorithm;
    std::vector<std::string> argv;
  } kCases[] = {{Compression::kGzip, {"gzip", "-6", "-c"}},
                {Compression::kGzip, {"pigz", "-6", "-p", "2", "-c"}},
                {Compression::kZstd, {"zstd", "-3", "-T2", "-cq"}}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.argv[0]);
    std::string compressed = RunFilter(c.argv, input);
    ASSERT_FALSE(compressed.empty() || compressed[0] == '<') << compressed;
    Result<std::string> out = Decompress(c.algorithm, compressed, 7);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(*out == input);
  }
}

// The gzip decompressor's libdeflate fast path (gzip_decompressor.cc): whole members of ours go
// through libdeflate, anything else through zlib from the first member libdeflate does not
// take whole, and every verdict is zlib's. "As before" below means: as the decompressor reads it
// with zlib alone (libdeflate = false), which is the code that read every file before.
struct Inflated {
  Status status;
  std::string output;
  GzipInflateCounts counts;
};

Inflated InflateGzip(const std::string& gz, bool libdeflate, size_t chunk = 1 << 20) {
  Inflated result;
  StringSink sink;
  std::unique_ptr<Decompressor> decompressor =
      MakeGzipDecompressor(&sink, {.libdeflate = libdeflate, .counts = &result.counts});
  result.status = Feed(decompressor.get(), gz, chunk);
  result.output = std::move(sink.data_);
  return result;
}

// Reads `gz` with and without the fast path and expects the same verdict: the same output when
// both succeed, the same kind and message when both fail.
void ExpectSameAsZlibAlone(const std::string& gz) {
  for (size_t chunk : {size_t{1} << 20, size_t{7}}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    Inflated fast = InflateGzip(gz, /*libdeflate=*/true, chunk);
    Inflated zlib = InflateGzip(gz, /*libdeflate=*/false, chunk);
    EXPECT_EQ(zlib.counts.libdeflate_members, 0u);
    ASSERT_EQ(fast.status.ok(), zlib.status.ok())
        << "fast: " << fast.status.ToString() << ", zlib: " << zlib.status.ToString();
    if (zlib.status.ok()) {
      EXPECT_TRUE(fast.output == zlib.output);
    } else {
      EXPECT_EQ(fast.status.kind(), zlib.status.kind());
      EXPECT_EQ(fast.status.message(), zlib.status.message());
    }
  }
}

// Where each member of a multi-member gzip file starts, and where the last one ends: zlib,
// gzip-only, reads one member at a time. Empty if `gz` is not a sequence of whole members.
std::vector<size_t> MemberBoundaries(const std::string& gz) {
  std::vector<size_t> boundaries{0};
  std::vector<uint8_t> out(1 << 20);
  while (boundaries.back() < gz.size()) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) return {};
    z.next_in = reinterpret_cast<const Bytef*>(gz.data()) + boundaries.back();
    z.avail_in = static_cast<uInt>(gz.size() - boundaries.back());
    int rc = Z_OK;
    while (rc == Z_OK) {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      rc = inflate(&z, Z_NO_FLUSH);
    }
    size_t used = z.total_in;
    inflateEnd(&z);
    if (rc != Z_STREAM_END) return {};
    boundaries.push_back(boundaries.back() + used);
  }
  return boundaries;
}

// 12 MiB of dump text written by the libdeflate engine: 48 members, more than the fast path's
// 4 MiB of buffered input once compressed, so its buffer is refilled several times.
class GzipFastPathTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    input_ = new std::string(DumpText().substr(0, 12 << 20));
    Result<std::string> gz = Compress(SettingsFor(kGzipLibdeflate, 2), *input_);
    ASSERT_TRUE(gz.ok()) << gz.status().ToString();
    gz_ = new std::string(*gz);
    boundaries_ = new std::vector<size_t>(MemberBoundaries(*gz_));
    ASSERT_EQ(boundaries_->size(), (12 << 20) / kDefaultLibdeflateBlockSize + 1);
  }
  static void TearDownTestSuite() {
    delete input_;
    delete gz_;
    delete boundaries_;
  }
  static size_t Members() { return boundaries_->size() - 1; }

  static std::string* input_;
  static std::string* gz_;
  static std::vector<size_t>* boundaries_;
};
std::string* GzipFastPathTest::input_ = nullptr;
std::string* GzipFastPathTest::gz_ = nullptr;
std::vector<size_t>* GzipFastPathTest::boundaries_ = nullptr;

TEST_F(GzipFastPathTest, OurMembersAllGoThroughLibdeflateWhateverTheChunking) {
  ASSERT_GT(gz_->size(), size_t{4} << 20);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4093}, size_t{65537}, (size_t{2} << 20) - 1,
                       (size_t{1} << 20) + 3, gz_->size()}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    Inflated fast = InflateGzip(*gz_, /*libdeflate=*/true, chunk);
    ASSERT_TRUE(fast.status.ok()) << fast.status.ToString();
    EXPECT_TRUE(fast.output == *input_);
    EXPECT_EQ(fast.counts.libdeflate_members, Members());
    EXPECT_FALSE(fast.counts.fell_back_to_zlib);
  }
  Inflated zlib = InflateGzip(*gz_, /*libdeflate=*/false);
  ASSERT_TRUE(zlib.status.ok()) << zlib.status.ToString();
  EXPECT_TRUE(zlib.output == *input_);
}

TEST(GzipFastPathLargeMemberTest, ZlibEngineAndGzipFilesGoThroughZlib) {
  const std::string input = DumpText().substr(0, 3 << 20);
  Result<std::string> zlib_engine = Compress(SettingsFor(kGzipZlib, 2), input);
  ASSERT_TRUE(zlib_engine.ok());
  ASSERT_TRUE(IsOneGzipMember(*zlib_engine, input.size()));
  std::string gzip_six = RunFilter({"gzip", "-6", "-c"}, input);
  ASSERT_TRUE(IsOneGzipMember(gzip_six, input.size()));
  for (const std::string* gz : {&*zlib_engine, &gzip_six}) {
    for (size_t chunk : {size_t{1} << 20, size_t{7}}) {
      Inflated fast = InflateGzip(*gz, /*libdeflate=*/true, chunk);
      ASSERT_TRUE(fast.status.ok()) << fast.status.ToString();
      EXPECT_TRUE(fast.output == input);
      EXPECT_EQ(fast.counts.libdeflate_members, 0u);
      EXPECT_TRUE(fast.counts.fell_back_to_zlib);
    }
  }
}

TEST_F(GzipFastPathTest, SwitchesToZlibAtTheFirstLargeMemberForTheRest) {
  const std::string big_input = DumpText().substr(0, 3 << 20);
  std::string big = RunFilter({"gzip", "-6", "-c"}, big_input);
  ASSERT_TRUE(IsOneGzipMember(big, big_input.size()));
  // Ours, then gzip's, then ours again: the last part is read by zlib too.
  Inflated mixed = InflateGzip(*gz_ + big + *gz_, /*libdeflate=*/true);
  ASSERT_TRUE(mixed.status.ok()) << mixed.status.ToString();
  EXPECT_TRUE(mixed.output == *input_ + big_input + *input_);
  EXPECT_EQ(mixed.counts.libdeflate_members, Members());
  EXPECT_TRUE(mixed.counts.fell_back_to_zlib);
  ExpectSameAsZlibAlone(*gz_ + big + *gz_);
}

TEST_F(GzipFastPathTest, CorruptionInAMemberIsReportedAsBefore) {
  ASSERT_GE(Members(), 10u);
  const size_t k = 9;  // a member well inside the stream, read by libdeflate until then
  const size_t start = (*boundaries_)[k];
  const size_t end = (*boundaries_)[k + 1];
  const struct {
    const char* where;
    size_t at;
  } kCases[] = {{"magic", start},
                {"method", start + 2},
                {"flags", start + 3},
                {"first deflate byte", start + 10},
                {"middle", (start + end) / 2},
                {"CRC-32", end - 8},
                {"length", end - 2}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.where) + ", byte " + std::to_string(c.at));
    std::string corrupt = *gz_;
    corrupt[c.at] = static_cast<char>(corrupt[c.at] ^ 0x10);
    Inflated fast = InflateGzip(corrupt, /*libdeflate=*/true);
    EXPECT_FALSE(fast.status.ok());
    EXPECT_EQ(fast.status.kind(), ErrorKind::kIntegrity);
    EXPECT_EQ(fast.counts.libdeflate_members, k);
    ExpectSameAsZlibAlone(corrupt);
  }
}

TEST_F(GzipFastPathTest, TruncationInsideAndBetweenMembersIsReportedAsBefore) {
  const size_t k = 5;
  const size_t start = (*boundaries_)[k];
  const size_t end = (*boundaries_)[k + 1];
  for (size_t keep : {size_t{0}, size_t{1}, size_t{9}, start + 1, start + 9, start + 10,
                      (start + end) / 2, end - 8, end - 1, gz_->size() - 1}) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(gz_->size()));
    Inflated fast = InflateGzip(gz_->substr(0, keep), /*libdeflate=*/true);
    ASSERT_FALSE(fast.status.ok());
    EXPECT_EQ(fast.status.kind(), ErrorKind::kIntegrity);
    EXPECT_NE(fast.status.message().find("truncated"), std::string::npos) << fast.status.message();
    ExpectSameAsZlibAlone(gz_->substr(0, keep));
  }
  EXPECT_EQ(InflateGzip("", true).status.message(), "gzip stream truncated: no data");
  // Cut exactly between two members, the rest is still valid gzip, for zlib as for libdeflate
  // (the SHA-256 and the dump trailer catch that, README.md "What the checks prove").
  Inflated cut = InflateGzip(gz_->substr(0, start), /*libdeflate=*/true);
  ASSERT_TRUE(cut.status.ok()) << cut.status.ToString();
  EXPECT_TRUE(cut.output == input_->substr(0, k * kDefaultLibdeflateBlockSize));
  ExpectSameAsZlibAlone(gz_->substr(0, start));
}

TEST_F(GzipFastPathTest, TrailingGarbageIsReportedAsBefore) {
  const std::string kGarbage[] = {"garbage after the end", std::string(512, '\0'),
                                  std::string("\x1f", 1), std::string("\x1f\x8b\x08", 3),
                                  std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03x", 11)};
  for (const std::string& garbage : kGarbage) {
    SCOPED_TRACE("garbage of " + std::to_string(garbage.size()) + " bytes");
    Inflated fast = InflateGzip(*gz_ + garbage, /*libdeflate=*/true);
    ASSERT_FALSE(fast.status.ok());
    EXPECT_EQ(fast.status.kind(), ErrorKind::kIntegrity);
    EXPECT_EQ(fast.counts.libdeflate_members, Members());
    ExpectSameAsZlibAlone(*gz_ + garbage);
  }
  Inflated fast = InflateGzip(*gz_ + "garbage after the end", /*libdeflate=*/true);
  EXPECT_EQ(fast.status.message(), "gzip stream corrupt: trailing garbage after the last member");
}

TEST(GzipFastPathHeaderCrcTest, MemberWithHeaderCrcIsLeftToZlib) {
  // libdeflate skips FHCRC without checking it; zlib checks it, so such members go to zlib.
  const std::string input = "-- a small dump\n";
  std::string gz = RunFilter({"gzip", "-6", "-c"}, input);
  ASSERT_GE(gz.size(), size_t{18});
  std::string header = gz.substr(0, 10);
  header[3] = static_cast<char>(header[3] | 0x02);
  uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(header.data()), 10);
  std::string with_crc =
      header + static_cast<char>(crc & 0xff) + static_cast<char>((crc >> 8) & 0xff) + gz.substr(10);
  Inflated good = InflateGzip(with_crc, /*libdeflate=*/true);
  ASSERT_TRUE(good.status.ok()) << good.status.ToString();
  EXPECT_EQ(good.output, input);
  EXPECT_EQ(good.counts.libdeflate_members, 0u);
  std::string bad_crc = with_crc;
  bad_crc[10] = static_cast<char>(bad_crc[10] ^ 1);
  Inflated bad = InflateGzip(bad_crc, /*libdeflate=*/true);
  EXPECT_EQ(bad.status.message(), "gzip stream corrupt: header crc mismatch");
  ExpectSameAsZlibAlone(bad_crc);
}

}  // namespace
}  // namespace mysql_backup
