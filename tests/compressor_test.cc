// Compressors and decompressors: byte-identical round trips through our decompressors, the
// system's gzip/zstd and Python's gzip module, for every gzip engine, awkward sizes, thread
// counts and chunkings; errors that must come back
// as Status (failing sink, bad level, truncated, corrupt, trailing garbage) with every worker
// thread joined.
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

}  // namespace
}  // namespace mysql_backup
