// Offsite copies over SFTP, end to end, as a user sees them: the built binary, a real MariaDB
// and a real OpenSSH sshd on loopback with its own ed25519 host key. A backup is copied,
// verified in full, listed on the target; remote retention leaves foreign files alone; a server
// that is down exits 76 and --upload completes the copy later; a wrong host key pin fails
// clearly with nothing uploaded; --restore latest streams the copy back; the identity file's key
// never shows in any output.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "remote/sftp_client.h"
#include "support/cli_runner.h"
#include "support/command.h"
#include "support/offsite_fixture.h"
#include "support/sshd_server.h"
#include "support/tmpfs_mount.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

class OffsiteSftpTest : public OffsiteTest {
 protected:
  static void SetUpTestSuite() {
    if (SshdServer::Available().ok()) StartDatabase();
  }

  void SetUp() override {
    Status available = SshdServer::Available();
    if (!available.ok()) GTEST_SKIP() << available.ToString();
    SetUpDatabase();
    remote_dir_ = dir_ / "remote";
    fs::create_directories(dir_ / "sshd");
    auto sshd = SshdServer::Start(dir_ / "sshd");
    ASSERT_TRUE(sshd.ok()) << sshd.status().ToString();
    sshd_ = std::move(*sshd);
  }

  std::string WriteConfig(const std::string& host_key_lines = "") {
    return WriteConfigFile(
        LocalConfig() + "\n[target box]\ntype = sftp\nhost = 127.0.0.1\nport = " +
        std::to_string(sshd_->port()) + "\nuser = " + sshd_->user() + "\npath = " + remote_dir_ +
        "\nidentity_file = " + sshd_->identity_file() + "\nverify = full\n" +
        (host_key_lines.empty() ? "host_key_sha256 = " + sshd_->host_key_sha256() + "\n"
                                : host_key_lines));
  }

  std::set<std::string> RemoteFiles() {
    std::set<std::string> out;
    if (!fs::exists(remote_dir_)) return out;
    for (const auto& f : ListFilesRecursively(remote_dir_)) out.insert(f);
    return out;
  }

  // The private key never shows in an output or a log line.
  void TearDown() override {
    if (!sshd_) return;
    std::string all = AllOutput();
    std::string key = ReadTextFile(sshd_->identity_file());
    EXPECT_EQ(all.find("PRIVATE KEY"), std::string::npos);
    EXPECT_EQ(all.find(key.substr(key.find('\n') + 1, 40)), std::string::npos);
  }

  std::string remote_dir_;
  std::unique_ptr<SshdServer> sshd_;
  // After dir_: unmounted before the folder is removed.
  std::unique_ptr<TmpfsMount> small_disk_;
};

TEST_F(OffsiteSftpTest, BackupIsCopiedVerifiedInFullAndListedOnTheTarget) {
  std::string config = WriteConfig();
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string local = OnlyBackup();
  ASSERT_FALSE(local.empty());
  std::string name = fs::path(local).filename();
  EXPECT_EQ(RemoteFiles(), (std::set<std::string>{"daily/" + name, "daily/" + name + ".sha256",
                                                  ManifestOf("daily", name),
                                                  ManifestOf("daily", name) + ".sha256"}));
  EXPECT_TRUE(ReadTextFile(remote_dir_ + "/daily/" + name) == ReadTextFile(local));

  CliResult list = Run({"-c", config, "--list", "--target", "box", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::string sha = ReadTextFile(local + ".sha256").substr(0, 64);
  EXPECT_NE(list.out.find("\"sha256\": \"" + sha + "\""), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("sftp://" + sshd_->user() + "@127.0.0.1:" +
                          std::to_string(sshd_->port()) + remote_dir_ + "/daily/" + name),
            std::string::npos)
      << list.out;

  CliResult verify = Run({"-c", config, "--verify", "--target", "box"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(OffsiteSftpTest, RestoreLatestStreamsTheCopyFromTheTarget) {
  std::string config = WriteConfig();
  WriteConfigFile(ReadTextFile(config) + RestoreSection());
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string local = OnlyBackup();
  ASSERT_FALSE(local.empty());
  fs::remove(local);
  CliResult restore = Run({"-c", config, "--restore", "latest", "--target", "box",
                           "--target-database", "awkward_from_sftp"});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  EXPECT_EQ(DatabaseFingerprint(*server_, "awkward_from_sftp"),
            DatabaseFingerprint(*server_, "awkward"));
}

TEST_F(OffsiteSftpTest, AnEncryptedCopyRestoresFromTheTargetWithTheIdentity) {
  std::string key = dir_ / "key.txt";
  ASSERT_EQ(RunShell("age-keygen -o " + ShellQuote(key) + " 2>/dev/null").exit_code, 0);
  CliResult pub = RunShell("age-keygen -y " + ShellQuote(key));
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  std::string config = WriteConfig();
  WriteTextFile(config,
                ReadTextFile(config) + "\n[restore]\nhost = 127.0.0.1\nport = " +
                    std::to_string(server_->port()) + "\nuser = " + MariaDbServer::kRestoreUser +
                    "\npassword = " + MariaDbServer::kRestorePassword +
                    "\n\n[encryption]\nrecipients = " + pub.out.substr(0, pub.out.find('\n')) +
                    "\nidentity_file = " + key + "\n",
                0600);
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  bool removed = false;
  for (const auto& f : ListFilesRecursively(backup_dir_ + "/daily")) {
    if (EndsWith(f, ".sql.gz.age")) removed = fs::remove(backup_dir_ + "/daily/" + f);
  }
  ASSERT_TRUE(removed);
  CliResult restore = Run({"-c", config, "--restore", "latest", "--target", "box",
                           "--target-database", "awkward_enc_from_sftp"});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  EXPECT_EQ(DatabaseFingerprint(*server_, "awkward_enc_from_sftp"),
            DatabaseFingerprint(*server_, "awkward"));
  CliResult verify = Run({"-c", config, "--verify", "--target", "box"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_FALSE(Contains(verify.out, "SHA-256 only")) << verify.out;
}

TEST_F(OffsiteSftpTest, KnownHostsWorksLikeAPin) {
  WriteTextFile(dir_ / "known_hosts", "[127.0.0.1]:" + std::to_string(sshd_->port()) + " " +
                                          sshd_->host_public_key() + "\n");
  std::string config = WriteConfig("known_hosts = " + (dir_ / "known_hosts") + "\n");
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(RemoteFiles().size(), 4u);
}

TEST_F(OffsiteSftpTest, AWrongHostKeyFailsClearlyAndUploadsNothing) {
  std::string config =
      WriteConfig("host_key_sha256 = AAAAnvPXfmV3KoxKISKAkeA6AAE/pukDvQG4LTVLN0JWI\n");
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 76) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("does not match host_key_sha256"), std::string::npos)
      << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("target 'box'"), std::string::npos) << r.out << r.err;
  EXPECT_FALSE(OnlyBackup().empty()) << "the local backup must be kept";
  EXPECT_TRUE(RemoteFiles().empty());

  // A host that known_hosts does not hold is refused the same way, and never added.
  WriteTextFile(dir_ / "known_hosts", "");
  config = WriteConfig("known_hosts = " + (dir_ / "known_hosts") + "\n");
  CliResult k = Run({"-c", config, "--upload"});
  EXPECT_EQ(k.exit_code, 76) << k.out << k.err;
  EXPECT_NE((k.out + k.err).find("is not in '" + (dir_ / "known_hosts") + "'"), std::string::npos)
      << k.out << k.err;
  EXPECT_EQ(ReadTextFile(dir_ / "known_hosts"), "");
  // Logged once, by the target, not again by the action.
  size_t first = k.err.find("is not in '");
  EXPECT_EQ(k.err.find("is not in '", first + 1), std::string::npos) << k.err;
  EXPECT_TRUE(RemoteFiles().empty());
}

TEST_F(OffsiteSftpTest, AServerThatIsDownExits76AndUploadCompletesTheCopyLater) {
  std::string config = WriteConfig();
  sshd_->Kill();
  CliResult r = Run({"-c", config, "--backup-type", "weekly"});
  EXPECT_EQ(r.exit_code, 76) << r.out << r.err;
  std::string local = ExpectKeptLocally(config, "weekly");
  ASSERT_FALSE(local.empty());
  EXPECT_TRUE(RemoteFiles().empty());
  Status restarted = sshd_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  CliResult up = Run({"-c", config, "--upload"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  std::string name = fs::path(local).filename();
  // The run's manifest goes along with the backup.
  EXPECT_EQ(RemoteFiles(),
            (std::set<std::string>{"weekly/" + name, "weekly/" + name + ".sha256",
                                   ManifestOf("weekly", name), ManifestOf("weekly", name) + ".sha256"}));
  CliResult again = Run({"-c", config, "--upload", "--target", "box"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE((again.out + again.err).find("has every local backup"), std::string::npos);
}

TEST_F(OffsiteSftpTest, RemoteRetentionDeletesOnlyCompleteCopiesOfOurs) {
  auto put = [&](const std::string& rel, const std::string& content) {
    fs::create_directories(fs::path(remote_dir_ + "/" + rel).parent_path());
    WriteTextFile(remote_dir_ + "/" + rel, content);
  };
  for (const auto& [key, content] : RetentionSeed()) put(key, content);
  // What an interrupted upload of long ago left.
  put("daily/.awkward-daily-20200106T000000Z.sql.gz.upload-1000", "partial");

  std::string config = WriteConfig();
  WriteTextFile(config, ReadTextFile(config) + "keep_daily = 2\n", 0600);
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string name = fs::path(OnlyBackup()).filename();
  EXPECT_EQ(RemoteFiles(), RetentionSurvivors(name));
}

TEST_F(OffsiteSftpTest, AFullRemoteDiskExits76WithNothingUnderTheFinalNameAndUploadCompletesIt) {
  // The target's folder is a 1 MiB tmpfs, filled but for 32 KiB: less than the backup needs.
  fs::create_directories(remote_dir_);
  auto disk = TmpfsMount::Mount(remote_dir_, 1 << 20);
  if (!disk.ok()) GTEST_SKIP() << disk.status().ToString();
  small_disk_ = std::move(*disk);
  std::string filler = remote_dir_ + "/filler";
  WriteTextFile(filler, std::string(small_disk_->FreeBytes() - 32 * 1024, 'x'));

  std::string config = WriteConfig();
  CliResult r = Run({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 76) << r.out << r.err;
  std::string all = r.out + r.err;
  EXPECT_NE(all.find("target 'box'"), std::string::npos) << all;
  EXPECT_NE(all.find("is the remote disk full"), std::string::npos) << all;
  std::string local = ExpectKeptLocally(config);
  ASSERT_FALSE(local.empty());
  ASSERT_GT(fs::file_size(local), 64u * 1024) << "the backup must not fit into 32 KiB";
  std::string name = fs::path(local).filename();
  // Neither the backup nor a temp file of it; the small manifest may have fit.
  for (const auto& f : RemoteFiles()) {
    EXPECT_EQ(f.find(name), std::string::npos) << f;
    EXPECT_EQ(f.find(kSftpTempMarker), std::string::npos) << f;
  }

  fs::remove(filler);
  CliResult up = Run({"-c", config, "--upload"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(RemoteFiles(),
            (std::set<std::string>{"daily/" + name, "daily/" + name + ".sha256",
                                   ManifestOf("daily", name), ManifestOf("daily", name) + ".sha256"}));
  EXPECT_TRUE(ReadTextFile(remote_dir_ + "/daily/" + name) == ReadTextFile(local));
}

}  // namespace
}  // namespace mysql_backup::testing
