// The check that runs beside the backup pipeline (dump/stream_check.h): it passes the compressed
// bytes on unchanged, counts what they decompress to, and fails with kIntegrity on a corrupt or
// cut-off stream or a dump without its trailer; its thread is joined on every path.
#include "dump/stream_check.h"

#include <gtest/gtest.h>

#include <string>

#include "support/dump_like_text.h"
#include "support/string_sink.h"
#include "support/thread_count.h"

namespace mysql_backup {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

using ::mysql_backup::testing::StringSink;

// Flips one bit of the byte at `at` of the stream, as a bad compressor or bad memory would.
class FlippingSink : public ByteSink {
 public:
  FlippingSink(ByteSink* next, size_t at) : next_(next), at_(at) {}
  Status Write(std::span<const uint8_t> data) override {
    std::string copy(reinterpret_cast<const char*>(data.data()), data.size());
    if (at_ >= seen_ && at_ < seen_ + copy.size()) copy[at_ - seen_] ^= 0x04;
    seen_ += copy.size();
    return next_->Write(Bytes(copy));
  }

 private:
  ByteSink* next_;
  size_t at_;
  size_t seen_ = 0;
};

using ::mysql_backup::testing::SettledThreadCount;
using ::mysql_backup::testing::ThreadCount;

std::string CompleteDump(size_t size) {
  return testing::DumpLikeText::Generate(size) + "\n-- Dump completed on 2026-12-02  7:00:00\n";
}

const CompressionSettings kCodecs[] = {
    {.algorithm = Compression::kGzip, .level = 6, .threads = 2, .gzip_engine = GzipEngine::kZlib},
    {.algorithm = Compression::kGzip, .level = 6, .threads = 1, .gzip_engine = GzipEngine::kZlib},
    {.algorithm = Compression::kZstd, .level = 3, .threads = 2},
};

TEST(StreamCheckTest, PassesBytesOnAndCountsTheDump) {
  const std::string dump = CompleteDump(6 << 20);  // more than the tee's queue
  for (const auto& settings : kCodecs) {
    StringSink file;
    StreamCheckTee tee(&file);
    ASSERT_TRUE(tee.Start(settings.algorithm).ok());
    auto compressor = MakeCompressor(settings, &tee);
    ASSERT_TRUE(compressor->Write(Bytes(dump)).ok());
    ASSERT_TRUE(compressor->Finish().ok());
    auto counted = tee.Finish();
    ASSERT_TRUE(counted.ok()) << counted.status().ToString();
    EXPECT_EQ(*counted, dump.size());
    // What reached the file is the compressor's stream, unchanged.
    StringSink plain;
    auto decompressor = MakeDecompressor(settings.algorithm, &plain);
    ASSERT_TRUE(decompressor->Write(Bytes(file.text)).ok());
    ASSERT_TRUE(decompressor->Finish().ok());
    EXPECT_TRUE(plain.text == dump);
  }
}

TEST(StreamCheckTest, CorruptStreamIsAnIntegrityError) {
  const std::string dump = CompleteDump(2 << 20);
  for (const auto& settings : kCodecs) {
    StringSink file;
    StreamCheckTee tee(&file);
    ASSERT_TRUE(tee.Start(settings.algorithm).ok());
    FlippingSink flip(&tee, 100000);
    auto compressor = MakeCompressor(settings, &flip);
    ASSERT_TRUE(compressor->Write(Bytes(dump)).ok());
    ASSERT_TRUE(compressor->Finish().ok());
    auto counted = tee.Finish();
    ASSERT_FALSE(counted.ok());
    EXPECT_EQ(counted.status().kind(), ErrorKind::kIntegrity);
  }
}

TEST(StreamCheckTest, CutOffStreamOrDumpIsAnIntegrityError) {
  const std::string complete = CompleteDump(1 << 20);
  for (const auto& settings : kCodecs) {
    // The stream ends early: the compressor's output without its last bytes.
    StringSink whole;
    auto compressor = MakeCompressor(settings, &whole);
    ASSERT_TRUE(compressor->Write(Bytes(complete)).ok());
    ASSERT_TRUE(compressor->Finish().ok());
    StringSink file;
    StreamCheckTee tee(&file);
    ASSERT_TRUE(tee.Start(settings.algorithm).ok());
    ASSERT_TRUE(tee.Write(Bytes(whole.text.substr(0, whole.text.size() - 5))).ok());
    auto counted = tee.Finish();
    ASSERT_FALSE(counted.ok());
    EXPECT_EQ(counted.status().kind(), ErrorKind::kIntegrity);

    // A whole stream of a dump without its trailer.
    StringSink file2;
    StreamCheckTee tee2(&file2);
    ASSERT_TRUE(tee2.Start(settings.algorithm).ok());
    auto compressor2 = MakeCompressor(settings, &tee2);
    ASSERT_TRUE(compressor2->Write(Bytes(complete.substr(0, 500000))).ok());
    ASSERT_TRUE(compressor2->Finish().ok());
    auto cut = tee2.Finish();
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.status().kind(), ErrorKind::kIntegrity);
    EXPECT_NE(cut.status().message().find("Dump completed"), std::string::npos);
  }
}

TEST(StreamCheckTest, NotStartedOnlyPassesBytesOn) {
  StringSink file;
  StreamCheckTee tee(&file);
  ASSERT_TRUE(tee.Write(Bytes("not even compressed")).ok());
  EXPECT_FALSE(tee.started());
  auto counted = tee.Finish();
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, 0u);
  EXPECT_EQ(file.text, "not even compressed");
}

TEST(StreamCheckTest, AbandonedTeeJoinsItsThread) {
  int before = ThreadCount();
  {
    StringSink file;
    StreamCheckTee tee(&file);
    ASSERT_TRUE(tee.Start(Compression::kGzip).ok());
    ASSERT_TRUE(tee.Write(Bytes(std::string(10 << 20, 'x'))).ok());  // garbage: the check fails
  }
  EXPECT_EQ(SettledThreadCount(before), before);
}

}  // namespace
}  // namespace mysql_backup
