// backup_dir cannot be turned against root: the built binary, run as root, with the attacker's
// links and files planted by another user (nobody, standing in for the mysql-backup service
// user that owns backup_dir). Each case shows the exit code, the message, and that a victim
// folder next to backup_dir keeps every file (and gains none). Hostile checksum files neither
// hang nor fill memory; --verify waits for a running writer; a read-only backup_dir still
// lists and dry-runs. No database server is needed: every refusal comes before the dump.
// Needs root (to be root, and to act as nobody); skips otherwise.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBackup = "shop-daily-20240101T000000Z.sql.gz";

class BackupDirLinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: the attack is on runs by root";
    chmod(dir_.path().c_str(), 0755);
    backup_dir_ = dir_ / "backups";
    victim_ = dir_ / "victim";
    fs::create_directories(backup_dir_);
    fs::create_directories(victim_);
    // The service user owns backup_dir, as the package sets it up.
    ASSERT_EQ(chown(backup_dir_.c_str(), 65534, 65534), 0);
    chmod(backup_dir_.c_str(), 0750);
    for (const auto& f : {std::string("file1"), std::string(kBackup), std::string(kBackup) + ".sha256",
                          std::string(kBackup) + ".4711.partial"}) {
      WriteTextFile(victim_ + "/" + f, "precious\n", 0644);
    }
    victim_files_ = Victim();
    config_ = dir_ / "backup.conf";
    WriteTextFile(config_,
                  "[database]\nhost = 127.0.0.1\nport = 1\nuser = backup\npassword = x\n"
                  "database = shop\n\n[backup]\nbackup_dir = " + backup_dir_ +
                      "\ndaily_retention = 1\nlock_timeout = 30\n",
                  0600);
  }

  std::set<std::string> Victim() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(victim_)) out.insert(e.path().filename().string());
    return out;
  }

  // Runs `command` as nobody (the attacker) in backup_dir.
  void AsNobody(const std::string& command) {
    CliResult r = RunShell("cd " + ShellQuote(backup_dir_) + " && runuser -u nobody -- sh -c " +
                           ShellQuote(command));
    ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
  }

  CliResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", config_});
    return RunMysqlBackup(args);
  }

  // A real (tiny) backup with a good .sha256, owned by nobody as the service user's would be.
  void PlantBackup(const std::string& name = kBackup) {
    AsNobody("mkdir -p daily && printf 'SELECT 1;\\n-- Dump completed on 2024-01-01\\n' | "
             "gzip -c > daily/" + name + " && cd daily && sha256sum " + name + " > " + name +
             ".sha256");
  }

  TempDir dir_;
  std::string backup_dir_, victim_, config_;
  std::set<std::string> victim_files_;
};

TEST_F(BackupDirLinksTest, LinkedTmpStopsCleanupAndBackupWith74AndTheTargetKeepsItsFiles) {
  AsNobody("ln -s " + victim_ + " .tmp");
  for (const auto& args : std::vector<std::vector<std::string>>{{"--cleanup"},
                                                                {"--backup-type", "daily"}}) {
    SCOPED_TRACE(args[0]);
    CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, 74) << r.err;
    EXPECT_TRUE(Contains(r.err, "'" + backup_dir_ +
                                    "/.tmp' is a symbolic link; mysql-backup does not follow "
                                    "links inside backup_dir; remove it"))
        << r.err;
    EXPECT_FALSE(Contains(r.err, "Removed")) << r.err;
    EXPECT_EQ(Victim(), victim_files_);
  }
}

TEST_F(BackupDirLinksTest, DanglingLockLinkIs74AndRootNeverCreatesItsTarget) {
  std::string target = victim_ + "/created-by-root";
  AsNobody("ln -s " + target + " .lock");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--cleanup", "--dry-run"}, {"--cleanup"}, {"--backup-type", "daily"}, {"--verify"}}) {
    SCOPED_TRACE(args[0]);
    CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, 74) << r.err;
    EXPECT_TRUE(Contains(r.err, "'" + backup_dir_ + "/.lock' is a symbolic link")) << r.err;
    EXPECT_FALSE(Exists(target)) << "root created the target of a planted .lock link";
    EXPECT_EQ(Victim(), victim_files_);
  }
}

TEST_F(BackupDirLinksTest, LinkedTypeFolderIsRefusedAndCleanupDeletesNothingInItsTarget) {
  AsNobody("ln -s " + victim_ + " daily");
  // The victim holds pattern-named files that retention 1 would delete, were they ours.
  WriteTextFile(victim_ + "/shop-daily-20240102T000000Z.sql.gz", "newer\n", 0644);
  victim_files_ = Victim();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--cleanup"}, {"--cleanup", "--dry-run"}, {"--list"}, {"--backup-type", "daily"}}) {
    SCOPED_TRACE(args[0] + (args.size() > 1 ? " " + args[1] : ""));
    CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, 74) << r.err;
    EXPECT_TRUE(Contains(r.err, "'" + backup_dir_ + "/daily' is a symbolic link")) << r.err;
    EXPECT_FALSE(Contains(r.out, "Deleted")) << r.out;
    EXPECT_EQ(Victim(), victim_files_);
  }
}

TEST_F(BackupDirLinksTest, CleanupRemovesOurDebrisFromTmpAndLeavesForeignFilesAlone) {
  AsNobody("mkdir .tmp && echo half > .tmp/" + std::string(kBackup) +
           ".4711.partial && echo notes > .tmp/notes.txt && echo x > .tmp/" +
           std::string(kBackup) + " && ln -s " + victim_ + "/file1 .tmp/precious");
  CliResult r = Run({"--cleanup"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "Removed '" + std::string(kBackup) + ".4711.partial' left in .tmp/"))
      << r.err;
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(backup_dir_ + "/.tmp")) {
    left.insert(e.path().filename().string());
  }
  EXPECT_EQ(left, (std::set<std::string>{"notes.txt", kBackup, "precious"}));
  EXPECT_EQ(Victim(), victim_files_);
}

TEST_F(BackupDirLinksTest, FifoChecksumNeitherHangsListNorVerify) {
  PlantBackup();
  AsNobody("rm daily/" + std::string(kBackup) + ".sha256 && mkfifo daily/" + kBackup + ".sha256");
  std::string bin = getenv("MYSQL_BACKUP_BIN");
  auto run = [&](const std::string& args) {
    // `timeout` bounds a hang: 124 would mean the run blocked on the FIFO.
    return RunShell("timeout 20 " + ShellQuote(bin) + " -c " + ShellQuote(config_) + " " + args);
  };
  CliResult list = run("--list");
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Contains(list.out, kBackup)) << list.out;
  CliResult json = run("--list --json");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(Contains(json.out, "\"sha256\": null")) << json.out;
  EXPECT_TRUE(Contains(json.err, ".sha256' is a FIFO, not a regular file")) << json.err;
  CliResult verify = run("--verify");
  EXPECT_EQ(verify.exit_code, 65) << verify.err;
  EXPECT_TRUE(Contains(verify.out, "FAILED")) << verify.out;
  EXPECT_TRUE(Contains(verify.out, ".sha256' is a FIFO, not a regular file")) << verify.out;
}

TEST_F(BackupDirLinksTest, ChecksumLinkedToDevZeroIsNotReadByListJson) {
  PlantBackup();
  AsNobody("ln -sf /dev/zero daily/" + std::string(kBackup) + ".sha256");
  std::string bin = getenv("MYSQL_BACKUP_BIN");
  // A memory limit too: reading /dev/zero to the end would hit it.
  CliResult r = RunShell("ulimit -v 1000000; timeout 20 " + ShellQuote(bin) + " -c " +
                         ShellQuote(config_) + " --list --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "\"sha256\": null")) << r.out;
  EXPECT_TRUE(Contains(r.err, ".sha256' is a symbolic link")) << r.err;
  CliResult verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 65) << verify.err;
}

TEST_F(BackupDirLinksTest, UnreadableChecksumIsAStorageError74) {
  PlantBackup();
  AsNobody("chmod 000 daily/" + std::string(kBackup) + ".sha256");
  chown(config_.c_str(), 65534, 65534);
  CliResult r = RunShell("runuser -u nobody -- " + ShellQuote(getenv("MYSQL_BACKUP_BIN")) +
                         " -c " + ShellQuote(config_) + " --verify");
  EXPECT_EQ(r.exit_code, 74) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "Permission denied")) << r.out;
}

TEST_F(BackupDirLinksTest, VerifyWaitsForAWriterHoldingTheLock) {
  PlantBackup();
  // The test holds the lock exclusively, as a running cleanup or backup would.
  int fd = open((backup_dir_ + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  std::string out = dir_ / "verify.out";
  pid_t verify = StartMysqlBackup({"-c", config_, "--verify"}, out);
  ASSERT_TRUE(WaitUntil([&] {
    return Contains(ReadTextFile(out), "Waiting for another mysql-backup run to release");
  })) << ReadTextFile(out);
  int status = 0;
  EXPECT_EQ(waitpid(verify, &status, WNOHANG), 0) << "--verify did not wait:\n"
                                                   << ReadTextFile(out);
  EXPECT_FALSE(Contains(ReadTextFile(out), "OK")) << ReadTextFile(out);
  close(fd);  // the writer is done
  EXPECT_EQ(WaitFor(verify), 0) << ReadTextFile(out);
  // stdout and stderr are one file here, so the result is the log's line (printed once).
  EXPECT_TRUE(Contains(ReadTextFile(out), "Verified '" + backup_dir_ + "/daily/" + kBackup + "': OK"))
      << ReadTextFile(out);
}

TEST_F(BackupDirLinksTest, ReadOnlyBackupDirStillListsAndDryRuns) {
  PlantBackup();
  PlantBackup("shop-daily-20240102T000000Z.sql.gz");
  // Root's backup_dir, read-only for the user running the tool (nobody here).
  RunShell("chown -R root:root " + ShellQuote(backup_dir_) + " && chmod -R a+rX,a-w " +
           ShellQuote(backup_dir_));
  chown(config_.c_str(), 65534, 65534);
  std::string bin = ShellQuote(getenv("MYSQL_BACKUP_BIN"));
  auto as_nobody = [&](const std::string& args) {
    return RunShell("runuser -u nobody -- " + bin + " -c " + ShellQuote(config_) + " " + args);
  };
  auto files_before = ListFilesRecursively(backup_dir_);
  CliResult list = as_nobody("--list");
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Contains(list.out, kBackup)) << list.out;
  CliResult dry = as_nobody("--cleanup --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_TRUE(Contains(dry.out, "Would delete '" + backup_dir_ + "/daily/" + kBackup + "'"))
      << dry.out;
  CliResult verify = as_nobody("--verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // With a .lock (made by an earlier run as root), the readers lock it shared, read-only.
  WriteTextFile(backup_dir_ + "/.lock", "", 0644);
  dry = as_nobody("--cleanup --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  // A real cleanup needs to write: 74, naming backup_dir.
  CliResult real = as_nobody("--cleanup");
  EXPECT_EQ(real.exit_code, 74) << real.err;
  EXPECT_TRUE(Contains(real.err, backup_dir_)) << real.err;
  files_before.push_back(".lock");
  std::sort(files_before.begin(), files_before.end());
  EXPECT_EQ(ListFilesRecursively(backup_dir_), files_before);
}

}  // namespace
}  // namespace mysql_backup::testing
