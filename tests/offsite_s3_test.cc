// Offsite copies to S3, end to end, as a user sees them: the built binary, a real MariaDB and a
// real signature-checking S3 server (@20minutes/s3rver from Node) on loopback. A backup larger
// than two parts is copied, verified in full, listed and verified on the target, and reads back
// byte-identical with Debian's s3cmd; remote retention deletes only complete copies of ours
// under the prefix; a failing target exits 76 with the local backup kept, and --upload
// completes the copy later; no output holds the secret key or a signature.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "remote/s3_client.h"
#include "support/cli_runner.h"
#include "support/command.h"
#include "support/offsite_fixture.h"
#include "support/s3_server.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

class OffsiteS3Test : public OffsiteTest {
 protected:
  static void SetUpTestSuite() {
    if (S3Server::PackageDir().ok()) StartDatabase();
  }

  void SetUp() override {
    auto package = S3Server::PackageDir();
    if (!package.ok()) GTEST_SKIP() << package.status().ToString();
    SetUpDatabase();
    auto s3 = S3Server::Start(dir_ / "s3data", {"offsite"});
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_ = std::move(*s3);
    WriteTextFile(dir_ / "credentials", std::string("[default]\naws_access_key_id = ") +
                                            kS3AccessKey + "\naws_secret_access_key = " +
                                            kS3SecretKey + "\n[wrong]\naws_access_key_id = " +
                                            kS3AccessKey +
                                            "\naws_secret_access_key = not-the-secret\n");
  }

  // The S3 server again on the same data folder (on a new port), optionally dying at a part.
  void RestartServer(int die_at_part = 0) {
    s3_.reset();
    auto s3 = S3Server::Start(dir_ / "s3data", {}, die_at_part);
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_ = std::move(*s3);
  }

  struct Target {
    std::string profile;
    std::string extra;  // more keys
  };

  std::string WriteConfig(const Target& t = Target{"default", ""}) {
    return WriteConfigFile(LocalConfig() + "\n[target offsite1]\ntype = s3\nendpoint = " +
                           s3_->endpoint() +
                           "\nregion = us-east-1\nbucket = offsite\nprefix = host1/\n"
                           "credentials_file = " + (dir_ / "credentials") +
                           "\nprofile = " + t.profile + "\npart_size = 16K\nverify = full\n" +
                           t.extra);
  }

  std::unique_ptr<RemoteTarget> Client(const std::string& prefix = "host1/") {
    S3Settings s;
    s.endpoint = s3_->endpoint();
    s.bucket = "offsite";
    s.prefix = prefix;
    s.keys = {kS3AccessKey, kS3SecretKey, "us-east-1"};
    return MakeS3Target(s);
  }

  std::set<std::string> RemoteKeys(const std::string& prefix = "host1/") {
    std::set<std::string> out;
    auto list = Client(prefix)->List();
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (list.ok()) {
      for (const auto& o : *list) out.insert(o.key);
    }
    return out;
  }

  // No output, log line or mail of the whole test may hold the secret or a signature.
  void TearDown() override {
    std::string all = AllOutput();
    EXPECT_EQ(all.find(kS3SecretKey), std::string::npos);
    EXPECT_EQ(all.find("Signature="), std::string::npos);
    EXPECT_EQ(all.find("Authorization"), std::string::npos);
  }

  std::unique_ptr<S3Server> s3_;
};

TEST_F(OffsiteS3Test, BackupIsCopiedInPartsVerifiedListedAndReadsBackWithS3cmd) {
  std::string config = WriteConfig();
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string local = OnlyBackup();
  ASSERT_FALSE(local.empty());
  ASSERT_GT(fs::file_size(local), 2u * 16 * 1024) << "the backup must span more than two parts";
  std::string name = fs::path(local).filename();
  EXPECT_EQ(RemoteKeys(), (std::set<std::string>{"daily/" + name, "daily/" + name + ".sha256",
                                                 ManifestOf("daily", name),
                                                 ManifestOf("daily", name) + ".sha256"}));

  CliResult list = Run({"-c", config, "--list", "--target", "offsite1", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::string sha = ReadTextFile(local + ".sha256").substr(0, 64);
  EXPECT_NE(list.out.find("\"sha256\": \"" + sha + "\""), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("s3://offsite/host1/daily/" + name), std::string::npos) << list.out;

  CliResult verify = Run({"-c", config, "--verify", "--target", "offsite1"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  auto s3cmd = RunCommand({"s3cmd", "--version"});
  if (!s3cmd.ok() || !s3cmd->ok()) GTEST_SKIP() << "s3cmd is not installed (apt install s3cmd)";
  std::string host = "127.0.0.1:" + std::to_string(s3_->port());
  WriteTextFile(dir_ / "s3cfg", "[default]\naccess_key = " + std::string(kS3AccessKey) +
                                    "\nsecret_key = " + kS3SecretKey + "\nhost_base = " + host +
                                    "\nhost_bucket = " + host +
                                    "\nuse_https = False\nsignature_v2 = False\n");
  auto get = RunCommand({"s3cmd", "-c", dir_ / "s3cfg", "--no-progress", "get",
                         "s3://offsite/host1/daily/" + name, dir_ / "fetched"});
  ASSERT_TRUE(get.ok() && get->ok()) << (get.ok() ? get->Describe() : get.status().ToString());
  EXPECT_TRUE(ReadTextFile(dir_ / "fetched") == ReadTextFile(local));
}

TEST_F(OffsiteS3Test, AFailedCopyExits76KeepsTheLocalBackupAndUploadCompletesItLater) {
  std::string config = WriteConfig(Target{"wrong", ""});
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 76) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("target 'offsite1'"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("403"), std::string::npos) << r.out << r.err;
  std::string local = ExpectKeptLocally(config);
  ASSERT_FALSE(local.empty());
  EXPECT_TRUE(RemoteKeys().empty());

  config = WriteConfig();
  CliResult up = Run({"-c", config, "--upload"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  std::string name = fs::path(local).filename();
  EXPECT_EQ(RemoteKeys(), (std::set<std::string>{"daily/" + name, "daily/" + name + ".sha256",
                                                 ManifestOf("daily", name),
                                                 ManifestOf("daily", name) + ".sha256"}));
  // Nothing missing: a second --upload copies nothing.
  CliResult again = Run({"-c", config, "--upload", "--target", "offsite1"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE((again.out + again.err).find("has every local backup"), std::string::npos);
}

TEST_F(OffsiteS3Test, AServerThatIsGoneExits76WithNothingUnderTheFinalName) {
  std::string config = WriteConfig();
  s3_->Kill();
  CliResult r = Run({"-c", config, "--backup-type", "weekly"});
  EXPECT_EQ(r.exit_code, 76) << r.out << r.err;
  std::string local = ExpectKeptLocally(config, "weekly");
  ASSERT_FALSE(local.empty());
  // The same data folder served again (on a new port): nothing was stored under the name.
  RestartServer();
  EXPECT_TRUE(RemoteKeys().empty());
  config = WriteConfig();
  CliResult up = Run({"-c", config, "--upload", local});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(RemoteKeys().count("weekly/" + std::string(fs::path(local).filename())), 1u);
}

TEST_F(OffsiteS3Test, AServerKilledInTheMiddleOfAMultipartUploadExits76AndUploadCompletesIt) {
  // The server dies when part 3 arrives: parts 1 and 2 are stored, the upload is open.
  RestartServer(/*die_at_part=*/3);
  std::string config = WriteConfig();
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 76) << r.out << r.err;
  std::string all = r.out + r.err;
  EXPECT_NE(all.find("Part 3 failed"), std::string::npos) << all;
  EXPECT_NE(all.find("target 'offsite1'"), std::string::npos) << all;
  // The abort was tried (the server is gone, so it failed) and the user is told what remains.
  EXPECT_NE(all.find("The incomplete upload could not be aborted"), std::string::npos) << all;
  std::string local = ExpectKeptLocally(config);
  ASSERT_FALSE(local.empty());
  ASSERT_GT(fs::file_size(local), 3u * 16 * 1024) << "part 3 must exist for the kill to happen";
  CliResult list = Run({"-c", config, "--list"});
  EXPECT_NE(list.out.find(fs::path(local).filename()), std::string::npos) << list.out;

  // The one upload left open holds exactly the two parts sent before the crash; served again
  // from the same folder, there is no object under any final name.
  std::string name = fs::path(local).filename();
  auto pending = S3Server::PendingUploads(dir_ / "s3data", "offsite");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].key, "host1/daily/" + name);
  EXPECT_EQ(pending[0].parts, (std::vector<int>{1, 2}));
  RestartServer();
  EXPECT_TRUE(RemoteKeys().empty());

  config = WriteConfig();
  CliResult up = Run({"-c", config, "--upload"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(RemoteKeys(), (std::set<std::string>{"daily/" + name, "daily/" + name + ".sha256",
                                                 ManifestOf("daily", name),
                                                 ManifestOf("daily", name) + ".sha256"}));
  CliResult verify = Run({"-c", config, "--verify", "--target", "offsite1"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(OffsiteS3Test, RemoteRetentionDeletesOnlyCompleteCopiesOfOursUnderThePrefix) {
  auto put = [&](RemoteTarget& t, const std::string& key, const std::string& content) {
    WriteTextFile(dir_ / "payload", content);
    Status s = t.Upload(dir_ / "payload", key, nullptr);
    ASSERT_TRUE(s.ok()) << s.ToString();
  };
  auto ours = Client();
  for (const auto& [key, content] : RetentionSeed()) put(*ours, key, content);
  // Another host's prefix in the same bucket: never looked at.
  auto other = Client("host2/");
  for (const auto& [key, content] : RetentionSeed()) put(*other, key, content);

  std::string config = WriteConfig(Target{"default", "keep_daily = 2\n"});
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string name = fs::path(OnlyBackup()).filename();
  EXPECT_EQ(RemoteKeys(), RetentionSurvivors(name));
  EXPECT_EQ(RemoteKeys("host2/").size(), RetentionSeed().size());
  EXPECT_NE((r.out + r.err).find("manifest-daily-20200103T000000Z.json"), std::string::npos)
      << r.out << r.err;
}

TEST_F(OffsiteS3Test, RestoreAndRestoreTestStreamAVerifiedCopyFromTheTarget) {
  std::string config = WriteConfig();
  WriteConfigFile(ReadTextFile(config) + RestoreSection());
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string local = OnlyBackup();
  ASSERT_FALSE(local.empty());
  std::string name = fs::path(local).filename();
  // Gone here: what is restored can only come from the target.
  fs::remove(local);
  fs::remove(local + ".sha256");

  CliResult latest = Run({"-c", config, "--restore", "latest", "--target", "offsite1",
                          "--target-database", "awkward_from_s3"});
  ASSERT_EQ(latest.exit_code, 0) << latest.out << latest.err;
  EXPECT_EQ(DatabaseFingerprint(*server_, "awkward_from_s3"), DatabaseFingerprint(*server_, "awkward"));

  CliResult named = Run({"-c", config, "--restore", name, "--target", "offsite1",
                         "--target-database", "awkward_from_s3_named"});
  ASSERT_EQ(named.exit_code, 0) << named.out << named.err;
  EXPECT_EQ(DatabaseFingerprint(*server_, "awkward_from_s3_named"),
            DatabaseFingerprint(*server_, "awkward"));

  CliResult drill = Run({"-c", config, "--restore-test", "latest", "--target", "offsite1"});
  EXPECT_EQ(drill.exit_code, 0) << drill.out << drill.err;

  // A copy that does not match its .sha256 is refused before anything is loaded.
  WriteTextFile(dir_ / "bad.sha256", std::string(64, 'b') + "  " + name + "\n");
  ASSERT_TRUE(Client()->Upload(dir_ / "bad.sha256", "daily/" + name + ".sha256", nullptr).ok());
  CliResult bad = Run({"-c", config, "--restore", name, "--target", "offsite1",
                       "--target-database", "awkward_bad"});
  EXPECT_EQ(bad.exit_code, 65) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("but its .sha256 says"), std::string::npos) << bad.err;
  EXPECT_EQ(server_->Sql("SHOW DATABASES LIKE 'awkward_bad'"), "");
  CliResult missing = Run({"-c", config, "--restore", "nothere-daily-20200101T000000Z.sql.gz",
                           "--target", "offsite1", "--target-database", "awkward_bad"});
  EXPECT_EQ(missing.exit_code, 64) << missing.err;
  EXPECT_NE(missing.err.find("is not on target offsite1"), std::string::npos) << missing.err;
}

// Issue 14: an encrypted backup restores, drills and verifies straight from the target, as a
// local one does: decrypted on the fly with identity_file, refused (78) without one, 65 with the
// wrong one before anything loads; --verify --target checks the hash alone without a key.
TEST_F(OffsiteS3Test, AnEncryptedCopyRestoresDrillsAndVerifiesFromTheTarget) {
  std::string key = dir_ / "key.txt", other = dir_ / "other.txt";
  ASSERT_EQ(RunShell("age-keygen -o " + ShellQuote(key) + " 2>/dev/null").exit_code, 0);
  ASSERT_EQ(RunShell("age-keygen -o " + ShellQuote(other) + " 2>/dev/null").exit_code, 0);
  CliResult pub = RunShell("age-keygen -y " + ShellQuote(key));
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  std::string recipient = pub.out.substr(0, pub.out.find('\n'));
  std::string base = ReadTextFile(WriteConfig()) + "\n[restore]\nhost = 127.0.0.1\nport = " +
                     std::to_string(server_->port()) + "\nuser = " + MariaDbServer::kRestoreUser +
                     "\npassword = " + MariaDbServer::kRestorePassword +
                     "\n\n[encryption]\nrecipients = " + recipient + "\n";
  auto config_with = [&](const std::string& name, const std::string& identity_line) {
    std::string path = dir_ / name;
    WriteTextFile(path, base + identity_line, 0600);
    return path;
  };
  std::string no_key = config_with("nokey.conf", "");
  std::string with_key = config_with("key.conf", "identity_file = " + key + "\n");
  std::string wrong_key = config_with("wrong.conf", "identity_file = " + other + "\n");

  // The backup host holds only the public key.
  CliResult r = Run({"-c", no_key, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string local;
  for (const auto& f : ListFilesRecursively(backup_dir_ + "/daily")) {
    if (EndsWith(f, ".sql.gz.age")) local = backup_dir_ + "/daily/" + f;
  }
  ASSERT_FALSE(local.empty());
  std::string name = fs::path(local).filename();
  EXPECT_TRUE(RemoteKeys().count("daily/" + name + ".sha256"));
  // Gone here: what is restored can only come from the target.
  fs::remove(local);
  fs::remove(local + ".sha256");

  CliResult restored = Run({"-c", with_key, "--restore", name, "--target", "offsite1",
                            "--target-database", "awkward_enc_from_s3"});
  ASSERT_EQ(restored.exit_code, 0) << restored.out << restored.err;
  EXPECT_EQ(DatabaseFingerprint(*server_, "awkward_enc_from_s3"),
            DatabaseFingerprint(*server_, "awkward"));

  CliResult drill = Run({"-c", with_key, "--restore-test", "latest", "--target", "offsite1"});
  EXPECT_EQ(drill.exit_code, 0) << drill.out << drill.err;
  EXPECT_TRUE(Contains(drill.out + drill.err, "Restore drill passed")) << drill.out << drill.err;

  // Without identity_file: 78, naming what it would restore; the wrong key: 65, nothing loaded.
  CliResult refused = Run({"-c", no_key, "--restore", "latest", "--target", "offsite1",
                           "--target-database", "awkward_enc_nokey"});
  EXPECT_EQ(refused.exit_code, 78) << refused.out << refused.err;
  EXPECT_TRUE(Contains(refused.err, "[encryption] identity_file is needed to restore "
                                    "'s3://offsite/host1/daily/" + name + "'"))
      << refused.err;
  CliResult wrong = Run({"-c", wrong_key, "--restore", name, "--target", "offsite1",
                         "--target-database", "awkward_enc_wrong"});
  EXPECT_EQ(wrong.exit_code, 65) << wrong.out << wrong.err;
  EXPECT_EQ(server_->Sql("SHOW DATABASES LIKE 'awkward_enc_wrong'"), "");
  CliResult wrong_drill = Run({"-c", wrong_key, "--restore-test", name, "--target", "offsite1"});
  EXPECT_EQ(wrong_drill.exit_code, 65) << wrong_drill.out << wrong_drill.err;

  // --verify --target: the hash alone without a key (and says so), everything with one.
  CliResult hash_only = Run({"-c", no_key, "--verify", "--target", "offsite1"});
  EXPECT_EQ(hash_only.exit_code, 0) << hash_only.out << hash_only.err;
  EXPECT_TRUE(Contains(hash_only.out, name + " (encrypted: SHA-256 only")) << hash_only.out;
  CliResult full = Run({"-c", with_key, "--verify", name, "--target", "offsite1"});
  EXPECT_EQ(full.exit_code, 0) << full.out << full.err;
  EXPECT_TRUE(Contains(full.out, "OK  s3://offsite/host1/daily/" + name + "\n")) << full.out;
  CliResult full_wrong = Run({"-c", wrong_key, "--verify", name, "--target", "offsite1"});
  EXPECT_EQ(full_wrong.exit_code, 65) << full_wrong.out << full_wrong.err;
}

TEST_F(OffsiteS3Test, ATargetWithoutCredentialsIsAConfigurationError) {
  std::string config = WriteConfig();
  std::string text = ReadTextFile(config);
  text = std::regex_replace(text, std::regex("credentials_file = .*\n"), "");
  WriteTextFile(config, text, 0600);
  CliResult r = Run({"-c", config, "--list"});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("[target offsite1] credentials_file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mysql_backup::testing
