// Encrypted backups end to end, as a user sees them: the built binary against a real MariaDB
// with [encryption] recipients. The file is readable by Debian's own `age` without our tool,
// `sha256sum -c` works on the encrypted bytes, --verify checks the hash without a key and
// everything with one, a flipped byte fails both, restore and drill decrypt on the fly (and
// refuse clearly without identity_file), and --generate-key's keys work with `age`.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

constexpr const char* kDumpOptions =
    "--single-transaction --routines --events --triggers --add-drop-table --extended-insert";

class EncryptionRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<MariaDbServer>();
    start_ = StartWithAwkwardFixture(server_.get(), &source_fingerprint_);
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(start_.ok()) << start_.ToString();
    backup_dir_ = dir_ / "backups";
    ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
    // A key from age-keygen: the standard tool's keys work in our config.
    key_ = dir_ / "key.txt";
    CliResult keygen = RunShell("age-keygen -o " + ShellQuote(key_) + " 2>&1");
    ASSERT_EQ(keygen.exit_code, 0) << keygen.out;
    CliResult pub = RunShell("age-keygen -y " + ShellQuote(key_));
    ASSERT_EQ(pub.exit_code, 0) << pub.err;
    recipient_ = pub.out.substr(0, pub.out.find('\n'));
  }

  // `extra` goes into [encryption] after the recipients.
  std::string WriteConfig(const std::string& encryption_lines,
                          const std::string& backup_lines = "") {
    std::string text = "[database]\nhost = 127.0.0.1\nport = " + std::to_string(server_->port()) +
                       "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword +
                       "\ndatabase = awkward\n[backup]\nbackup_dir = " + backup_dir_ +
                       "\nmysqldump_options = " + kDumpOptions + "\n" + backup_lines +
                       "[restore]\nuser = " +
                       MariaDbServer::kRestoreUser + "\npassword = " +
                       MariaDbServer::kRestorePassword + "\n[encryption]\n" + encryption_lines;
    std::string path = dir_ / ("backup-" + std::to_string(configs_++) + ".conf");
    WriteTextFile(path, text, 0600);
    return path;
  }

  std::string WithoutKey() { return WriteConfig("recipients = " + recipient_ + "\n"); }
  std::string WithKey() {
    return WriteConfig("recipients = " + recipient_ + "\nidentity_file = " + key_ + "\n");
  }

  // Takes a daily backup; returns the path of the encrypted file.
  std::string TakeBackup(const std::string& config) {
    CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    std::string found;
    for (const auto& f : ListFilesRecursively(backup_dir_ + "/daily")) {
      if (EndsWith(f, ".sql.gz.age")) found = backup_dir_ + "/daily/" + f;
    }
    EXPECT_FALSE(found.empty()) << "no .sql.gz.age in " << backup_dir_;
    return found;
  }

  static void FlipByte(const std::string& path, long offset) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset);
    char c = 0;
    f.get(c);
    f.seekp(offset);
    f.put(static_cast<char>(c ^ 0x01));
  }

  static std::unique_ptr<MariaDbServer> server_;
  static Status start_;
  static std::string source_fingerprint_;
  TempDir dir_;
  std::string backup_dir_;
  std::string key_;
  std::string recipient_;
  int configs_ = 0;
};

std::unique_ptr<MariaDbServer> EncryptionRunTest::server_;
Status EncryptionRunTest::start_;
std::string EncryptionRunTest::source_fingerprint_;

TEST_F(EncryptionRunTest, BackupIsAnAgeFileThatDebiansAgeOpensAndSha256sumChecks) {
  std::string path = TakeBackup(WithoutKey());
  ASSERT_FALSE(path.empty());
  EXPECT_TRUE(Exists(path + ".sha256"));
  EXPECT_FALSE(Exists(path.substr(0, path.size() - 4)));  // no plain copy beside it
  CliResult check = Sha256sumCheck(path);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  // age -d gives back the compressed stream, which holds the whole dump with its trailer.
  CliResult plain = RunShell("age -d -i " + ShellQuote(key_) + " " + ShellQuote(path) +
                             " | gunzip | tail -c 200");
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(Contains(plain.out, "-- Dump completed")) << plain.out;
  // The manifest records the recipient and the SHA-256 of what age -d gives back.
  CliResult plain_sha = RunShell("age -d -i " + ShellQuote(key_) + " " + ShellQuote(path) +
                                 " | sha256sum | cut -c1-64");
  std::string manifest;
  for (const auto& f : ListFilesRecursively(backup_dir_ + "/daily")) {
    if (EndsWith(f, ".json")) manifest = ReadTextFile(backup_dir_ + "/daily/" + f);
  }
  EXPECT_TRUE(Contains(manifest, "\"encrypted\": true")) << manifest;
  EXPECT_TRUE(Contains(manifest, recipient_)) << manifest;
  EXPECT_TRUE(Contains(manifest, "\"plain_sha256\": \"" + plain_sha.out.substr(0, 64) + "\""))
      << manifest;

  CliResult list = RunMysqlBackup({"-c", WithoutKey(), "--list", "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Contains(list.out, "\"encrypted\": true")) << list.out;
}

TEST_F(EncryptionRunTest, VerifyChecksTheHashWithoutAKeyAndEverythingWithOne) {
  std::string path = TakeBackup(WithoutKey());
  ASSERT_FALSE(path.empty());
  CliResult hash_only = RunMysqlBackup({"-c", WithoutKey(), "--verify"});
  EXPECT_EQ(hash_only.exit_code, 0) << hash_only.out << hash_only.err;
  EXPECT_TRUE(Contains(hash_only.out, "SHA-256 only")) << hash_only.out;
  CliResult full = RunMysqlBackup({"-c", WithKey(), "--verify", path});
  EXPECT_EQ(full.exit_code, 0) << full.out << full.err;
  EXPECT_TRUE(Contains(full.out, "OK      " + path + "\n")) << full.out;

  FlipByte(path, 300);
  CliResult bad_hash = RunMysqlBackup({"-c", WithoutKey(), "--verify", path});
  EXPECT_EQ(bad_hash.exit_code, 65) << bad_hash.out << bad_hash.err;
  CliResult bad_full = RunMysqlBackup({"-c", WithKey(), "--verify", path});
  EXPECT_EQ(bad_full.exit_code, 65) << bad_full.out << bad_full.err;
}

TEST_F(EncryptionRunTest, RestoreAndDrillDecryptAndRestoreEqual) {
  std::string path = TakeBackup(WithoutKey());
  ASSERT_FALSE(path.empty());
  CliResult no_key = RunMysqlBackup(
      {"-c", WithoutKey(), "--restore", path, "--target-database", "crypt_copy_nokey"});
  EXPECT_EQ(no_key.exit_code, 78) << no_key.out << no_key.err;
  EXPECT_TRUE(Contains(no_key.err, "[encryption] identity_file is needed to restore '" + path +
                                       "'"))
      << no_key.err;

  CliResult restore = RunMysqlBackup(
      {"-c", WithKey(), "--restore", path, "--target-database", "crypt_copy"});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  EXPECT_EQ(source_fingerprint_, DatabaseFingerprint(*server_, "crypt_copy"));

  CliResult drill = RunMysqlBackup({"-c", WithKey(), "--restore-test"});
  EXPECT_EQ(drill.exit_code, 0) << drill.out << drill.err;
  CliResult drill_no_key = RunMysqlBackup({"-c", WithoutKey(), "--restore-test"});
  EXPECT_EQ(drill_no_key.exit_code, 78) << drill_no_key.out << drill_no_key.err;
}

TEST_F(EncryptionRunTest, WholeRunRestoreAndDrillDecryptThroughTheManifest) {
  // `databases =`: the run's manifest drives restore latest and the drill.
  std::string config = WriteConfig(
      "recipients = " + recipient_ + "\nidentity_file = " + key_ + "\n");
  std::string text = ReadTextFile(config);
  text.replace(text.find("database = awkward"), 18, "databases = awkward");
  WriteTextFile(config, text, 0600);
  std::string path = TakeBackup(config);
  ASSERT_FALSE(path.empty());
  CliResult drill = RunMysqlBackup({"-c", config, "--restore-test"});
  EXPECT_EQ(drill.exit_code, 0) << drill.out << drill.err;
  CliResult restore =
      RunMysqlBackup({"-c", config, "--restore", "latest", "--databases", "awkward", "--force"});
  EXPECT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  EXPECT_EQ(source_fingerprint_, DatabaseFingerprint(*server_, "awkward"));
}

TEST_F(EncryptionRunTest, WrongIdentityIs65AndLoadsNothing) {
  std::string path = TakeBackup(WithoutKey());
  ASSERT_FALSE(path.empty());
  std::string other = dir_ / "other.txt";
  ASSERT_EQ(RunShell("age-keygen -o " + ShellQuote(other) + " 2>/dev/null").exit_code, 0);
  std::string config =
      WriteConfig("recipients = " + recipient_ + "\nidentity_file = " + other + "\n");
  CliResult r =
      RunMysqlBackup({"-c", config, "--restore", path, "--target-database", "crypt_wrong"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_EQ(server_->Sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                         "'crypt_wrong'"),
            "0\n");
}

TEST_F(EncryptionRunTest, CleanupTreatsEncryptedBackupsLikeOthers) {
  std::string path = TakeBackup(WithoutKey());
  ASSERT_FALSE(path.empty());
  std::string old = backup_dir_ + "/daily/awkward-daily-20200101T000000Z.sql.gz.age";
  WriteTextFile(old, "age-encryption.org/v1\n", 0640);
  WriteTextFile(old + ".sha256", std::string(64, '0') + "  " + BaseName(old) + "\n", 0640);
  std::string config = WriteConfig("recipients = " + recipient_ + "\n", "daily_retention = 1\n");
  CliResult list = RunMysqlBackup({"-c", config, "--list"});
  EXPECT_TRUE(Contains(list.out, BaseName(old))) << list.out;
  CliResult r = RunMysqlBackup({"-c", config, "--cleanup"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(Exists(old));
  EXPECT_FALSE(Exists(old + ".sha256"));
  EXPECT_TRUE(Exists(path));
  EXPECT_TRUE(Exists(path + ".sha256"));
}

TEST_F(EncryptionRunTest, BadRecipientIs78NamingTheKey) {
  std::string config = WriteConfig("recipients = age1notakey\n");
  CliResult r = RunMysqlBackup({"-c", config, "--list"});
  EXPECT_EQ(r.exit_code, 78) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "[encryption] recipients")) << r.err;
  EXPECT_TRUE(Contains(r.err, "'age1notakey'")) << r.err;
}

TEST_F(EncryptionRunTest, GeneratedKeyWorksWithAge) {
  std::string file = dir_ / "generated.txt";
  CliResult gen = RunMysqlBackup({"--generate-key", file});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  std::string recipient = gen.out.substr(0, gen.out.find('\n'));
  EXPECT_EQ(recipient.rfind("age1", 0), 0u) << gen.out;
  struct stat st;
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  CliResult round = RunShell("echo secret-data | age -e -r " + ShellQuote(recipient) +
                             " | age -d -i " + ShellQuote(file));
  EXPECT_EQ(round.exit_code, 0) << round.err;
  EXPECT_EQ(round.out, "secret-data\n");
  CliResult again = RunMysqlBackup({"--generate-key", file});
  EXPECT_EQ(again.exit_code, 74) << again.err;
  EXPECT_TRUE(Contains(again.err, "refusing to overwrite")) << again.err;
}

}  // namespace
}  // namespace mysql_backup::testing
