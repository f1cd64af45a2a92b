// The life of a backup after it is made, as a user sees it: the built binary against a real
// MariaDB loaded with the awkward fixture, configured in the old tool's INI format plus a
// `[restore]` section for the restoring account. Cleanup by retention over a history of backups
// mixed with files that are not ours (dry run equal to the real run, newest by name and never by
// mtime, the lock shared with backups, the backup just made never deleted); --list and
// --list --json; --verify catching each kind of damage; --restore as the [restore] account,
// equal to the source, refusing corrupt files and non-empty targets; the restore drill passing
// on a good backup, failing on tampered data, and never leaving its scratch database behind.
//
// One real backup is made for the whole suite. A history is copies of it under names for past
// (or future) dates, each with a .sha256 rewritten for its new name, so `sha256sum -c` passes on
// every copy. Slow or stalled children are staged with wrappers first in PATH that run the real
// programs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
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

// The scratch databases of any restore drill, one name a line.
constexpr const char* kScratchQuery =
    "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
    "WHERE SCHEMA_NAME LIKE 'mysql\\_backup\\_drill\\_%' ORDER BY 1";

struct Settings {
  std::string daily_retention = "3";
  std::string weekly_retention = "2";
  std::string monthly_retention = "4";
  std::string lock_timeout;     // empty: the default
  bool restore_section = true;  // [restore] with the all-privileges `restorer` account
};

std::string ConfigText(const std::string& backup_dir, int port, const Settings& s) {
  std::string text = "[general]\nenvironment = test\n";
  text += "\n[database]\nhost = 127.0.0.1\nport = " + std::to_string(port) +
          "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword +
          "\ndatabase = awkward\n";
  text += "\n[backup]\nbackup_dir = " + backup_dir + "\nmysqldump_options = " + kDumpOptions +
          "\ndaily_retention = " + s.daily_retention +
          "\nweekly_retention = " + s.weekly_retention +
          "\nmonthly_retention = " + s.monthly_retention + "\n";
  if (!s.lock_timeout.empty()) text += "lock_timeout = " + s.lock_timeout + "\n";
  if (s.restore_section) {
    text += "\n[restore]\nhost = 127.0.0.1\nport = " + std::to_string(port) +
            "\nuser = " + MariaDbServer::kRestoreUser +
            "\npassword = " + MariaDbServer::kRestorePassword + "\n";
  }
  return text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Group 1 of `re` in every line of `text` that it matches from the start.
std::multiset<std::string> Captured(const std::string& text, const std::regex& re) {
  std::multiset<std::string> out;
  for (const auto& line : Lines(text)) {
    std::smatch m;
    if (std::regex_search(line, m, re, std::regex_constants::match_continuous)) {
      out.insert(m[1]);
    }
  }
  return out;
}

// A size the tool printed ("201.4 KiB": one decimal of a binary unit) is `bytes`, rounded.
void ExpectPrintedSize(const std::string& number, const std::string& unit, uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double unit_bytes = 1;
  bool known = false;
  for (const char* u : kUnits) {
    if (unit == u) {
      known = true;
      break;
    }
    unit_bytes *= 1024;
  }
  ASSERT_TRUE(known) << number << " " << unit;
  double printed = std::stod(number) * unit_bytes;
  EXPECT_LE(std::fabs(printed - static_cast<double>(bytes)), 0.051 * unit_bytes)
      << number << " " << unit << " printed for " << bytes << " bytes";
}

// A history for daily_retention = 3, weekly_retention = 2, monthly_retention = 4: what a
// cleanup must delete and what it must leave.
struct History {
  std::set<std::string> doomed;         // backups (absolute) beyond the retention counts
  std::string orphan;                   // a .sha256 whose backup is gone (absolute)
  std::set<std::string> removed_files;  // relative: doomed backups, their .sha256, the orphan,
                                        // the .tmp debris
  std::vector<std::string> kept;        // our backups that stay (absolute)
  std::string unchecked;                // a kept backup without .sha256 (absolute)
  std::vector<std::string> foreign;     // files that are not ours (relative)
};

struct Listed {
  std::string type, database, path, created;
  uint64_t size = 0;
};

class BackupLifecycleTest : public ::testing::Test {
 protected:
  // One server and one real backup for the whole file: both take seconds.
  static void SetUpTestSuite() {
    server_ = std::make_unique<MariaDbServer>();
    start_ = StartWithAwkwardFixture(server_.get(), &source_fingerprint_);
    if (!start_.ok()) return;
    suite_dir_ = std::make_unique<TempDir>();
    std::string backup_dir = *suite_dir_ / "backups";
    mkdir(backup_dir.c_str(), 0750);
    std::string config = *suite_dir_ / "backup.conf";
    WriteTextFile(config, ConfigText(backup_dir, server_->port(), Settings()), 0600);
    auto made = BackupMadeBy(RunMysqlBackup({"-c", config, "--backup-type", "daily"}));
    if (!made.ok()) {
      start_ = Status(ErrorKind::kProcess, "the suite's " + made.status().message());
      return;
    }
    backup_ = *made;
    backup_sha256_ = ReadTextFile(backup_ + ".sha256").substr(0, 64);
    backup_size_ = fs::file_size(backup_);
  }
  static void TearDownTestSuite() {
    server_.reset();
    suite_dir_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(start_.ok()) << start_.ToString();
    backup_dir_ = dir_ / "backups";
    ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
  }

  void TearDown() override {
    // Wrappers (and runs of the tool) a failed test left must not outlive it.
    for (pid_t pid : ProcessesMentioning(dir_.path())) kill(pid, SIGKILL);
  }

  std::string WriteConfig(const Settings& settings = Settings(),
                          const std::string& name = "backup.conf") {
    std::string path = dir_ / name;
    WriteTextFile(path, ConfigText(backup_dir_, server_->port(), settings), 0600);
    return path;
  }

  // Copies the suite's backup to <backup_dir>/<folder>/<name>, with a .sha256 for that name
  // unless told otherwise. Returns the copy's path.
  std::string Plant(const std::string& folder, const std::string& name, bool checksum = true) {
    std::string dir = backup_dir_ + "/" + folder;
    fs::create_directories(dir);
    chmod(dir.c_str(), 0750);
    std::string path = dir + "/" + name;
    fs::copy_file(backup_, path, fs::copy_options::overwrite_existing);
    chmod(path.c_str(), 0640);
    if (checksum) WriteTextFile(path + ".sha256", backup_sha256_ + "  " + name + "\n", 0640);
    return path;
  }
  std::string PlantBackup(const std::string& type, const std::string& stamp,
                          const std::string& database = "awkward", bool checksum = true) {
    return Plant(type, database + "-" + type + "-" + stamp + ".sql.gz", checksum);
  }

  // Copies the suite's whole run (backup, .sha256, manifest and its .sha256) into
  // <backup_dir>/daily/. Returns the backup copy's path.
  std::string CopySuiteRun() {
    const std::string daily = backup_dir_ + "/daily";
    fs::create_directories(daily);
    for (const auto& entry : fs::directory_iterator(DirName(backup_))) {
      fs::copy_file(entry.path(), daily + "/" + entry.path().filename().string());
    }
    return daily + "/" + BaseName(backup_);
  }

  // Writes <path>.sha256 for the file as it is now, as sha256sum would.
  static void RegenerateChecksum(const std::string& path) {
    CliResult r =
        RunShell("cd " + ShellQuote(DirName(path)) + " && sha256sum " + ShellQuote(BaseName(path)) +
                 " > " + ShellQuote(BaseName(path)) + ".sha256");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  static void Touch(const std::string& path, const std::string& when) {
    CliResult r = RunShell("touch -d " + ShellQuote(when) + " " + ShellQuote(path));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Every file under backup_dir, relative to it, except the lock file (created by any run).
  std::set<std::string> Files() const {
    std::set<std::string> out;
    for (const auto& f : ListFilesRecursively(backup_dir_)) {
      if (f != ".lock") out.insert(f);
    }
    return out;
  }

  std::string Relative(const std::string& path) const {
    return fs::relative(path, backup_dir_).string();
  }

  // Puts `name` first in PATH: a sh script that runs `body` with $REAL (the real program),
  // $DIR (a folder for its notes) and $SLEEP (a sleep whose command line carries the test's
  // folder, so a leftover one can be found) set. Returns the environment for the run.
  std::vector<std::string> InstallWrapper(const std::string& name, const std::string& real,
                                          const std::string& body) {
    std::string bin = dir_ / "wrapper-bin";
    mkdir(bin.c_str(), 0755);
    std::string notes = dir_ / "wrapper-notes";
    mkdir(notes.c_str(), 0700);
    if (!Exists(bin + "/slow-sleep")) fs::create_symlink("/bin/sleep", bin + "/slow-sleep");
    WriteTextFile(bin + "/" + name,
                  "#!/bin/sh\nREAL=" + ShellQuote(real) + "\nDIR=" + ShellQuote(notes) +
                      "\nSLEEP=" + ShellQuote(bin + "/slow-sleep") + "\n" + body,
                  0755);
    const char* path = std::getenv("PATH");
    return {"PATH=" + bin + ":" + (path != nullptr ? path : "/usr/bin:/bin")};
  }
  std::string Note(const std::string& name) const { return dir_ / ("wrapper-notes/" + name); }

  // A mariadb-dump that says it started (the backup then holds the lock) and waits for the test
  // to create the note `go` before it runs the real dump.
  std::vector<std::string> InstallGatedDump() {
    return InstallWrapper("mariadb-dump", RealDumpProgram(),
                          "touch \"$DIR/started\"\n"
                          "i=0\n"
                          "while [ ! -e \"$DIR/go\" ] && [ $i -lt 900 ]; do\n"
                          "  \"$SLEEP\" 0.1\n"
                          "  i=$((i + 1))\n"
                          "done\n"
                          "exec \"$REAL\" \"$@\"\n");
  }

  static std::string RealClientProgram() {
    for (const char* name : {"mariadb", "mysql"}) {
      CliResult r = RunShell(std::string("command -v ") + name);
      if (r.exit_code == 0 && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
    }
    return "/usr/bin/mariadb";
  }

  // A mariadb client that stalls (up to 60 s, as a slow server would) when it is the one a
  // restore streams the dump into (--binary-mode), after saying so in the note `loading`. A
  // SIGTERM ends it and its sleep. Queries run at once.
  std::vector<std::string> InstallStalledLoadClient() {
    return InstallWrapper("mariadb", RealClientProgram(),
                          "case \" $* \" in\n"
                          "  *\" --binary-mode \"*)\n"
                          "    trap 'kill $sleeper 2>/dev/null; exit 143' TERM\n"
                          "    touch \"$DIR/loading\"\n"
                          "    \"$SLEEP\" 60 &\n"
                          "    sleeper=$!\n"
                          "    wait $sleeper\n"
                          "    touch \"$DIR/slept-through\"\n"
                          "    ;;\n"
                          "esac\n"
                          "exec \"$REAL\" \"$@\"\n");
  }

  // 10 dailies, 6 weeklies and 14 monthlies of `awkward` named for past dates, the newest-named
  // touched with the oldest mtimes (and an oldest-named one with a future mtime) so that
  // judging by mtime would pick other files; foreign files that only look similar, all named
  // for dates older than every backup, so a cleanup that took one for ours would delete it
  // first.
  History PlantHistory() {
    History h;
    const std::string kOld = "2001-01-01 00:00:00 UTC";
    const std::string kFuture = "2035-01-01 00:00:00 UTC";
    // The kept ones get the oldest mtimes, the oldest-named one of each type a future mtime.
    auto plant = [&](const std::string& type, const std::string& stamp, bool doomed, bool oldest,
                     bool checksum = true) {
      std::string path = PlantBackup(type, stamp, "awkward", checksum);
      if (!doomed || oldest) Touch(path, doomed ? kFuture : kOld);
      if (doomed) {
        h.doomed.insert(path);
        h.removed_files.insert(Relative(path));
        if (checksum) h.removed_files.insert(Relative(path) + ".sha256");
      } else {
        h.kept.push_back(path);
      }
      return path;
    };
    char stamp[32];
    for (int day = 1; day <= 10; ++day) {
      std::snprintf(stamp, sizeof stamp, "202403%02dT031507Z", day);
      plant("daily", stamp, /*doomed=*/day <= 7, /*oldest=*/day == 1);
    }
    const char* kSundays[] = {"20240107T010000Z", "20240114T010000Z", "20240121T010000Z",
                              "20240128T010000Z", "20240204T010000Z", "20240211T010000Z"};
    for (int i = 0; i < 6; ++i) plant("weekly", kSundays[i], /*doomed=*/i < 4, /*oldest=*/i == 0);
    for (int i = 0; i < 14; ++i) {
      std::snprintf(stamp, sizeof stamp, "%04d%02d01T020000Z", 2023 + i / 12, i % 12 + 1);
      std::string path =
          plant("monthly", stamp, /*doomed=*/i < 10, /*oldest=*/i == 0, /*checksum=*/i != 13);
      if (i == 13) h.unchecked = path;
    }

    h.orphan = backup_dir_ + "/daily/awkward-daily-20240215T000000Z.sql.gz.sha256";
    WriteTextFile(h.orphan, backup_sha256_ + "  awkward-daily-20240215T000000Z.sql.gz\n", 0640);
    h.removed_files.insert(Relative(h.orphan));

    // Debris of a dead run: cleared by a real cleanup (it holds the lock, so nothing in .tmp/ is
    // live), left alone by a dry run.
    std::string tmp = backup_dir_ + "/.tmp";
    mkdir(tmp.c_str(), 0750);
    // Named as AtomicFile names its temp files (<final name>.<pid>.partial): only those go.
    WriteTextFile(tmp + "/awkward-daily-20240310T031507Z.sql.gz.4242.partial", "half a dump", 0640);
    h.removed_files.insert(".tmp/awkward-daily-20240310T031507Z.sql.gz.4242.partial");

    WriteTextFile(backup_dir_ + "/notes.txt", "my notes about the backups\n", 0644);
    WriteTextFile(backup_dir_ + "/daily/notes.txt", "more notes\n", 0644);
    WriteTextFile(backup_dir_ + "/awkward-daily-20200101T000000Z.sql.gz", "not in a type folder",
                  0640);
    // Another database's backups and its orphan checksum in the same folder.
    PlantBackup("daily", "20200101T000000Z", "other_db");
    WriteTextFile(backup_dir_ + "/daily/other_db-daily-20200102T000000Z.sql.gz.sha256",
                  backup_sha256_ + "  other_db-daily-20200102T000000Z.sql.gz\n", 0640);
    // A daily in the weekly folder, and near-misses of our name.
    Plant("weekly", "awkward-daily-20200101T000000Z.sql.gz");
    Plant("daily", "awkward-daily-garbage.sql.gz", false);
    Plant("daily", "awkward-daily-20200101T000000Z.sql.gz.bak", false);
    Plant("daily", "copy of awkward-daily-20200101T000000Z.sql.gz", false);
    Plant("daily/keep", "awkward-daily-20200101T000000Z.sql.gz");
    h.foreign = {"notes.txt",
                 "daily/notes.txt",
                 "awkward-daily-20200101T000000Z.sql.gz",
                 "daily/other_db-daily-20200101T000000Z.sql.gz",
                 "daily/other_db-daily-20200101T000000Z.sql.gz.sha256",
                 "daily/other_db-daily-20200102T000000Z.sql.gz.sha256",
                 "weekly/awkward-daily-20200101T000000Z.sql.gz",
                 "weekly/awkward-daily-20200101T000000Z.sql.gz.sha256",
                 "daily/awkward-daily-garbage.sql.gz",
                 "daily/awkward-daily-20200101T000000Z.sql.gz.bak",
                 "daily/copy of awkward-daily-20200101T000000Z.sql.gz",
                 "daily/keep/awkward-daily-20200101T000000Z.sql.gz",
                 "daily/keep/awkward-daily-20200101T000000Z.sql.gz.sha256"};
    return h;
  }

  // Backups of every type and another database's, planted out of order; returned newest first.
  std::vector<Listed> PlantSome() {
    std::vector<Listed> out;
    auto plant = [&](const std::string& type, const std::string& stamp, const std::string& iso,
                     const std::string& db = "awkward") {
      std::string path = PlantBackup(type, stamp, db);
      out.push_back({type, db, path, iso, fs::file_size(path)});
    };
    plant("monthly", "20240301T020000Z", "2024-03-01T02:00:00Z");
    plant("daily", "20240310T031507Z", "2024-03-10T03:15:07Z");
    plant("weekly", "20240303T010000Z", "2024-03-03T01:00:00Z");
    plant("daily", "20240229T235959Z", "2024-02-29T23:59:59Z");
    // Another database's, and of another size, with its own checksum.
    std::string other = backup_dir_ + "/daily/other_db-daily-20240305T120000Z.sql.gz";
    const char* kDump = "printf 'SELECT 1;\\n-- Dump completed on 2024-03-05 12:00:00\\n'";
    CliResult gz = RunShell(std::string(kDump) + " | gzip -c > " + ShellQuote(other));
    EXPECT_EQ(gz.exit_code, 0) << gz.err;
    RegenerateChecksum(other);
    out.push_back({"daily", "other_db", other, "2024-03-05T12:00:00Z", fs::file_size(other)});
    // Not backups: never listed.
    WriteTextFile(backup_dir_ + "/daily/notes.txt", "notes\n");
    Plant("weekly", "awkward-daily-20240401T000000Z.sql.gz");
    Plant("daily", "awkward-daily-garbage.sql.gz");
    std::sort(out.begin(), out.end(),
              [](const Listed& a, const Listed& b) { return a.created > b.created; });
    return out;
  }

  std::string ScratchDatabases() const { return server_->Sql(kScratchQuery); }

  bool DatabaseExists(const std::string& db) const {
    return server_->Sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
                        SqlString(db)) == "1\n";
  }

  static std::unique_ptr<MariaDbServer> server_;
  static Status start_;
  static std::string source_fingerprint_;
  static std::unique_ptr<TempDir> suite_dir_;
  static std::string backup_;  // the suite's one real backup
  static std::string backup_sha256_;
  static uint64_t backup_size_;

  TempDir dir_;
  std::string backup_dir_;
};

std::unique_ptr<MariaDbServer> BackupLifecycleTest::server_;
Status BackupLifecycleTest::start_;
std::string BackupLifecycleTest::source_fingerprint_;
std::unique_ptr<TempDir> BackupLifecycleTest::suite_dir_;
std::string BackupLifecycleTest::backup_;
std::string BackupLifecycleTest::backup_sha256_;
uint64_t BackupLifecycleTest::backup_size_ = 0;

// --- Cleanup --------------------------------------------------------------------------------

TEST_F(BackupLifecycleTest, CleanupDryRunPrintsExactlyWhatTheRealRunThenDeletesAndDeletesNothing) {
  History h = PlantHistory();
  ASSERT_EQ(h.doomed.size(), 7u + 4u + 10u);
  std::string config = WriteConfig();
  std::set<std::string> before = Files();

  CliResult dry = RunMysqlBackup({"-c", config, "--cleanup", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(Files(), before) << "the dry run changed backup_dir";
  std::multiset<std::string> would = Captured(dry.out, std::regex("Would delete '([^']+)'"));

  CliResult real = RunMysqlBackup({"-c", config, "--cleanup"});
  ASSERT_EQ(real.exit_code, 0) << real.err;
  std::multiset<std::string> deleted = Captured(real.out, std::regex("Deleted '([^']+)'"));

  EXPECT_EQ(would, deleted) << "dry run:\n" << dry.out << "real run:\n" << real.out;
  std::multiset<std::string> expected(h.doomed.begin(), h.doomed.end());
  expected.insert(h.orphan);
  EXPECT_EQ(deleted, expected) << real.out;
  for (const auto& path : deleted) EXPECT_FALSE(Exists(path)) << path;

  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      dry.out, m,
      std::regex("Cleanup \\(dry run\\): would delete (\\d+) backup\\(s\\), freeing ([0-9.]+) "
                 "(\\w+)")))
      << dry.out;
  EXPECT_EQ(m[1], std::to_string(h.doomed.size()));
  ExpectPrintedSize(m[2], m[3], h.doomed.size() * backup_size_);
}

TEST_F(BackupLifecycleTest, CleanupKeepsTheNewestByNameNotMtimeAndTouchesOnlyItsOwnFiles) {
  History h = PlantHistory();
  std::string config = WriteConfig();
  std::set<std::string> before = Files();
  std::map<std::string, std::string> foreign_bytes;
  for (const auto& f : h.foreign) {
    ASSERT_TRUE(before.count(f)) << f;
    foreign_bytes[f] = ReadTextFile(backup_dir_ + "/" + f);
  }

  CliResult r = RunMysqlBackup({"-c", config, "--cleanup"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::set<std::string> expected;
  std::set_difference(before.begin(), before.end(), h.removed_files.begin(), h.removed_files.end(),
                      std::inserter(expected, expected.end()));
  EXPECT_EQ(Files(), expected) << r.out;
  for (const auto& [f, bytes] : foreign_bytes) {
    EXPECT_TRUE(ReadTextFile(backup_dir_ + "/" + f) == bytes) << "'" << f << "' changed";
  }
  for (const auto& path : h.kept) {
    ASSERT_TRUE(Exists(path)) << path;
    if (path == h.unchecked) continue;
    CliResult check = Sha256sumCheck(path);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }

  // The backup without a .sha256 is neither silently kept nor silently deleted: it is named.
  bool warned = false;
  for (const auto& line : Lines(r.err)) {
    if (Contains(line, h.unchecked)) warned = Contains(line, ".sha256");
    EXPECT_FALSE(Contains(line, "other_db")) << line;
  }
  EXPECT_TRUE(warned) << r.err;

  // Each deletion on its own line, then how much space was freed.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.out, m, std::regex("Cleanup: deleted (\\d+) backup\\(s\\), freed ([0-9.]+) (\\w+)")))
      << r.out;
  EXPECT_EQ(m[1], std::to_string(h.doomed.size()));
  ExpectPrintedSize(m[2], m[3], h.doomed.size() * backup_size_);

  // Nothing left to do the second time.
  before = Files();
  CliResult again = RunMysqlBackup({"-c", config, "--cleanup"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(Contains(again.out, "Cleanup: deleted 0 backup(s)")) << again.out;
  EXPECT_EQ(Files(), before);
}

TEST_F(BackupLifecycleTest, RetentionBelowOneOrNotANumberIsExit78NamingTheKey) {
  for (int day = 1; day <= 5; ++day)
    PlantBackup("daily", "2024030" + std::to_string(day) + "T000000Z");
  std::set<std::string> before = Files();
  const struct {
    const char* key;
    const char* value;
  } kCases[] = {
      {"daily_retention", "0"},
      {"weekly_retention", "x"},
      {"monthly_retention", "-2"},
      {"daily_retention", "2.5"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    Settings settings;
    if (std::string(c.key) == "daily_retention") settings.daily_retention = c.value;
    if (std::string(c.key) == "weekly_retention") settings.weekly_retention = c.value;
    if (std::string(c.key) == "monthly_retention") settings.monthly_retention = c.value;
    std::string config = WriteConfig(settings, "bad.conf");
    for (bool dry : {true, false}) {
      std::vector<std::string> args = {"-c", config, "--cleanup"};
      if (dry) args.push_back("--dry-run");
      CliResult r = RunMysqlBackup(args);
      EXPECT_EQ(r.exit_code, 78) << r.err;
      EXPECT_TRUE(Contains(r.err, config)) << r.err;
      EXPECT_TRUE(Contains(r.err, "[backup]")) << r.err;
      EXPECT_TRUE(Contains(r.err, c.key)) << r.err;
      EXPECT_EQ(r.out, "");
    }
    EXPECT_EQ(Files(), before);
  }
}

TEST_F(BackupLifecycleTest, BackupThenCleanupNeverDeletesTheBackupJustMade) {
  // Five dailies named for the future: by name, the backup about to be made is the oldest.
  std::vector<std::string> future;
  for (int i = 1; i <= 5; ++i) {
    future.push_back(PlantBackup("daily", "209" + std::to_string(i) + "0101T000000Z"));
  }
  std::string config = WriteConfig();  // daily_retention = 3
  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily", "--cleanup"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("daily backup OK: (/\\S+) "))) << r.out;
  std::string made = m[1];
  EXPECT_TRUE(Exists(made)) << "the cleanup deleted the backup it followed";
  CliResult check = Sha256sumCheck(made);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  // The backup first, then the cleanup: the two oldest future ones go, the three newest stay.
  std::multiset<std::string> deleted = Captured(r.out, std::regex("Deleted '([^']+)'"));
  EXPECT_EQ(deleted, (std::multiset<std::string>{future[0], future[1]})) << r.out;
  EXPECT_LT(r.out.find("daily backup OK"), r.out.find("Deleted '")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Cleanup: deleted 2 backup(s)")) << r.out;
  std::set<std::string> daily;
  for (const auto& f : Files()) {
    if (f.rfind("daily/", 0) == 0) daily.insert(f);
  }
  std::set<std::string> expected;
  for (const auto& p : {made, future[2], future[3], future[4]}) {
    expected.insert(Relative(p));
    expected.insert(Relative(p) + ".sha256");
  }
  // The run's manifest stays with its backup.
  std::smatch stamp;
  ASSERT_TRUE(std::regex_search(made, stamp, std::regex("(\\d{8}T\\d{6}Z)\\.sql\\.gz$")));
  expected.insert("daily/manifest-daily-" + stamp[1].str() + ".json");
  expected.insert("daily/manifest-daily-" + stamp[1].str() + ".json.sha256");
  EXPECT_EQ(daily, expected);
}

TEST_F(BackupLifecycleTest, CleanupWaitsForTheLockOfARunningBackupAndOnlyThenDeletes) {
  // With daily_retention = 1, a cleanup before the backup would keep the newer of these two; one
  // after it keeps only the new backup.
  std::string older = PlantBackup("daily", "20240101T000000Z");
  std::string newer = PlantBackup("daily", "20240102T000000Z");
  Settings settings;
  settings.daily_retention = "1";
  std::string config = WriteConfig(settings);
  std::vector<std::string> env = InstallGatedDump();

  pid_t backup =
      StartMysqlBackup({"-c", config, "--backup-type", "daily"}, dir_ / "backup.out", env);
  ASSERT_TRUE(WaitUntil([&] { return Exists(Note("started")); }))
      << ReadTextFile(dir_ / "backup.out");
  pid_t cleanup = StartMysqlBackup({"-c", config, "--cleanup"}, dir_ / "cleanup.out");
  ASSERT_TRUE(WaitUntil([&] {
    return Contains(ReadTextFile(dir_ / "cleanup.out"), "Waiting for another mysql-backup run");
  })) << ReadTextFile(dir_ / "cleanup.out");
  // The dump cannot go on until the test says so: the cleanup is still waiting, and has not
  // deleted anything.
  int status = 0;
  ASSERT_EQ(waitpid(cleanup, &status, WNOHANG), 0)
      << "the cleanup finished while a backup held the lock:\n"
      << ReadTextFile(dir_ / "cleanup.out");
  EXPECT_TRUE(Exists(older));
  EXPECT_TRUE(Exists(newer));

  WriteTextFile(Note("go"), "");
  EXPECT_EQ(WaitFor(backup), 0) << ReadTextFile(dir_ / "backup.out");
  EXPECT_EQ(WaitFor(cleanup), 0) << ReadTextFile(dir_ / "cleanup.out");

  std::smatch m;
  std::string backup_out = ReadTextFile(dir_ / "backup.out");
  ASSERT_TRUE(std::regex_search(backup_out, m, std::regex("daily backup OK: (/\\S+) ")))
      << backup_out;
  std::string made = m[1];
  EXPECT_TRUE(Exists(made));
  CliResult check = Sha256sumCheck(made);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_FALSE(Exists(older));
  EXPECT_FALSE(Exists(newer)) << "the cleanup ran before the backup was finished";
  // stdout and stderr share cleanup.out, so each line is there once, as the log writes it.
  EXPECT_EQ(Captured(ReadTextFile(dir_ / "cleanup.out"),
                     std::regex("mysql-backup: Deleted '([^']+)'")),
            (std::multiset<std::string>{older, newer}));
}

TEST_F(BackupLifecycleTest, CleanupGivesUpWithExit75WhenABackupHoldsTheLockPastLockTimeout) {
  std::string older = PlantBackup("daily", "20240101T000000Z");
  std::string newer = PlantBackup("daily", "20240102T000000Z");
  Settings settings;
  settings.daily_retention = "1";
  settings.lock_timeout = "1";
  std::string config = WriteConfig(settings);
  std::vector<std::string> env = InstallGatedDump();

  pid_t backup =
      StartMysqlBackup({"-c", config, "--backup-type", "daily"}, dir_ / "backup.out", env);
  ASSERT_TRUE(WaitUntil([&] { return Exists(Note("started")); }))
      << ReadTextFile(dir_ / "backup.out");
  CliResult r = RunMysqlBackup({"-c", config, "--cleanup"});
  EXPECT_EQ(r.exit_code, 75) << r.err;
  EXPECT_TRUE(Contains(r.err, backup_dir_ + "/.lock")) << r.err;
  EXPECT_TRUE(Contains(r.err, "lock_timeout")) << r.err;
  EXPECT_EQ(Captured(r.out, std::regex("Deleted '([^']+)'")), std::multiset<std::string>{});
  EXPECT_TRUE(Exists(older));
  EXPECT_TRUE(Exists(newer));

  WriteTextFile(Note("go"), "");
  EXPECT_EQ(WaitFor(backup), 0) << ReadTextFile(dir_ / "backup.out");
}

// --- List -----------------------------------------------------------------------------------

TEST_F(BackupLifecycleTest, ListPrintsATableNewestFirst) {
  std::vector<Listed> expected = PlantSome();
  CliResult r = RunMysqlBackup({"-c", WriteConfig(), "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), expected.size() + 1) << r.out;
  EXPECT_TRUE(std::regex_match(lines[0], std::regex("TYPE +DATABASE +CREATED +SIZE +PATH")))
      << lines[0];
  for (size_t i = 0; i < expected.size(); ++i) {
    const Listed& e = expected[i];
    EXPECT_TRUE(
        std::regex_match(lines[i + 1], std::regex(e.type + " +" + e.database + " +" + e.created +
                                                  " +[0-9.]+ (B|KiB|MiB) +" + e.path)))
        << "line " << i + 1 << ": " << lines[i + 1];
  }
}

TEST_F(BackupLifecycleTest, ListJsonIsTheContractsFieldsNewestFirstAndNothingElse) {
  std::string config = WriteConfig();
  CliResult empty = RunMysqlBackup({"-c", config, "--list", "--json"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "[]\n");

  std::vector<Listed> expected = PlantSome();
  CliResult r = RunMysqlBackup({"-c", config, "--list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Parsed as a script would: the whole of stdout must be one JSON document.
  std::string json = dir_ / "list.json";
  WriteTextFile(json, r.out);
  const char* kScript =
      "import json, sys\n"
      "doc = json.load(sys.stdin)\n"
      "assert isinstance(doc, list), type(doc)\n"
      "for o in doc:\n"
      "    keys = sorted(o)\n"
      "    assert keys == ['created', 'database', 'encrypted', 'kind', 'manifest', 'path',"
      " 'sha256', 'size', 'type'], keys\n"
      "    assert o['encrypted'] is False, o\n"
      "    assert o['kind'] == 'database', o\n"
      "    assert type(o['size']) is int, o\n"
      "    print('|'.join(str(o[k]) for k in "
      "('type', 'database', 'path', 'size', 'created', 'sha256')))\n";
  CliResult parsed =
      RunShell("/usr/bin/python3 -c " + ShellQuote(kScript) + " < " + ShellQuote(json));
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err << "\nstdout was:\n" << r.out;
  std::vector<std::string> got = Lines(parsed.out);
  ASSERT_EQ(got.size(), expected.size()) << parsed.out;
  for (size_t i = 0; i < expected.size(); ++i) {
    const Listed& e = expected[i];
    ASSERT_EQ(e.path[0], '/');
    std::string sha256 = ReadTextFile(e.path + ".sha256").substr(0, 64);
    EXPECT_EQ(got[i], e.type + "|" + e.database + "|" + e.path + "|" + std::to_string(e.size) +
                          "|" + e.created + "|" + sha256);
  }
}

// --- Verify ---------------------------------------------------------------------------------

TEST_F(BackupLifecycleTest, VerifyOfGoodBackupsIsExit0WithOneOkLineEach) {
  std::set<std::string> planted = {PlantBackup("daily", "20240310T000000Z"),
                                   PlantBackup("weekly", "20240303T000000Z"),
                                   PlantBackup("monthly", "20240301T000000Z")};
  CliResult r = RunMysqlBackup({"-c", WriteConfig(), "--verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::multiset<std::string> ok = Captured(r.out, std::regex("OK +(/\\S+)$"));
  EXPECT_EQ(ok, std::multiset<std::string>(planted.begin(), planted.end())) << r.out;
  EXPECT_EQ(Lines(r.out).size(), planted.size()) << r.out;
}

TEST_F(BackupLifecycleTest, VerifyCatchesEachKindOfDamageWithExit65AndSaysWhat) {
  std::string config = WriteConfig();
  std::string good = PlantBackup("daily", "20240310T000000Z");
  std::string bytes = ReadTextFile(good);

  std::string flipped = PlantBackup("daily", "20240301T000000Z");
  std::string damaged = bytes;
  damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0xff);
  WriteTextFile(flipped, damaged, 0640);

  std::string truncated = PlantBackup("daily", "20240302T000000Z");
  WriteTextFile(truncated, bytes.substr(0, bytes.size() / 2), 0640);

  std::string no_checksum = PlantBackup("daily", "20240303T000000Z", "awkward", false);

  std::string edited = PlantBackup("daily", "20240304T000000Z");
  std::string other_hex = backup_sha256_;
  other_hex[0] = other_hex[0] == '0' ? '1' : '0';
  WriteTextFile(edited + ".sha256", other_hex + "  " + BaseName(edited) + "\n", 0640);

  // A complete gzip stream of a dump cut before its trailer, with a checksum that matches: only
  // the trailer check can tell.
  std::string no_trailer = backup_dir_ + "/daily/awkward-daily-20240305T000000Z.sql.gz";
  CliResult cut = RunShell("gunzip -c " + ShellQuote(good) + " | head -n -3 | gzip -c > " +
                           ShellQuote(no_trailer));
  ASSERT_EQ(cut.exit_code, 0) << cut.err;
  ASSERT_NO_FATAL_FAILURE(RegenerateChecksum(no_trailer));
  EXPECT_EQ(Sha256sumCheck(no_trailer).exit_code, 0);
  EXPECT_EQ(RunShell("gunzip -t " + ShellQuote(no_trailer)).exit_code, 0);

  const struct {
    std::string path;
    std::vector<std::string> why;  // one of these must be in its FAILED line
  } kBad[] = {
      {flipped, {"does not match", "corrupt"}}, {truncated, {"truncated"}},
      {no_checksum, {".sha256' is missing"}},   {edited, {"does not match " + other_hex}},
      {no_trailer, {"Dump completed"}},
  };
  std::vector<std::string> args = {"-c", config, "--verify", good};
  for (const auto& b : kBad) args.push_back(b.path);
  for (bool all : {false, true}) {
    SCOPED_TRACE(all ? "--verify (all)" : "--verify FILE...");
    CliResult r = RunMysqlBackup(all ? std::vector<std::string>{"-c", config, "--verify"} : args);
    EXPECT_EQ(r.exit_code, 65) << r.err;
    std::vector<std::string> lines = Lines(r.out);
    EXPECT_EQ(lines.size(), 1 + std::size(kBad)) << r.out;
    EXPECT_EQ(Captured(r.out, std::regex("OK +(/\\S+)$")), std::multiset<std::string>{good})
        << r.out;
    for (const auto& b : kBad) {
      int found = 0;
      for (const auto& line : lines) {
        if (line.rfind("FAILED", 0) != 0 || !Contains(line, b.path + ":")) continue;
        ++found;
        bool says_why = false;
        for (const auto& w : b.why) says_why |= Contains(line, w);
        EXPECT_TRUE(says_why) << line;
      }
      EXPECT_EQ(found, 1) << b.path << " in:\n" << r.out;
    }
  }
}

// --- Restore --------------------------------------------------------------------------------

TEST_F(BackupLifecycleTest, RestoreAsTheRestoreAccountRoundTripsEqualToTheSource) {
  std::string copy = PlantBackup("daily", "20240310T000000Z");
  // The backup account only reads: without [restore] it cannot even create the database.
  std::string grants = server_->Sql("SHOW GRANTS FOR 'backup'@'127.0.0.1'");
  ASSERT_FALSE(Contains(grants, "CREATE") || Contains(grants, "ALL PRIVILEGES")) << grants;
  Settings no_restore;
  no_restore.restore_section = false;
  CliResult denied = RunMysqlBackup({"-c", WriteConfig(no_restore, "no-restore.conf"), "--restore",
                                     copy, "--target-database", "lc_as_backup_account"});
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_TRUE(Contains(denied.err, "Access denied for user 'backup'")) << denied.err;
  EXPECT_FALSE(DatabaseExists("lc_as_backup_account"));

  CliResult r = RunMysqlBackup(
      {"-c", WriteConfig(), "--restore", copy, "--target-database", "lc_round_trip"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Restored '" + copy + "' into database 'lc_round_trip'")) << r.out;
  EXPECT_EQ(source_fingerprint_, DatabaseFingerprint(*server_, "lc_round_trip"));
}

TEST_F(BackupLifecycleTest, RestoreRefusesACorruptBackupWith65BeforeTouchingTheServer) {
  std::string config = WriteConfig();
  std::string bytes = ReadTextFile(backup_);
  std::string flipped = PlantBackup("daily", "20240301T000000Z");
  std::string damaged = bytes;
  damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x01);
  WriteTextFile(flipped, damaged, 0640);
  std::string truncated = PlantBackup("daily", "20240302T000000Z");
  WriteTextFile(truncated, bytes.substr(0, bytes.size() / 2), 0640);
  std::string no_checksum = PlantBackup("daily", "20240303T000000Z", "awkward", false);
  // Any use of the client, for a query or the load, leaves a note.
  std::vector<std::string> env = InstallWrapper(
      "mariadb", RealClientProgram(), "touch \"$DIR/client-ran\"\nexec \"$REAL\" \"$@\"\n");
  for (const auto& path : {flipped, truncated, no_checksum}) {
    SCOPED_TRACE(path);
    CliResult r = RunMysqlBackup(
        {"-c", config, "--restore", path, "--target-database", "lc_corrupt_target"}, env);
    EXPECT_EQ(r.exit_code, 65) << r.err;
    EXPECT_TRUE(Contains(r.err, path)) << r.err;
    EXPECT_TRUE(Contains(r.err, "Refusing to restore")) << r.err;
    EXPECT_FALSE(Exists(Note("client-ran"))) << "the server was contacted";
    EXPECT_FALSE(DatabaseExists("lc_corrupt_target"));
  }
}

// A file its run's manifest lists had its stream proven while it was written: before the load
// only its SHA-256 is read again (the load decompresses it anyway). A damaged copy whose .sha256
// was rewritten to match no longer matches the manifest, so it gets the full check and is
// refused before the server is contacted.
TEST_F(BackupLifecycleTest, RestoreChecksOnlyTheDigestOfAListedFileAndRefusesARehashedDamagedOne) {
  const std::string copy = CopySuiteRun();
  std::string config = WriteConfig();
  CliResult good =
      RunMysqlBackup({"-c", config, "--restore", copy, "--target-database", "lc_listed"});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(Contains(good.err, "'" + copy + "' has the SHA-256 its run's manifest lists"))
      << good.err;
  EXPECT_EQ(DatabaseFingerprint(*server_, "lc_listed"), source_fingerprint_);

  std::string bytes = ReadTextFile(copy);
  WriteTextFile(copy, bytes.substr(0, bytes.size() / 2), 0640);
  ASSERT_NO_FATAL_FAILURE(RegenerateChecksum(copy));
  std::vector<std::string> env = InstallWrapper(
      "mariadb", RealClientProgram(), "touch \"$DIR/client-ran\"\nexec \"$REAL\" \"$@\"\n");
  CliResult r = RunMysqlBackup(
      {"-c", config, "--restore", copy, "--target-database", "lc_rehashed"}, env);
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_TRUE(Contains(r.err, "Refusing to restore")) << r.err;
  EXPECT_FALSE(Exists(Note("client-ran"))) << "the server was contacted";
  EXPECT_FALSE(DatabaseExists("lc_rehashed"));
}

// The manifest beside a backup is read only to spare the second decompression; one that is a
// FIFO, a link, or that lists another digest never hangs the restore or vouches for the file:
// the file then gets the full check, and loads.
TEST_F(BackupLifecycleTest, AHostileManifestBesideABackupOnlyMeansTheFullCheck) {
  const std::string copy = CopySuiteRun();
  const std::string daily = DirName(copy);
  std::string manifest;
  for (const auto& entry : fs::directory_iterator(daily)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("manifest-") && name.ends_with(".json")) manifest = name;
  }
  ASSERT_FALSE(manifest.empty());
  const std::string config = WriteConfig();
  WriteTextFile(dir_ / "outside.json", "{}", 0640);
  const std::string planted = daily + "/" + manifest;
  struct Case {
    const char* what;
    std::function<void()> plant;
  } cases[] = {
      {"a FIFO", [&] { ASSERT_EQ(mkfifo(planted.c_str(), 0640), 0); }},
      {"a link", [&] { fs::create_symlink(dir_ / "outside.json", planted); }},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    fs::remove(planted);
    c.plant();
    const std::string db = "lc_hostile_manifest_" + std::to_string(n++);
    auto start = std::chrono::steady_clock::now();
    CliResult r = RunMysqlBackup({"-c", config, "--restore", copy, "--target-database", db});
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.err, "'" + copy + "' was checked in full")) << r.err;
    EXPECT_EQ(DatabaseFingerprint(*server_, db), source_fingerprint_);
  }
}

TEST_F(BackupLifecycleTest, RestoreRefusesANonEmptyTargetUnlessForced) {
  std::string config = WriteConfig();
  std::string copy = PlantBackup("daily", "20240310T000000Z");
  CliResult first =
      RunMysqlBackup({"-c", config, "--restore", copy, "--target-database", "lc_force"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  server_->Sql(
      "UPDATE `many` SET `name` = 'changed by the user' WHERE `id` = 1; "
      "DELETE FROM `strings` WHERE `id` = 7; CREATE TABLE `mine` (`x` INT)",
      "lc_force");
  std::string changed = DatabaseFingerprint(*server_, "lc_force");
  ASSERT_NE(changed, source_fingerprint_);

  CliResult refused =
      RunMysqlBackup({"-c", config, "--restore", copy, "--target-database", "lc_force"});
  EXPECT_EQ(refused.exit_code, 64) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "'lc_force' already holds")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "--force")) << refused.err;
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(DatabaseFingerprint(*server_, "lc_force"), changed);

  CliResult forced =
      RunMysqlBackup({"-c", config, "--restore", copy, "--target-database", "lc_force", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  // The dump's tables are replaced; a table the dump does not know is the user's to drop.
  EXPECT_EQ(server_->Sql("SELECT COUNT(*) FROM `mine`", "lc_force"), "0\n");
  server_->Sql("DROP TABLE `mine`", "lc_force");
  EXPECT_EQ(DatabaseFingerprint(*server_, "lc_force"), source_fingerprint_);
}

// --- Restore drill --------------------------------------------------------------------------

TEST_F(BackupLifecycleTest, RestoreDrillPassesOnAGoodBackupAndDropsItsScratchDatabase) {
  PlantBackup("daily", "20240301T000000Z");
  std::string newest = PlantBackup("weekly", "20240310T000000Z");
  PlantBackup("monthly", "20240305T000000Z");
  CliResult r = RunMysqlBackup({"-c", WriteConfig(), "--restore-test"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      r.out, m,
      std::regex("Restore drill passed: '([^']+)' restores with (\\d+) tables, (\\d+) rows and "
                 "\\d+ views, routines, triggers and events as the dump holds them "
                 "\\([0-9.]+ s\\)\n")))
      << r.out;
  EXPECT_EQ(m[1], newest);
  EXPECT_EQ(m[2].str() + "\n",
            server_->Sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                         "'awkward' AND TABLE_TYPE = 'BASE TABLE'"));
  EXPECT_EQ(m[3].str() + "\n",
            server_->Sql("SELECT SUM(`row_count`) FROM `expected_rows`", "awkward"));
  EXPECT_EQ(ScratchDatabases(), "");
}

TEST_F(BackupLifecycleTest, RestoreDrillFailsWith65OnTamperedDataWithARegeneratedChecksum) {
  // One more row for `many` that the server skips: its id is taken. The dump inserts 20001 rows
  // by its text, the table holds 20000.
  std::string tampered = backup_dir_ + "/daily/awkward-daily-20240310T000000Z.sql.gz";
  fs::create_directories(DirName(tampered));
  const char* kScript =
      "import gzip, sys\n"
      "dump = gzip.open(sys.argv[1]).read()\n"
      "at = dump.rindex(b'\\n-- Dump completed')\n"
      "extra = b\"\\nINSERT IGNORE INTO `many` VALUES (1,'a row the server skips',NULL,NULL);\"\n"
      "with gzip.open(sys.argv[2], 'wb') as out:\n"
      "    out.write(dump[:at] + extra + dump[at:])\n";
  CliResult edit = RunShell("/usr/bin/python3 -c " + ShellQuote(kScript) + " " +
                            ShellQuote(backup_) + " " + ShellQuote(tampered));
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  ASSERT_NO_FATAL_FAILURE(RegenerateChecksum(tampered));
  std::string config = WriteConfig();
  CliResult verify = RunMysqlBackup({"-c", config, "--verify", tampered});
  ASSERT_EQ(verify.exit_code, 0) << "the checksum must not be what catches it: " << verify.out;

  CliResult r = RunMysqlBackup({"-c", config, "--restore-test", tampered});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_TRUE(Contains(r.err, "Restore drill FAILED for '" + tampered + "': 1 difference(s)"))
      << r.err;
  EXPECT_TRUE(
      Contains(r.err, "table 'many': the dump inserts 20001 rows, the restored table has 20000"))
      << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ScratchDatabases(), "");
}

TEST_F(BackupLifecycleTest, RestoreDrillInterruptedBySigtermStopsTheLoadAndDropsItsScratch) {
  std::string copy = PlantBackup("daily", "20240310T000000Z");
  std::vector<std::string> env = InstallStalledLoadClient();
  std::string out = dir_ / "drill.out";
  pid_t pid = StartMysqlBackup({"-c", WriteConfig(), "--restore-test"}, out, env);
  bool loading = WaitUntil([&] { return Exists(Note("loading")); });
  std::string scratch = ScratchDatabases();
  kill(pid, SIGTERM);
  int code = WaitFor(pid);
  ASSERT_TRUE(loading) << ReadTextFile(out);
  EXPECT_TRUE(std::regex_match(scratch, std::regex("mysql_backup_drill_\\S+\n"))) << scratch;

  // Stopped, not waited out; and an interruption says nothing bad about the backup (not 65).
  EXPECT_EQ(code, 70) << ReadTextFile(out);
  EXPECT_TRUE(Contains(ReadTextFile(out), "Interrupted")) << ReadTextFile(out);
  EXPECT_FALSE(Exists(Note("slept-through")));
  EXPECT_EQ(ScratchDatabases(), "");
  EXPECT_TRUE(
      WaitUntil([&] { return ProcessesMentioning(dir_.path()).empty(); }, std::chrono::seconds(10)))
      << "still running: " << ProcessesMentioning(dir_.path()).size() << " process(es)";
}

TEST_F(BackupLifecycleTest, RestoreDrillDropsTheScratchDatabaseAKilledDrillLeftAndSaysSo) {
  PlantBackup("daily", "20240310T000000Z");
  std::string config = WriteConfig();
  // Another database's drill leftovers are not ours to drop.
  server_->Sql("CREATE DATABASE `mysql_backup_drill_00000000_20240101T000000Z_1`");

  std::string out = dir_ / "killed.out";
  pid_t pid = StartMysqlBackup({"-c", config, "--restore-test"}, out, InstallStalledLoadClient());
  bool loading = WaitUntil([&] { return Exists(Note("loading")); });
  kill(pid, SIGKILL);
  EXPECT_EQ(WaitFor(pid), 128 + SIGKILL);
  ASSERT_TRUE(loading) << ReadTextFile(out);
  for (pid_t p : ProcessesMentioning(dir_.path())) kill(p, SIGKILL);
  std::vector<std::string> left = Lines(ScratchDatabases());
  ASSERT_EQ(left.size(), 2u) << ScratchDatabases();
  std::string leftover =
      left[0] == "mysql_backup_drill_00000000_20240101T000000Z_1" ? left[1] : left[0];

  CliResult r = RunMysqlBackup({"-c", config, "--restore-test"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "Dropping '" + leftover + "', left by an interrupted restore drill"))
      << r.err;
  EXPECT_EQ(ScratchDatabases(), "mysql_backup_drill_00000000_20240101T000000Z_1\n");
  server_->Sql("DROP DATABASE `mysql_backup_drill_00000000_20240101T000000Z_1`");
}

}  // namespace
}  // namespace mysql_backup::testing
