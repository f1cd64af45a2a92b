// One backup run, end to end, as a user sees it: the built binary against a real MariaDB loaded
// with the awkward fixture, configured in the old tool's INI format with the backup account's
// awkward password verbatim. The round trip restores equal; the password reaches no argv,
// environment, output, log or file; and every failure (refused login, unreachable server, bad
// dump option, a dump killed or cut short, the tool killed or stopped, a full or read-only disk,
// a missing backup_dir, bad configuration or flags) exits with its documented code, says why,
// leaves nothing that looks like a backup, and leaves the earlier backup intact.
//
// Failures of the dump are staged with a `mariadb-dump` wrapper first in PATH that runs the real
// one. The full and read-only disk tests mount a small tmpfs and are skipped when not root.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.h"
#include "support/command.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

// The old tool's documented options.
constexpr const char* kDumpOptions =
    "--single-transaction --routines --events --triggers --add-drop-table --extended-insert";

mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// Files under backup_dir that a user (or a later cleanup or restore) would take for a backup or
// its checksum: everything named *.sql.gz, *.sql.zst or *.sha256 outside the work folder.
std::set<std::string> BackupLookingFiles(const std::string& backup_dir) {
  std::set<std::string> out;
  for (const auto& f : ListFilesRecursively(backup_dir)) {
    if (f.rfind(".tmp/", 0) == 0) continue;
    if (EndsWith(f, ".sql.gz") || EndsWith(f, ".sql.zst") || EndsWith(f, ".sha256")) {
      out.insert(f);
    }
  }
  return out;
}

// Backups (not checksums) in one type folder, as full paths.
std::vector<std::string> BackupsIn(const std::string& type_dir) {
  std::vector<std::string> out;
  for (const auto& f : ListFilesRecursively(type_dir)) {
    if (EndsWith(f, ".sql.gz")) out.push_back(type_dir + "/" + f);
  }
  return out;
}

// A 127.0.0.1 port nobody listens on (bound once by us, then released).
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string LocalDate(std::time_t t) {
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[16];
  strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

struct ConfigSpec {
  std::string backup_dir;
  std::string log_dir;  // empty: no log file
  std::string socket;   // set: `socket =` (and a port nobody listens on)
  int port = 0;
  std::string password = MariaDbServer::kBackupPassword;
  std::string dump_options = kDumpOptions;
};

std::string ConfigText(const ConfigSpec& spec) {
  std::string text = "[general]\nenvironment = test\n";
  if (!spec.log_dir.empty()) text += "log_dir = " + spec.log_dir + "\n";
  text += "\n[database]\nhost = 127.0.0.1\nport = " + std::to_string(spec.port) + "\n";
  if (!spec.socket.empty()) text += "socket = " + spec.socket + "\n";
  text += "user = backup\npassword = " + spec.password + "\ndatabase = awkward\n";
  text += "\n[backup]\nbackup_dir = " + spec.backup_dir +
          "\nmysqldump_options = " + spec.dump_options +
          "\ndaily_retention = 7\nweekly_retention = 4\nmonthly_retention = 12\n";
  return text;
}

// A backup on disk and its bytes when it was made.
struct StoredBackup {
  std::string path;
  std::string bytes;
};

class BackupRunTest : public ::testing::Test {
 protected:
  // One server for the whole file: starting one and loading the fixture takes seconds.
  static void SetUpTestSuite() {
    server_ = std::make_unique<MariaDbServer>();
    start_ = StartWithAwkwardFixture(server_.get(), &source_fingerprint_);
    real_dump_ = RealDumpProgram();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(start_.ok()) << start_.ToString();
    backup_dir_ = dir_ / "backups";
    ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
  }

  void TearDown() override {
    // Wrapper processes a test left (the tool killed under them) must not outlive it.
    for (pid_t pid : ProcessesMentioning(dir_.path())) kill(pid, SIGKILL);
    if (!mount_point_.empty()) {
      if (RunShell("umount " + ShellQuote(mount_point_)).exit_code != 0) {
        RunShell("umount -l " + ShellQuote(mount_point_));
      }
    }
  }

  ConfigSpec DefaultSpec() const {
    ConfigSpec spec;
    spec.backup_dir = backup_dir_;
    spec.port = server_->port();
    return spec;
  }

  // Writes the configuration (0600, as it holds a password) and returns its path.
  std::string WriteConfig(const ConfigSpec& spec, const std::string& name = "backup.conf") {
    return WriteConfigText(ConfigText(spec), name);
  }
  std::string WriteConfigText(const std::string& text, const std::string& name = "backup.conf") {
    std::string path = dir_ / name;
    WriteTextFile(path, text, 0600);
    return path;
  }

  // Puts a `mariadb-dump` first in PATH: a sh script that runs `body` with $REAL (the real
  // dump program) and $DIR (a folder for its notes) set. Returns the environment for the run.
  std::vector<std::string> InstallDumpWrapper(const std::string& body) {
    std::string bin = dir_ / "wrapper-bin";
    mkdir(bin.c_str(), 0755);
    std::string notes = dir_ / "wrapper-notes";
    mkdir(notes.c_str(), 0700);
    // A sleep whose command line carries the test's folder, so a leftover one can be found.
    fs::create_symlink("/bin/sleep", bin + "/slow-sleep");
    WriteTextFile(bin + "/mariadb-dump",
                  "#!/bin/sh\nREAL=" + ShellQuote(real_dump_) + "\nDIR=" + ShellQuote(notes) +
                      "\nSLEEP=" + ShellQuote(bin + "/slow-sleep") + "\n" + body,
                  0755);
    const char* path = std::getenv("PATH");
    return {"PATH=" + bin + ":" + (path != nullptr ? path : "/usr/bin:/bin")};
  }

  // Writes ~200 kB of the real dump, says so in $DIR/ready, then waits (up to 60 s) the way
  // mariadb-dump would: a SIGTERM ends it and what it started.
  std::vector<std::string> InstallSlowDumpWrapper() {
    return InstallDumpWrapper(
        "trap 'kill $sleeper 2>/dev/null; exit 143' TERM\n"
        "\"$REAL\" \"$@\" | head -c 200000\n"
        "touch \"$DIR/ready\"\n"
        "\"$SLEEP\" 60 &\n"
        "sleeper=$!\n"
        "wait $sleeper\n"
        "touch \"$DIR/slept-through\"\n");
  }

  // Mounts an 8 MiB tmpfs at `disk` (unmounted in TearDown). Returns why not, or "".
  std::string MountSmallDisk(const std::string& disk) {
    if (geteuid() != 0) return "mounting a tmpfs needs root";
    mkdir(disk.c_str(), 0750);
    CliResult r = RunShell("mount -t tmpfs -o size=8m,mode=0750 tmpfs " + ShellQuote(disk));
    if (r.exit_code != 0) return "cannot mount a tmpfs: " + r.err;
    mount_point_ = disk;
    return "";
  }

  // Runs a backup and checks the user-visible promises of a success; returns it.
  void TakeBackup(const std::string& config, StoredBackup* out, const std::string& type = "daily",
                  const std::vector<std::string>& env = {}) {
    auto made = BackupMadeBy(RunMysqlBackup({"-c", config, "--backup-type", type}, env));
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    out->path = *made;
    out->bytes = ReadTextFile(out->path);
    ASSERT_FALSE(out->bytes.empty()) << out->path;
  }

  // The earlier backup still has its exact bytes and passes `sha256sum -c`.
  static void ExpectIntact(const StoredBackup& b) {
    EXPECT_TRUE(ReadTextFile(b.path) == b.bytes) << "'" << b.path << "' changed";
    CliResult check = Sha256sumCheck(b.path);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }

  // A failed run left no new backup-looking file and nothing in .tmp/.
  void ExpectNothingLeft(const std::set<std::string>& before) const {
    EXPECT_EQ(BackupLookingFiles(backup_dir_), before);
    EXPECT_EQ(ListFilesRecursively(backup_dir_ + "/.tmp"), std::vector<std::string>{});
  }

  // A dump that fails in a given way (the wrapper `script` runs in place of mariadb-dump) ends
  // the run with exit 70 and `message`, leaves nothing that looks like a backup, and the earlier
  // backup stays intact.
  void ExpectDumpFailure(const std::string& script, const std::string& message) {
    std::string config = WriteConfig(DefaultSpec());
    StoredBackup earlier;
    ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &earlier));
    std::set<std::string> before = BackupLookingFiles(backup_dir_);
    CliResult r =
        RunMysqlBackup({"-c", config, "--backup-type", "daily"}, InstallDumpWrapper(script));
    EXPECT_EQ(r.exit_code, 70) << r.err;
    EXPECT_TRUE(Contains(r.err, message)) << r.err;
    ExpectNothingLeft(before);
    ExpectIntact(earlier);
  }

  void RestoreInto(const std::string& backup, const std::string& db) {
    server_->Sql("DROP DATABASE IF EXISTS " + SqlIdentifier(db) + "; CREATE DATABASE " +
                 SqlIdentifier(db));
    std::string client;
    for (const auto& word : server_->ClientCommand()) client += ShellQuote(word) + " ";
    CliResult r = RunShell("zcat " + ShellQuote(backup) + " | " + client + ShellQuote(db));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // The round trip: one daily backup with every promise of a success checked, restored into
  // `copy_db` equal to the source.
  void ExpectDailyRoundTrip(const std::string& config, const std::string& copy_db) {
    std::time_t before = std::time(nullptr);
    CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
    std::time_t after = std::time(nullptr);
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // One line: path, size, SHA-256, duration.
    std::smatch m;
    ASSERT_TRUE(std::regex_match(
        r.out, m,
        std::regex("daily backup OK: (/\\S+) \\([^)]*?(\\d+) bytes\\) sha256 ([0-9a-f]{64}) "
                   "in [0-9.]+ m?s\n")))
        << r.out;
    std::string path = m[1];
    uint64_t size = std::stoull(m[2]);
    std::string sha256 = m[3];

    std::smatch name;
    ASSERT_TRUE(std::regex_match(
        path, name,
        std::regex(std::regex_replace(backup_dir_, std::regex(R"([.^$|()\[\]{}*+?\\])"), "\\$&") +
                   "/daily/awkward-daily-(\\d{8}T\\d{6}Z)\\.sql\\.gz")))
        << path;
    EXPECT_GE(name[1].str(), UtcStamp(before));
    EXPECT_LE(name[1].str(), UtcStamp(after));
    // The backup, its checksum, and the run's manifest's checksum (the manifest itself is
    // .json, which nobody takes for a backup).
    EXPECT_EQ(BackupLookingFiles(backup_dir_),
              (std::set<std::string>{"daily/" + BaseName(path), "daily/" + BaseName(path) + ".sha256",
                                     "daily/manifest-daily-" + name[1].str() + ".json.sha256"}));
    EXPECT_TRUE(Exists(backup_dir_ + "/daily/manifest-daily-" + name[1].str() + ".json"));

    EXPECT_EQ(fs::file_size(path), size);
    EXPECT_EQ(ModeOf(path), 0640u);
    EXPECT_EQ(ModeOf(path + ".sha256"), 0640u);
    EXPECT_EQ(ModeOf(backup_dir_ + "/daily"), 0750u);
    if (Exists(backup_dir_ + "/.tmp")) {
      EXPECT_EQ(ModeOf(backup_dir_ + "/.tmp"), 0750u);
      EXPECT_EQ(ListFilesRecursively(backup_dir_ + "/.tmp"), std::vector<std::string>{});
    }
    EXPECT_EQ(ReadTextFile(path + ".sha256"), sha256 + "  " + BaseName(path) + "\n");
    CliResult check = Sha256sumCheck(path);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    CliResult gunzip = RunShell("gunzip -t " + ShellQuote(path));
    EXPECT_EQ(gunzip.exit_code, 0) << gunzip.err;

    ASSERT_NO_FATAL_FAILURE(RestoreInto(path, copy_db));
    EXPECT_EQ(source_fingerprint_, DatabaseFingerprint(*server_, copy_db));
  }

  static std::unique_ptr<MariaDbServer> server_;
  static Status start_;
  static std::string source_fingerprint_;
  static std::string real_dump_;

  TempDir dir_;
  std::string backup_dir_;
  std::string mount_point_;  // unmounted in TearDown
};

std::unique_ptr<MariaDbServer> BackupRunTest::server_;
Status BackupRunTest::start_;
std::string BackupRunTest::source_fingerprint_;
std::string BackupRunTest::real_dump_;

// --- Success ------------------------------------------------------------------------------

TEST_F(BackupRunTest, DailyBackupOverTcpIsVerifiedAndRestoresEqual) {
  ExpectDailyRoundTrip(WriteConfig(DefaultSpec()), "copy_tcp");
}

TEST_F(BackupRunTest, DailyBackupOverSocketIsVerifiedAndRestoresEqual) {
  ConfigSpec spec = DefaultSpec();
  spec.socket = server_->socket();
  spec.port = ClosedPort();  // only the socket can work
  ExpectDailyRoundTrip(WriteConfig(spec), "copy_socket");
}

TEST_F(BackupRunTest, AllMakesOneDailyOneWeeklyOneMonthly) {
  CliResult r = RunMysqlBackup({"-c", WriteConfig(DefaultSpec()), "--backup-type", "all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* type : {"daily", "weekly", "monthly"}) {
    std::vector<std::string> backups = BackupsIn(backup_dir_ + "/" + type);
    ASSERT_EQ(backups.size(), 1u) << type;
    EXPECT_TRUE(Contains(BaseName(backups[0]), std::string("awkward-") + type + "-")) << backups[0];
    EXPECT_TRUE(Contains(r.out, backups[0])) << r.out;
    CliResult check = Sha256sumCheck(backups[0]);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }
  EXPECT_EQ(BackupLookingFiles(backup_dir_).size(), 9u);  // backup, .sha256, manifest's .sha256
  // The backup account has what mysqldump needs: no privilege warning.
  EXPECT_FALSE(Contains(r.err, "Incomplete backup ahead")) << r.err;
}

// mysqldump silently leaves out triggers the account may not see; the run says so up front,
// with the GRANT that fixes it.
TEST_F(BackupRunTest, AccountWithoutTriggerPrivilegeIsWarnedWithTheGrant) {
  server_->Sql(
      "CREATE USER IF NOT EXISTS 'weak'@'localhost' IDENTIFIED BY 'weak;pw';"
      "CREATE USER IF NOT EXISTS 'weak'@'127.0.0.1' IDENTIFIED BY 'weak;pw';"
      "GRANT SELECT, SHOW VIEW, EXECUTE ON awkward.* TO 'weak'@'localhost';"
      "GRANT SELECT, SHOW VIEW, EXECUTE ON awkward.* TO 'weak'@'127.0.0.1';");
  ConfigSpec spec = DefaultSpec();
  spec.dump_options = "--single-transaction --triggers";
  std::string text = ConfigText(spec);
  std::string from = "user = backup\npassword = " + std::string(MariaDbServer::kBackupPassword);
  ASSERT_TRUE(Contains(text, from));
  text.replace(text.find(from), from.size(), "user = weak\npassword = weak;pw");
  CliResult r =
      RunMysqlBackup({"-c", WriteConfigText(text, "weak.conf"), "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // the dump itself succeeds, without the triggers
  EXPECT_TRUE(Contains(r.err, "Incomplete backup ahead")) << r.err;
  EXPECT_TRUE(Contains(r.err, "GRANT TRIGGER ON `awkward`.* TO 'weak'")) << r.err;
  EXPECT_FALSE(Contains(r.err, "mysql.proc")) << "--routines was not asked for: " << r.err;
}

TEST_F(BackupRunTest, PasswordNeverInArgvEnvironmentOutputLogOrFiles) {
  const std::string password = MariaDbServer::kBackupPassword;
  ConfigSpec spec = DefaultSpec();
  spec.log_dir = dir_ / "logs";
  std::vector<std::string> env = InstallDumpWrapper(
      "printf '%s\\n' \"$0\" \"$@\" > \"$DIR/argv\"\n"
      "env > \"$DIR/environ\"\n"
      "exec \"$REAL\" \"$@\"\n");
  std::string private_tmp = dir_ / "tmp";
  mkdir(private_tmp.c_str(), 0700);
  env.push_back("TMPDIR=" + private_tmp);

  std::set<std::string> tmp_before;
  for (const auto& e : fs::directory_iterator("/tmp")) tmp_before.insert(e.path().string());
  CliResult r = RunMysqlBackup({"-c", WriteConfig(spec), "--backup-type", "daily"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::string argv = ReadTextFile(dir_ / "wrapper-notes/argv");
  std::string environ = ReadTextFile(dir_ / "wrapper-notes/environ");
  ASSERT_FALSE(argv.empty()) << "the wrapper did not run";
  ASSERT_FALSE(environ.empty());
  EXPECT_TRUE(Contains(argv, "\n--defaults-extra-file=/dev/fd/3\n")) << argv;
  EXPECT_FALSE(Contains(argv, password)) << argv;
  EXPECT_FALSE(Contains(environ, password)) << environ;
  EXPECT_FALSE(Contains(environ, "MYSQL_PWD")) << environ;
  EXPECT_FALSE(Contains(r.out, password)) << r.out;
  EXPECT_FALSE(Contains(r.err, password)) << r.err;

  std::string log =
      ReadTextFile(spec.log_dir + "/mysql_backup_" + LocalDate(std::time(nullptr)) + ".log");
  EXPECT_FALSE(log.empty());
  EXPECT_FALSE(Contains(log, password)) << log;
  CliResult grep = RunShell("grep -rlF -- " + ShellQuote(password) + " " + ShellQuote(backup_dir_) +
                            " " + ShellQuote(spec.log_dir) + " " + ShellQuote(private_tmp));
  EXPECT_EQ(grep.exit_code, 1) << "files holding the password:\n" << grep.out << grep.err;
  std::vector<std::string> backups = BackupsIn(backup_dir_ + "/daily");
  ASSERT_EQ(backups.size(), 1u);
  CliResult in_dump =
      RunShell("zcat " + ShellQuote(backups[0]) + " | grep -cF -- " + ShellQuote(password));
  EXPECT_EQ(in_dump.out, "0\n") << "the dump holds the password";
  EXPECT_EQ(ListFilesRecursively(private_tmp), std::vector<std::string>{});

  // Anything the run left in /tmp. Other tests' folders (which hold configs with this
  // password) are not the tool's.
  std::string fresh;
  for (const auto& e : fs::directory_iterator("/tmp")) {
    std::string p = e.path().string();
    std::string n = e.path().filename().string();
    if (tmp_before.count(p) || n.rfind("mysql-backup-test.", 0) == 0 ||
        n.rfind("mysql-backup-mariadb-template-", 0) == 0) {
      continue;
    }
    fresh += " " + ShellQuote(p);
  }
  if (!fresh.empty()) {
    CliResult tmp_grep = RunShell("grep -rlF -- " + ShellQuote(password) + fresh);
    EXPECT_NE(tmp_grep.exit_code, 0) << "new files in /tmp holding the password:\n" << tmp_grep.out;
  }
}

TEST_F(BackupRunTest, LogFileHasTimestampedInfoLinesForTheRun) {
  ConfigSpec spec = DefaultSpec();
  spec.log_dir = dir_ / "logs";  // created by the run, as the old tool did
  std::string date_before = LocalDate(std::time(nullptr));
  StoredBackup b;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(WriteConfig(spec), &b));
  std::string date_after = LocalDate(std::time(nullptr));

  std::string path = spec.log_dir + "/mysql_backup_" + date_after + ".log";
  if (!Exists(path)) path = spec.log_dir + "/mysql_backup_" + date_before + ".log";
  ASSERT_TRUE(Exists(path)) << "no " << path;
  std::string log = ReadTextFile(path);
  const std::regex line_format(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d - [A-Z]+ - .+)");
  int info_lines = 0;
  size_t pos = 0;
  for (size_t end; (end = log.find('\n', pos)) != std::string::npos; pos = end + 1) {
    std::string line = log.substr(pos, end - pos);
    EXPECT_TRUE(std::regex_match(line, line_format)) << line;
    if (Contains(line, " - INFO - ")) ++info_lines;
  }
  EXPECT_EQ(pos, log.size()) << "the last line is unfinished";
  EXPECT_GE(info_lines, 1) << log;
  EXPECT_TRUE(Contains(log, b.path)) << log;
}

// --- Failures: exit code, message, nothing left, the earlier backup intact ----------------

TEST_F(BackupRunTest, WrongPasswordIsExit69AccessDenied) {
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(WriteConfig(DefaultSpec()), &earlier));
  std::set<std::string> before = BackupLookingFiles(backup_dir_);

  ConfigSpec spec = DefaultSpec();
  spec.password = "wrong ;password#";
  CliResult r = RunMysqlBackup({"-c", WriteConfig(spec, "wrong.conf"), "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 69) << r.err;
  EXPECT_TRUE(Contains(r.err, "Access denied")) << r.err;
  EXPECT_EQ(r.out, "");
  ExpectNothingLeft(before);
  ExpectIntact(earlier);
}

TEST_F(BackupRunTest, UnreachableServerIsExit69) {
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(WriteConfig(DefaultSpec()), &earlier));
  std::set<std::string> before = BackupLookingFiles(backup_dir_);

  ConfigSpec spec = DefaultSpec();
  spec.port = ClosedPort();
  CliResult r = RunMysqlBackup({"-c", WriteConfig(spec, "closed.conf"), "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 69) << r.err;
  EXPECT_TRUE(Contains(r.err, "connect")) << r.err;
  ExpectNothingLeft(before);
  ExpectIntact(earlier);
}

TEST_F(BackupRunTest, BogusDumpOptionIsExit70WithTheDumpsMessage) {
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(WriteConfig(DefaultSpec()), &earlier));
  std::set<std::string> before = BackupLookingFiles(backup_dir_);

  ConfigSpec spec = DefaultSpec();
  spec.dump_options = "--single-transaction --no-such-option";
  CliResult r = RunMysqlBackup({"-c", WriteConfig(spec, "bogus.conf"), "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 70) << r.err;
  EXPECT_TRUE(Contains(r.err, "unknown option '--no-such-option'")) << r.err;
  ExpectNothingLeft(before);
  ExpectIntact(earlier);
}

TEST_F(BackupRunTest, DumpKilledMidStreamIsExit70) {
  ExpectDumpFailure("\"$REAL\" \"$@\" | head -c 20000\nkill -9 $$\n", "killed by signal 9");
}

TEST_F(BackupRunTest, DumpThatExitsZeroButIsCutIsExit70) {
  ExpectDumpFailure("\"$REAL\" \"$@\" | head -n -3\n", "Dump completed");
}

TEST_F(BackupRunTest, DumpThatExitsZeroWithNoOutputIsExit70) {
  ExpectDumpFailure("\"$REAL\" \"$@\" > /dev/null\n", "wrote nothing");
}

TEST_F(BackupRunTest, ToolKilledMidDumpLeavesNoBackupAndTheNextRunClearsItsDebris) {
  std::string config = WriteConfig(DefaultSpec());
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &earlier));
  std::set<std::string> before = BackupLookingFiles(backup_dir_);

  std::vector<std::string> env = InstallSlowDumpWrapper();
  std::string tmp = backup_dir_ + "/.tmp";
  pid_t pid = StartMysqlBackup({"-c", config, "--backup-type", "daily"}, dir_ / "killed.out", env);
  bool mid_dump = WaitUntil([&] {
    bool partial = false;
    for (const auto& f : ListFilesRecursively(tmp)) partial |= EndsWith(f, ".partial");
    return partial && Exists(dir_ / "wrapper-notes/ready");
  });
  kill(pid, SIGKILL);
  EXPECT_EQ(WaitFor(pid), 128 + SIGKILL);
  ASSERT_TRUE(mid_dump) << ReadTextFile(dir_ / "killed.out");
  for (pid_t p : ProcessesMentioning(dir_.path())) kill(p, SIGKILL);

  // What the crash left is work in progress, never a backup.
  EXPECT_EQ(BackupLookingFiles(backup_dir_), before);
  std::vector<std::string> debris = ListFilesRecursively(tmp);
  EXPECT_FALSE(debris.empty());
  for (const auto& f : debris) {
    EXPECT_FALSE(EndsWith(f, ".sql.gz") || EndsWith(f, ".sha256")) << f;
  }
  ExpectIntact(earlier);

  StoredBackup next;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &next));
  EXPECT_EQ(ListFilesRecursively(tmp), std::vector<std::string>{});
  EXPECT_EQ(BackupsIn(backup_dir_ + "/daily").size(), 2u);
  ExpectIntact(earlier);
  ExpectIntact(next);
}

// A dump that hangs (mariadb-dump 10.11 spins forever on some event bodies) is stopped at
// [backup] dump_timeout instead of holding the lock for ever.
TEST_F(BackupRunTest, DumpRunningPastDumpTimeoutIsStoppedWithExit70) {
  std::string config = WriteConfig(DefaultSpec());
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &earlier));
  std::set<std::string> before = BackupLookingFiles(backup_dir_);

  std::string slow_config = WriteConfigText(ConfigText(DefaultSpec()) + "dump_timeout = 2\n",
                                            "slow.conf");
  std::vector<std::string> env = InstallSlowDumpWrapper();
  CliResult r = RunMysqlBackup({"-c", slow_config, "--backup-type", "daily"}, env);
  EXPECT_EQ(r.exit_code, 70) << r.err;
  EXPECT_TRUE(Contains(r.err, "dump_timeout (2 s)")) << r.err;
  EXPECT_FALSE(Exists(dir_ / "wrapper-notes/slept-through"));
  EXPECT_TRUE(
      WaitUntil([&] { return ProcessesMentioning(dir_.path()).empty(); }, std::chrono::seconds(10)));
  ExpectNothingLeft(before);
  ExpectIntact(earlier);
}

TEST_F(BackupRunTest, SigtermMidDumpIsExit70AndStopsTheDump) {
  std::string config = WriteConfig(DefaultSpec());
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &earlier));
  std::set<std::string> before = BackupLookingFiles(backup_dir_);

  std::vector<std::string> env = InstallSlowDumpWrapper();
  std::string out = dir_ / "term.out";
  pid_t pid = StartMysqlBackup({"-c", config, "--backup-type", "daily"}, out, env);
  bool mid_dump = WaitUntil([&] { return Exists(dir_ / "wrapper-notes/ready"); });
  kill(pid, SIGTERM);
  int code = WaitFor(pid);
  ASSERT_TRUE(mid_dump) << ReadTextFile(out);
  EXPECT_EQ(code, 70) << ReadTextFile(out);
  EXPECT_TRUE(Contains(ReadTextFile(out), "Interrupted")) << ReadTextFile(out);
  // Stopped, not waited out: the wrapper never finished its sleep, and nothing it started runs.
  EXPECT_FALSE(Exists(dir_ / "wrapper-notes/slept-through"));
  // The wrapper's trap signals its sleep just before it exits; give that signal time to land.
  EXPECT_TRUE(
      WaitUntil([&] { return ProcessesMentioning(dir_.path()).empty(); }, std::chrono::seconds(10)))
      << "still running: " << ProcessesMentioning(dir_.path()).size() << " process(es)";
  ExpectNothingLeft(before);
  ExpectIntact(earlier);
}

// A run killed outright (SIGKILL, the OOM killer) has no chance to stop its dump: the kernel
// must, or mariadb-dump runs on holding its connection and locks. The wrapper execs into a long
// sleep, so the process the run started is the one that must go.
TEST_F(BackupRunTest, SigkilledRunTakesItsDumpWithIt) {
  std::string config = WriteConfig(DefaultSpec());
  std::vector<std::string> env = InstallDumpWrapper(
      "\"$REAL\" \"$@\" | head -c 200000\n"
      "touch \"$DIR/ready\"\n"
      "exec \"$SLEEP\" 60\n");
  std::string out = dir_ / "kill.out";
  pid_t pid = StartMysqlBackup({"-c", config, "--backup-type", "daily"}, out, env);
  bool mid_dump = WaitUntil([&] { return Exists(dir_ / "wrapper-notes/ready"); });
  ASSERT_TRUE(mid_dump) << ReadTextFile(out);
  ASSERT_TRUE(WaitUntil([&] { return !ProcessesMentioning(dir_ / "wrapper-bin/slow-sleep").empty(); },
                        std::chrono::seconds(10)));
  kill(pid, SIGKILL);
  EXPECT_EQ(WaitFor(pid), 128 + SIGKILL);
  EXPECT_TRUE(
      WaitUntil([&] { return ProcessesMentioning(dir_.path()).empty(); }, std::chrono::seconds(5)))
      << "still running: " << ProcessesMentioning(dir_.path()).size() << " process(es)";
  // Nothing of the killed run stands in the way of the next one.
  StoredBackup next;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(WriteConfig(DefaultSpec(), "next.conf"), &next));
}

// A dump stopped at dump_timeout takes what it started along (its process group), not only
// itself: here a shell whose background sleep would otherwise live on for a minute.
TEST_F(BackupRunTest, StoppedDumpTakesWhatItStartedAlong) {
  std::string slow_config = WriteConfigText(ConfigText(DefaultSpec()) + "dump_timeout = 2\n",
                                            "slow.conf");
  // No output at all: the sleep is surely running when the timeout strikes.
  std::vector<std::string> env = InstallDumpWrapper(
      "\"$SLEEP\" 60 &\n"
      "touch \"$DIR/ready\"\n"
      "wait\n");
  std::string out = dir_ / "timeout.out";
  pid_t pid = StartMysqlBackup({"-c", slow_config, "--backup-type", "daily"}, out, env);
  // Before, the run waited out the orphaned sleep (it held the dump's stderr) for a minute.
  int code = -1;
  bool ended = WaitUntil(
      [&] {
        int wstatus = 0;
        if (waitpid(pid, &wstatus, WNOHANG) != pid) return false;
        code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
        return true;
      },
      std::chrono::seconds(30));
  if (!ended) {
    kill(pid, SIGKILL);
    WaitFor(pid);
  }
  ASSERT_TRUE(ended) << "the run waited for what the stopped dump had started";
  EXPECT_EQ(code, 70) << ReadTextFile(out);
  EXPECT_TRUE(Contains(ReadTextFile(out), "dump_timeout (2 s)")) << ReadTextFile(out);
  EXPECT_TRUE(Exists(dir_ / "wrapper-notes/ready"));
  EXPECT_TRUE(
      WaitUntil([&] { return ProcessesMentioning(dir_.path()).empty(); }, std::chrono::seconds(5)))
      << "still running: " << ProcessesMentioning(dir_.path()).size() << " process(es)";
}

TEST_F(BackupRunTest, FullDiskIsExit74AndKeepsTheEarlierBackup) {
  std::string disk = dir_ / "disk";
  if (std::string why = MountSmallDisk(disk); !why.empty()) GTEST_SKIP() << why;
  backup_dir_ = disk + "/backups";
  ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
  std::string config = WriteConfig(DefaultSpec());
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &earlier));
  // The dump must start and then run out of room.
  ASSERT_GT(earlier.bytes.size(), 64u * 1024) << "the compressed dump is too small to fill 16 KiB";
  std::set<std::string> before = BackupLookingFiles(backup_dir_);

  std::string filler = ShellQuote(disk + "/filler");
  RunShell("dd if=/dev/zero of=" + filler + " bs=64k");  // fails when the disk is full
  ASSERT_EQ(RunShell("truncate -s -16K " + filler).exit_code, 0);

  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 74) << r.err;
  EXPECT_TRUE(Contains(r.err, "No space left on device")) << r.err;
  ExpectNothingLeft(before);
  ExpectIntact(earlier);
}

TEST_F(BackupRunTest, ReadOnlyBackupDirIsExit74) {
  std::string disk = dir_ / "disk";
  if (std::string why = MountSmallDisk(disk); !why.empty()) GTEST_SKIP() << why;
  backup_dir_ = disk + "/backups";
  ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
  std::string config = WriteConfig(DefaultSpec());
  StoredBackup earlier;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &earlier));
  std::set<std::string> before = BackupLookingFiles(backup_dir_);
  ASSERT_EQ(RunShell("mount -o remount,ro " + ShellQuote(disk)).exit_code, 0);

  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 74) << r.err;
  EXPECT_TRUE(Contains(r.err, backup_dir_)) << r.err;
  EXPECT_TRUE(Contains(r.err, "Read-only file system")) << r.err;
  ExpectNothingLeft(before);
  ExpectIntact(earlier);
}

TEST_F(BackupRunTest, MissingBackupDirIsExit74NamingItAndIsNotCreated) {
  ConfigSpec spec = DefaultSpec();
  spec.backup_dir = dir_ / "not-mounted/backups";
  CliResult r = RunMysqlBackup({"-c", WriteConfig(spec), "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 74) << r.err;
  EXPECT_TRUE(Contains(r.err, "'" + spec.backup_dir + "'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "does not exist")) << r.err;
  EXPECT_FALSE(Exists(dir_ / "not-mounted"));
}

// --- Runs side by side ---------------------------------------------------------------------

TEST_F(BackupRunTest, TwoRunsAtOnceMakeTwoDistinctGoodBackups) {
  std::string config = WriteConfig(DefaultSpec());
  pid_t first = StartMysqlBackup({"-c", config, "--backup-type", "daily"}, dir_ / "first.out");
  pid_t second = StartMysqlBackup({"-c", config, "--backup-type", "daily"}, dir_ / "second.out");
  EXPECT_EQ(WaitFor(first), 0) << ReadTextFile(dir_ / "first.out");
  EXPECT_EQ(WaitFor(second), 0) << ReadTextFile(dir_ / "second.out");

  std::vector<std::string> backups = BackupsIn(backup_dir_ + "/daily");
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_NE(backups[0], backups[1]);
  for (const auto& b : backups) {
    CliResult check = Sha256sumCheck(b);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    CliResult gunzip = RunShell("gunzip -t " + ShellQuote(b));
    EXPECT_EQ(gunzip.exit_code, 0) << b << ": " << gunzip.err;
  }
  EXPECT_EQ(ListFilesRecursively(backup_dir_ + "/.tmp"), std::vector<std::string>{});
}

TEST_F(BackupRunTest, RunsInTheSameSecondGetDistinctNames) {
  std::string config = WriteConfig(DefaultSpec());
  StoredBackup first;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &first));
  // Make the current and the next second's names taken, so the next run meets a taken name
  // whatever the clock says; it must neither overwrite nor reuse them.
  std::time_t now = std::time(nullptr);
  std::vector<StoredBackup> taken;
  for (std::time_t t : {now, now + 1}) {
    std::string path = backup_dir_ + "/daily/awkward-daily-" + UtcStamp(t) + ".sql.gz";
    if (path == first.path) continue;
    fs::copy_file(first.path, path);
    CliResult sum =
        RunShell("cd " + ShellQuote(DirName(path)) + " && sha256sum " + ShellQuote(BaseName(path)) +
                 " > " + ShellQuote(BaseName(path)) + ".sha256");
    ASSERT_EQ(sum.exit_code, 0) << sum.err;
    taken.push_back({path, first.bytes});
  }
  StoredBackup second;
  ASSERT_NO_FATAL_FAILURE(TakeBackup(config, &second));
  EXPECT_NE(second.path, first.path);
  for (const auto& t : taken) {
    EXPECT_NE(second.path, t.path);
    ExpectIntact(t);
  }
  ExpectIntact(first);
  ExpectIntact(second);
  EXPECT_EQ(BackupsIn(backup_dir_ + "/daily").size(), taken.size() + 2);
}

// --- Configuration and flags ----------------------------------------------------------------

TEST_F(BackupRunTest, ConfigurationErrorsAreExit78NamingFileSectionAndKey) {
  const std::string good = ConfigText(DefaultSpec());
  auto without = [&](const std::string& line) {
    std::string text = good;
    size_t at = text.find(line);
    if (at != std::string::npos) text.erase(at, line.size());
    return text;
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    size_t at = text.find(from);
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  // [backup] is the last section: appended lines land in it.
  const struct {
    const char* name;
    std::string text;
    std::vector<std::string> message_parts;
  } kCases[] = {
      {"missing user", without("user = backup\n"), {"[database]", "user"}},
      {"port not a number",
       replaced("port = " + std::to_string(server_->port()), "port = abc"),
       {"[database]", "port", "abc"}},
      {"retention zero",
       replaced("daily_retention = 7", "daily_retention = 0"),
       {"[backup]", "daily_retention"}},
      {"unknown key", good + "daily_retension = 7\n", {"[backup]", "daily_retension"}},
      {"unknown section", good + "\n[backups]\nbackup_dir = /x\n", {"[backups]"}},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    std::string config = WriteConfigText(c.text, "bad.conf");
    CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_TRUE(Contains(r.err, config)) << r.err;
    for (const auto& part : c.message_parts) EXPECT_TRUE(Contains(r.err, part)) << r.err;
    EXPECT_EQ(BackupLookingFiles(backup_dir_), std::set<std::string>{});
  }

  std::string missing = dir_ / "no-such.conf";
  CliResult r = RunMysqlBackup({"-c", missing, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_TRUE(Contains(r.err, missing)) << r.err;
}

TEST_F(BackupRunTest, BadFlagsAreExit64) {
  std::string config = WriteConfig(DefaultSpec());
  const struct {
    std::vector<std::string> args;
    const char* message_part;
  } kCases[] = {
      {{"-c", config, "--backup-type", "hourly"}, "hourly"},
      {{"-c", config, "--bogus"}, "--bogus"},
      {{"-c", config}, ""},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.args.back());
    CliResult r = RunMysqlBackup(c.args);
    EXPECT_EQ(r.exit_code, 64) << r.err;
    EXPECT_TRUE(Contains(r.err, c.message_part)) << r.err;
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_EQ(BackupLookingFiles(backup_dir_), std::set<std::string>{});
}

TEST_F(BackupRunTest, HelpPrintsUsage) {
  CliResult r = RunMysqlBackup({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Usage: mysql-backup")) << r.out;
  EXPECT_TRUE(Contains(r.out, "--backup-type")) << r.out;
}

}  // namespace
}  // namespace mysql_backup::testing
