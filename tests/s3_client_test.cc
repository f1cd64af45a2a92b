// The S3 client against a real signature-checking server (@20minutes/s3rver from Node, on
// loopback): single and multipart uploads read back byte-identical (by us and by Debian's
// s3cmd), HEAD, list, delete, and a wrong secret refused with 403.
#include "remote/s3_client.h"

#include <gtest/gtest.h>

#include <random>

#include "support/cli_runner.h"
#include "support/command.h"
#include "support/s3_server.h"
#include "support/string_sink.h"
#include "support/temp_dir.h"

namespace mysql_backup::testing {
namespace {

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

class S3ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = S3Server::Start(dir_ / "s3data", {"backups"});
    if (!server.ok()) GTEST_SKIP() << server.status().ToString();
    server_ = std::move(*server);
  }

  S3Settings Settings(std::string secret = kS3SecretKey) const {
    S3Settings s;
    s.endpoint = server_->endpoint();
    s.bucket = "backups";
    s.prefix = "host1/";
    s.keys = {kS3AccessKey, std::move(secret), "us-east-1"};
    return s;
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    std::string path = dir_ / name;
    WriteTextFile(path, content);
    return path;
  }

  TempDir dir_;
  std::unique_ptr<S3Server> server_;
};

TEST(S3PartSizeTest, GrowsSoThatNoFileNeedsMoreThan10000Parts) {
  constexpr uint64_t kMiB = 1 << 20;
  EXPECT_EQ(S3PartSizeFor(100 * kMiB, 64 * kMiB), 64 * kMiB);
  EXPECT_EQ(S3PartSizeFor(640000 * kMiB, 64 * kMiB), 64 * kMiB);
  uint64_t huge = 5ULL << 40;  // 5 TiB
  uint64_t part = S3PartSizeFor(huge, 64 * kMiB);
  EXPECT_LE((huge + part - 1) / part, 10000u);
  EXPECT_EQ(part % kMiB, 0u);
}

TEST_F(S3ClientTest, AWrongSecretIsRefusedWith403) {
  auto target = MakeS3Target(Settings("not-the-secret"));
  Status s = target->Upload(WriteFile("a", "hello"), "daily/a", nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kOffsite);
  EXPECT_NE(s.ToString().find("HTTP 403"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("s3://backups/host1/daily/a"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.ToString().find("not-the-secret"), std::string::npos);
  auto right = MakeS3Target(Settings());
  auto size = right->Size("daily/a");
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_FALSE(size->has_value());
}

TEST_F(S3ClientTest, SinglePutReadsBackAndLists) {
  auto target = MakeS3Target(Settings());
  std::string content = RandomBytes(100000, 1);
  ASSERT_TRUE(target->Upload(WriteFile("one", content), "daily/one name+x", nullptr).ok());
  auto size = target->Size("daily/one name+x");
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  ASSERT_TRUE(size->has_value());
  EXPECT_EQ(**size, content.size());
  StringSink sink;
  Status s = target->Download("daily/one name+x", &sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(sink.text == content);
  auto list = target->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].key, "daily/one name+x");
  EXPECT_EQ((*list)[0].size, content.size());
  ASSERT_TRUE(target->Delete("daily/one name+x").ok());
  auto gone = target->Size("daily/one name+x");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(S3ClientTest, MultipartUploadReadsBackByteIdenticalAlsoWithS3cmd) {
  S3Settings settings = Settings();
  settings.part_size = 64 * 1024;
  auto target = MakeS3Target(settings);
  std::string content = RandomBytes(3 * 64 * 1024 + 12345, 2);  // four parts
  uint64_t last_done = 0;
  Status s = target->Upload(WriteFile("big", content), "weekly/big.sql.gz",
                            [&](uint64_t done, uint64_t total) {
                              EXPECT_EQ(total, content.size());
                              last_done = done;
                            });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(last_done, content.size());
  StringSink sink;
  ASSERT_TRUE(target->Download("weekly/big.sql.gz", &sink).ok());
  EXPECT_TRUE(sink.text == content);

  // An independent client reads the same object.
  auto s3cmd = RunCommand({"s3cmd", "--version"});
  if (!s3cmd.ok() || !s3cmd->ok()) GTEST_SKIP() << "s3cmd is not installed (apt install s3cmd)";
  std::string host = "127.0.0.1:" + std::to_string(server_->port());
  WriteTextFile(dir_ / "s3cfg", "[default]\naccess_key = " + std::string(kS3AccessKey) +
                                    "\nsecret_key = " + kS3SecretKey + "\nhost_base = " + host +
                                    "\nhost_bucket = " + host +
                                    "\nuse_https = False\nsignature_v2 = False\n"
                                    "bucket_location = us-east-1\n");
  auto get = RunCommand({"s3cmd", "-c", dir_ / "s3cfg", "--no-progress", "get",
                         "s3://backups/host1/weekly/big.sql.gz", dir_ / "fetched"});
  ASSERT_TRUE(get.ok());
  ASSERT_TRUE(get->ok()) << get->Describe();
  EXPECT_TRUE(ReadTextFile(dir_ / "fetched") == content);
}

TEST_F(S3ClientTest, StaleUploadCleanupSaysWhenTheServerCannotList) {
  auto target = MakeS3Target(Settings());
  auto notes = target->CleanStaleUploads(std::time(nullptr));
  ASSERT_TRUE(notes.ok()) << notes.status().ToString();
  // s3rver answers ListMultipartUploads with 501: a warning, not a failure.
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ((*notes)[0].rfind("warning: ", 0), 0u) << (*notes)[0];
}

}  // namespace
}  // namespace mysql_backup::testing
