// The built binary against hostile or awkward surroundings that need no database server: a
// config or password file that is a device, a FIFO or huge (78 naming the file, never a hang);
// a file name with a newline (one line in the text log, not a forged second one); stdout and
// stderr going to one file (each result line once).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

// Runs the binary with stdout and stderr to `output_file`; a run that has not ended after
// `limit` is killed and reported as -1, so a hang fails the test instead of stalling it.
int RunWithTimeout(const std::vector<std::string>& args, const std::string& output_file,
                   std::chrono::seconds limit = std::chrono::seconds(20)) {
  pid_t pid = StartMysqlBackup(args, output_file);
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int wstatus = 0;
    pid_t r = waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

size_t CountOf(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class CliHygieneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backup_dir_ = dir_ / "backups";
    log_dir_ = dir_ / "logs";
    ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
  }

  std::string WriteConfig(const std::string& extra_database_keys = "") {
    std::string path = dir_ / "backup.conf";
    WriteTextFile(path, "[general]\nlog_dir = " + log_dir_ + "\n[database]\nuser = backup\n" +
                            "database = shop\n" + extra_database_keys + "[backup]\nbackup_dir = " +
                            backup_dir_ + "\n");
    return path;
  }

  TempDir dir_;
  std::string backup_dir_;
  std::string log_dir_;
};

TEST_F(CliHygieneTest, ConfigThatIsADeviceOrFifoIsExit78NotAHang) {
  std::string fifo = dir_ / "fifo.conf";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& config : {std::string("/dev/zero"), fifo}) {
    std::string out = dir_ / "out";
    int code = RunWithTimeout({"-c", config, "--list"}, out);
    EXPECT_EQ(code, 78) << config << ": " << ReadTextFile(out);
    EXPECT_TRUE(Contains(ReadTextFile(out), "'" + config + "' is not a regular file"))
        << ReadTextFile(out);
  }
}

TEST_F(CliHygieneTest, HugeConfigIsExit78) {
  std::string big = dir_ / "big.conf";
  WriteTextFile(big, "[database]\nuser = a\ndatabase = b\n# " + std::string(2 << 20, 'x') + "\n");
  std::string out = dir_ / "out";
  EXPECT_EQ(RunWithTimeout({"-c", big, "--list"}, out), 78) << ReadTextFile(out);
  EXPECT_TRUE(Contains(ReadTextFile(out), "'" + big + "' is larger than 1048576 bytes"))
      << ReadTextFile(out);
}

TEST_F(CliHygieneTest, PasswordFileThatIsADeviceIsExit78NamingTheKey) {
  std::string config = WriteConfig("password_file = /dev/zero\n");
  std::string out = dir_ / "out";
  EXPECT_EQ(RunWithTimeout({"-c", config, "--list"}, out), 78) << ReadTextFile(out);
  EXPECT_TRUE(Contains(ReadTextFile(out),
                       "[database] password_file (line 6): '/dev/zero' is not a regular file"))
      << ReadTextFile(out);
}

// A file name with an embedded newline must not forge a line of its own in
// mysql_backup_YYYYMMDD.log: the newline is written as "\n".
TEST_F(CliHygieneTest, TextLogEscapesANewlineInAFileName) {
  std::string config = WriteConfig();
  std::string forged = backup_dir_ + "/daily/x\n2026-01-01 00:00:00 - INFO - all is well.sql.gz";
  CliResult r = RunMysqlBackup({"-c", config, "--verify", forged});
  // Its folder does not exist: a storage error (74), which the log reports with the name.
  EXPECT_EQ(r.exit_code, 74) << r.err;
  std::vector<std::string> logs = ListFilesRecursively(log_dir_);
  ASSERT_EQ(logs.size(), 1u);
  std::string log = ReadTextFile(log_dir_ + "/" + logs[0]);
  EXPECT_TRUE(Contains(log, "x\\n2026-01-01 00:00:00 - INFO - all is well.sql.gz")) << log;
  // Every line is an entry of ours: a time stamp, a level, the message.
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    std::string line = log.substr(start, end - start);
    EXPECT_TRUE(Contains(line, " - ERROR - ") || Contains(line, " - INFO - ")) << line;
    EXPECT_FALSE(line.rfind("2026-01-01", 0) == 0) << "forged line: " << line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

// Cron mails, `>log 2>&1` and pipes put stdout and stderr in one file, where the stderr log
// already carries each result line: it appears there once, not twice.
TEST_F(CliHygieneTest, ResultLineAppearsOnceWhenStdoutAndStderrAreOneFile) {
  std::string config = WriteConfig();
  const std::string line = "Cleanup (dry run): would delete 0 backup(s)";

  std::string one_file = dir_ / "both.out";
  EXPECT_EQ(RunWithTimeout({"-c", config, "--cleanup", "--dry-run"}, one_file), 0);
  EXPECT_EQ(CountOf(ReadTextFile(one_file), line), 1u) << ReadTextFile(one_file);

  // Two different files: the result on stdout, and the log on stderr as before.
  CliResult apart = RunMysqlBackup({"-c", config, "--cleanup", "--dry-run"});
  EXPECT_EQ(apart.exit_code, 0) << apart.err;
  EXPECT_EQ(CountOf(apart.out, line), 1u) << apart.out;
  EXPECT_EQ(CountOf(apart.err, line), 1u) << apart.err;
}

}  // namespace
}  // namespace mysql_backup::testing
