// [target NAME] sections: the keys the contract names, defaults from the local retention, and
// every mistake a configuration error that names the file, section and key.
#include "config/target_config.h"

#include <gtest/gtest.h>

#include "config/ini_file.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace mysql_backup::testing {
namespace {

class TargetConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTextFile(dir_ / "creds", "[default]\naws_access_key_id = AKID\naws_secret_access_key = "
                                  "sekrit\n[other]\naws_access_key_id = AKID2\n"
                                  "aws_secret_access_key = sekrit2\n");
  }
  Status Read(const std::string& section_body, std::vector<TargetConfig>* out) {
    auto sections = ParseIni("[target t1]\n" + section_body, "x.conf");
    EXPECT_TRUE(sections.ok());
    std::vector<std::string> warnings;
    return ReadTargets(*sections, "x.conf", 7, 4, 12, out, &warnings);
  }
  std::string S3(const std::string& extra = "") {
    return "type = s3\nendpoint = http://127.0.0.1:9\nbucket = b\nprefix = host1\n"
           "credentials_file = " + (dir_ / "creds") + "\n" + extra;
  }
  TempDir dir_;
};

TEST_F(TargetConfigTest, ReadsAnS3TargetWithDefaults) {
  std::vector<TargetConfig> t;
  Status s = Read(S3(), &t);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].name, "t1");
  EXPECT_EQ(t[0].prefix, "host1/");
  EXPECT_EQ(t[0].region, "us-east-1");
  EXPECT_EQ(t[0].access_key_id, "AKID");
  EXPECT_EQ(t[0].secret_access_key, "sekrit");
  EXPECT_EQ(t[0].part_size, 64u << 20);
  EXPECT_EQ(t[0].keep_daily, 7);
  EXPECT_EQ(t[0].keep_monthly, 12);
  EXPECT_EQ(t[0].verify, TargetVerify::kSize);
}

TEST_F(TargetConfigTest, ProfileAndPartSizeAndKeepCounts) {
  std::vector<TargetConfig> t;
  Status s = Read(S3("profile = other\npart_size = 8M\nkeep_daily = 2\nverify = full\n"), &t);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(t[0].secret_access_key, "sekrit2");
  EXPECT_EQ(t[0].part_size, 8u << 20);
  EXPECT_EQ(t[0].keep_daily, 2);
  EXPECT_EQ(t[0].keep_weekly, 4);
  EXPECT_EQ(t[0].verify, TargetVerify::kFull);
}

TEST_F(TargetConfigTest, MistakesAreConfigurationErrorsNamingTheKey) {
  static const struct {
    const char* body;
    const char* key;
  } kCases[] = {
      {"type = ftp\n", "type"},
      {"type = s3\nendpoint = http://x\nbucket = b\ncredentials_file = /nonexistent\n", "prefix"},
      {"type = s3\nendpoint = x\nbucket = b\nprefix = p\n", "endpoint"},
      {"type = s3\nendpoint = http://x\nbucket = b\nprefix = p\n", "credentials_file"},
      {"type = s3\nendpoint = http://x\nbucket = b\nprefix = p\nsecret = x\n", "secret"},
      {"type = s3\nendpoint = http://x\nbucket = b\nprefix = p\npart_size = 1\n"
       "credentials_file = /nonexistent\n", "part_size"},
      {"type = sftp\nhost = h\nuser = u\npath = /b\nidentity_file = /etc/hostname\n",
       "host_key_sha256"},
  };
  for (const auto& c : kCases) {
    std::vector<TargetConfig> t;
    Status s = Read(c.body, &t);
    ASSERT_FALSE(s.ok()) << c.body;
    EXPECT_EQ(s.kind(), ErrorKind::kConfiguration);
    EXPECT_NE(s.message().find("'x.conf' [target t1] " + std::string(c.key)), std::string::npos)
        << s.message();
    EXPECT_EQ(s.message().find("sekrit"), std::string::npos);
  }
}

}  // namespace
}  // namespace mysql_backup::testing
