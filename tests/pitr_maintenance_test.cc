// The binlog archive after it is made: cleanup deletes exactly the archived binlogs no kept
// dump needs, the restore drill checks the chain from the newest dump's position, a first
// archiving run that cannot reach back to the newest dump says so (65), and --check judges the
// archive's lag against [pitr] max_lag. Real MariaDB with binary logging; the --check tests plant
// an archive (sidecars with chosen times) and need no server.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "binlog/binlog_reader.h"
#include "storage/manifest.h"
#include "support/cli_runner.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

uint64_t Number(const std::string& binlog_name) {
  std::string base;
  uint64_t n = 0;
  EXPECT_TRUE(SplitBinlogName(binlog_name, &base, &n)) << binlog_name;
  return n;
}

class PitrMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status s = server_.Start({"--log-bin=mysql-bin", "--server-id=1", "--binlog-format=ROW",
                              "--max-binlog-size=4096"});
    ASSERT_TRUE(s.ok()) << s.ToString();
    server_.Sql(
        "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'backup'@'127.0.0.1';"
        "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'backup'@'localhost';"
        "CREATE DATABASE shop; CREATE TABLE shop.t (id INT AUTO_INCREMENT PRIMARY KEY, "
        "v VARCHAR(200));");
    backup_dir_ = dir_ / "backups";
    fs::create_directories(backup_dir_);
    WriteConfig("7");
  }

  void WriteConfig(const std::string& daily_retention) {
    config_ = dir_ / "mysql_backup.conf";
    std::string port = std::to_string(server_.port());
    WriteTextFile(config_, "[database]\nhost = 127.0.0.1\nport = " + port +
                               "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword +
                               "\ndatabase = shop\n\n[backup]\nbackup_dir = " + backup_dir_ +
                               "\ndaily_retention = " + daily_retention +
                               "\n\n[restore]\nhost = 127.0.0.1\nport = " + port +
                               "\nuser = " + MariaDbServer::kRestoreUser +
                               "\npassword = " + MariaDbServer::kRestorePassword +
                               "\n\n[pitr]\nenabled = yes\n");
  }

  void Insert(int rows) {
    std::string sql;
    for (int i = 0; i < rows; ++i) sql += "INSERT INTO shop.t (v) VALUES (REPEAT('x', 150));";
    server_.Sql(sql);
  }

  std::vector<std::string> ServerLogs() {
    std::vector<std::string> out;
    std::istringstream in(server_.Sql("SHOW BINARY LOGS"));
    for (std::string line; std::getline(in, line);) out.push_back(line.substr(0, line.find('\t')));
    return out;
  }

  CliResult Run(const std::vector<std::string>& action) {
    std::vector<std::string> args = {"--config", config_};
    args.insert(args.end(), action.begin(), action.end());
    return RunMysqlBackup(args);
  }

  // A daily backup, one second after the previous one (backups are named to the second); the
  // binlog file of the position its manifest records.
  std::string Backup() {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    std::set<std::string> before = Manifests();
    CliResult r = Run({"--backup-type", "daily"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    for (const auto& m : Manifests()) {
      if (before.count(m)) continue;
      auto parsed = ParseManifest(ReadTextFile(m));
      EXPECT_TRUE(parsed.ok()) << m;
      if (!parsed.ok() || parsed->files.empty() || !parsed->files[0].binlog) {
        ADD_FAILURE() << "no binlog position in '" << m << "'";
        return "";
      }
      return parsed->files[0].binlog->file;
    }
    ADD_FAILURE() << "no new manifest";
    return "";
  }

  std::set<std::string> Manifests() const {
    std::set<std::string> out;
    if (!fs::exists(backup_dir_ + "/daily")) return out;
    for (const auto& e : fs::directory_iterator(backup_dir_ + "/daily")) {
      std::string n = e.path().filename().string();
      if (n.rfind("manifest-", 0) == 0 && n.ends_with(".json")) out.insert(e.path().string());
    }
    return out;
  }

  // The binlog names with a sidecar in the archive, and those with any file at all.
  std::set<std::string> Archived(bool any_file = false) const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(Archive())) {
      std::string n = e.path().filename().string();
      std::smatch m;
      if (std::regex_match(n, m, std::regex(R"((mysql-bin\.\d+)\.json)")) ||
          (any_file && std::regex_match(n, m, std::regex(R"((mysql-bin\.\d+)\.gz(\.sha256)?)")))) {
        out.insert(m[1].str());
      }
    }
    return out;
  }

  std::string Archive() const { return backup_dir_ + "/binlog/1"; }

  MariaDbServer server_;
  TempDir dir_;
  std::string backup_dir_;
  std::string config_;
};

TEST_F(PitrMaintenanceTest, CleanupKeepsExactlyTheBinlogsThatTheKeptDumpsNeed) {
  Insert(10);
  server_.Sql("FLUSH BINARY LOGS");  // so that some archived files precede every dump
  Insert(10);
  std::string first = Backup();
  server_.Sql("FLUSH BINARY LOGS");
  Insert(10);
  std::string second = Backup();
  server_.Sql("FLUSH BINARY LOGS");
  Insert(10);
  std::string third = Backup();
  server_.Sql("FLUSH BINARY LOGS");
  Insert(3);
  ASSERT_LT(Number(first), Number(second));
  ASSERT_LT(Number(second), Number(third));
  CliResult r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> archived = Archived();
  ASSERT_TRUE(archived.count(first)) << "the archive starts with everything the server has";

  // All three dumps kept: the oldest one's file and everything after it are needed, and the
  // files before it are not.
  std::set<std::string> before_first, from_second;
  for (const auto& a : archived) {
    if (Number(a) < Number(first)) before_first.insert(a);
    if (Number(a) >= Number(second)) from_second.insert(a);
  }
  ASSERT_FALSE(before_first.empty()) << "the test needs files before the first dump";
  r = Run({"--cleanup"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> expected;
  for (const auto& a : archived) {
    if (Number(a) >= Number(first)) expected.insert(a);
  }
  EXPECT_EQ(Archived(true), expected) << r.out;
  EXPECT_NE(r.out.find("keeping '" + first + "'"), std::string::npos) << r.out;

  // Two dumps kept: the first goes, and with it the binlogs only it needed. The dry run names
  // exactly the files the cleanup then deletes.
  WriteConfig("2");
  CliResult dry = Run({"--cleanup", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  std::set<std::string> would, deleted;
  std::regex would_re("Would delete '" + Archive() + R"(/(mysql-bin\.\d+)\.gz')");
  std::regex deleted_re("Deleted '" + Archive() + R"(/(mysql-bin\.\d+)\.gz')");
  for (std::sregex_iterator it(dry.out.begin(), dry.out.end(), would_re), end; it != end; ++it) {
    would.insert((*it)[1].str());
  }
  r = Run({"--cleanup"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), deleted_re), end; it != end; ++it) {
    deleted.insert((*it)[1].str());
  }
  std::set<std::string> needed_gone;
  for (const auto& a : expected) {
    if (Number(a) < Number(second)) needed_gone.insert(a);
  }
  EXPECT_FALSE(needed_gone.empty());
  EXPECT_EQ(would, needed_gone) << dry.out;
  EXPECT_EQ(deleted, needed_gone) << r.out;
  EXPECT_EQ(Archived(true), from_second) << r.out;
  EXPECT_EQ(Manifests().size(), 2u);

  // What is left verifies, and archiving goes on from where it was.
  CliResult verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // What a cleanup killed after removing a sidecar leaves: data without a sidecar, which does
  // not count as archived (--verify passes) and goes with the next cleanup.
  const std::string debris = Archive() + "/mysql-bin.000001.gz";
  WriteTextFile(debris, "not a gzip stream", 0640);
  ASSERT_EQ(RunShell("cd " + ShellQuote(Archive()) +
                     " && sha256sum mysql-bin.000001.gz > mysql-bin.000001.gz.sha256").exit_code,
            0);
  verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  r = Run({"--cleanup"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Deleted '" + debris + "'"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(debris));
  EXPECT_FALSE(fs::exists(debris + ".sha256"));
  EXPECT_EQ(Archived(true), from_second) << r.out;
  Insert(3);
  server_.Sql("FLUSH BINARY LOGS");
  r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(PitrMaintenanceTest, CleanupDeletesNoBinlogWhenNoKeptDumpHasAPosition) {
  Insert(20);
  server_.Sql("FLUSH BINARY LOGS");
  Insert(3);
  CliResult r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> archived = Archived();
  ASSERT_GE(archived.size(), 2u);
  r = Run({"--cleanup"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Archived(true), archived);
  EXPECT_NE(r.out.find("no kept dump records a binlog position"), std::string::npos) << r.out;
}

TEST_F(PitrMaintenanceTest, TheDrillChecksTheChainFromTheNewestDumpAndFailsOnACorruptFile) {
  Insert(5);
  std::string from = Backup();
  for (int i = 0; i < 3; ++i) {
    Insert(10);
    server_.Sql("FLUSH BINARY LOGS");
  }
  CliResult r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Run({"--restore-test"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Binlog chain check passed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'" + from + ":"), std::string::npos) << r.out;

  // A file after the dump's position, changed in the middle and given a matching .sha256: only
  // decoding it (its CRC32s) shows the damage.
  std::vector<std::string> after;
  for (const auto& a : Archived()) {
    if (Number(a) > Number(from)) after.push_back(a);
  }
  ASSERT_FALSE(after.empty());
  const std::string victim = after[0];
  const std::string gz = Archive() + "/" + victim + ".gz";
  CliResult bad = RunShell(
      "set -e; cd " + ShellQuote(Archive()) + "; gzip -dc " + victim + ".gz > x.bin; "
      "size=$(stat -c %s x.bin); printf '\\377\\377\\377\\377' | dd of=x.bin bs=1 "
      "seek=$((size / 2)) conv=notrunc status=none; gzip -nc x.bin > " + victim + ".gz; rm x.bin; "
      "sha256sum " + victim + ".gz > " + victim + ".gz.sha256");
  ASSERT_EQ(bad.exit_code, 0) << bad.err;
  r = Run({"--restore-test"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find(gz), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Binlog chain check"), std::string::npos) << r.err;
}

TEST_F(PitrMaintenanceTest, TheDrillFailsWhenTheArchiveMissesAFileAfterTheNewestDump) {
  Insert(5);
  std::string from = Backup();
  for (int i = 0; i < 3; ++i) {
    Insert(10);
    server_.Sql("FLUSH BINARY LOGS");
  }
  CliResult r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> after;
  for (const auto& a : Archived()) {
    if (Number(a) > Number(from)) after.push_back(a);
  }
  ASSERT_GE(after.size(), 2u);
  // A file lost from the middle of the chain (all three of its files).
  const std::string lost = after[0];
  for (const char* suffix : {".json", ".gz.sha256", ".gz"}) {
    fs::remove(Archive() + "/" + lost + suffix);
  }
  r = Run({"--restore-test"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("'" + lost + "'"), std::string::npos) << r.err;
}

TEST_F(PitrMaintenanceTest, AFirstArchiveRunThatCannotReachTheNewestDumpIsAGap) {
  Insert(5);
  std::string dumped_in = Backup();
  server_.Sql("FLUSH BINARY LOGS");
  Insert(5);
  server_.Sql("FLUSH BINARY LOGS");
  std::string newest = ServerLogs().back();
  // The server keeps a file until InnoDB's binlog checkpoint has passed it: purge until it is
  // really gone.
  for (int i = 0; i < 100 && ServerLogs().front() != newest; ++i) {
    server_.Sql("PURGE BINARY LOGS TO '" + newest + "'");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(ServerLogs().front(), newest);

  CliResult r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("gap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'" + dumped_in + "'"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(Archive() + "/gaps.json"));
  EXPECT_NE(ReadTextFile(Archive() + "/gaps.json").find(dumped_in), std::string::npos);

  // The archive itself goes on; a new dump re-anchors point-in-time recovery and the drill's
  // chain check passes again.
  Insert(5);
  server_.Sql("FLUSH BINARY LOGS");
  r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  CliResult drill = Run({"--restore-test"});
  EXPECT_EQ(drill.exit_code, 65) << drill.out << drill.err;  // the newest dump predates the gap
  Backup();
  Insert(5);
  server_.Sql("FLUSH BINARY LOGS");
  r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  drill = Run({"--restore-test"});
  EXPECT_EQ(drill.exit_code, 0) << drill.out << drill.err;
}

TEST_F(PitrMaintenanceTest, EntriesThatAreNotOursAreLeftAloneByCleanupAndRefusedByDrillAndRestore) {
  Insert(5);
  Backup();
  for (int i = 0; i < 2; ++i) {
    Insert(10);
    server_.Sql("FLUSH BINARY LOGS");
  }
  CliResult r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The archiver replaces its partial copy each run, and removes only its own files there.
  const std::string outside = dir_ / "outside.gz";
  WriteTextFile(outside, "not the archive's", 0640);
  WriteTextFile(Archive() + "/partial/notes.txt", "mine", 0640);
  fs::create_symlink(outside, Archive() + "/partial/mysql-bin.000000.gz");
  Insert(5);
  server_.Sql("FLUSH BINARY LOGS");
  r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Exists(Archive() + "/partial/notes.txt"));
  EXPECT_TRUE(Exists(Archive() + "/partial/mysql-bin.000000.gz"));
  fs::remove(Archive() + "/partial/mysql-bin.000000.gz");
  // An old name (before every dump) whose data is a link to a file outside, a FIFO under
  // another old name, and a garbage sidecar.
  fs::create_symlink(outside, Archive() + "/mysql-bin.000000.gz");
  ASSERT_EQ(RunShell("mkfifo " + ShellQuote(Archive() + "/mysql-bin.000000.gz.sha256")).exit_code, 0);
  WriteTextFile(Archive() + "/mysql-bin.999999.json", "{\"file\": 1}", 0640);
  // A folder under a binlog's name, and a link where a server's folder belongs.
  fs::create_directory(Archive() + "/mysql-bin.888888.gz");
  fs::create_directory(dir_ / "elsewhere");
  WriteTextFile(dir_ / "elsewhere/mysql-bin.000001.gz", "kept", 0640);
  fs::create_symlink(dir_ / "elsewhere", fs::path(Archive()).parent_path() / "77");

  r = Run({"--cleanup"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("'" + Archive() + "/mysql-bin.000000.gz' is a symbolic link"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'" + Archive() + "/mysql-bin.999999.json': file not a string"),
            std::string::npos) << r.err;
  EXPECT_EQ(ReadTextFile(outside), "not the archive's");
  EXPECT_TRUE(Exists(Archive() + "/mysql-bin.000000.gz"));
  EXPECT_TRUE(Exists(Archive() + "/mysql-bin.000000.gz.sha256"));
  EXPECT_NE(r.err.find("'" + Archive() + "/mysql-bin.888888.gz' is a directory"), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::is_directory(Archive() + "/mysql-bin.888888.gz"));
  EXPECT_EQ(ReadTextFile(dir_ / "elsewhere/mysql-bin.000001.gz"), "kept");

  // --verify counts each entry as a failure, names it, and says so in its exit status.
  r = Run({"--verify"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  const std::string said = r.out + r.err;
  EXPECT_NE(said.find("mysql-bin.000000.gz.sha256' is a FIFO"), std::string::npos) << said;
  EXPECT_NE(said.find("mysql-bin.000000.gz' is a symbolic link"), std::string::npos) << said;
  EXPECT_NE(said.find("mysql-bin.888888.gz' is a directory"), std::string::npos) << said;
  EXPECT_NE(said.find("binlog/77' is a symbolic link where a server's archive folder belongs"),
            std::string::npos) << said;
  EXPECT_EQ(ReadTextFile(outside), "not the archive's");

  r = Run({"--restore-test"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("mysql-bin.000000.gz.sha256' is a FIFO"), std::string::npos) << r.err;

  r = Run({"--restore", "latest", "--until", "end"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("mysql-bin.999999.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was loaded"), std::string::npos) << r.err;
}

// --check and the metrics file against a planted archive: sidecars with chosen times.
class BinlogCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backup_dir_ = dir_ / "backups";
    textfile_ = dir_ / "textfile";
    fs::create_directories(backup_dir_);
    fs::create_directories(textfile_);
    config_ = dir_ / "backup.conf";
    WriteTextFile(config_, "[database]\nuser = backup\ndatabase = shop\n\n[backup]\nbackup_dir = " +
                               backup_dir_ + "\n\n[monitoring]\nmetrics_file = " + textfile_ +
                               "/mysql_backup.prom\nmax_age_daily = 0\nmax_age_weekly = 0\n"
                               "max_age_monthly = 0\n\n[pitr]\nenabled = yes\nmax_lag = 10m\n");
  }

  static std::string Iso(std::time_t t) {
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  void PlantSidecar(const std::string& folder, const std::string& name, bool complete,
                    std::time_t last_event, std::time_t archived) {
    fs::create_directories(folder);
    WriteTextFile(folder + "/" + name + ".json",
                  "{\"file\": \"" + name + "\", \"complete\": " + (complete ? "true" : "false") +
                      ", \"size\": 1000, \"first_event_time\": \"" + Iso(last_event - 60) +
                      "\", \"last_event_time\": \"" + Iso(last_event) +
                      "\", \"last_gtid\": null, \"gtid_state_start\": \"\", "
                      "\"gtid_state_end\": \"\", \"next_file\": null, \"archived\": \"" +
                      Iso(archived) + "\"}\n",
                  0640);
  }

  std::string Metrics() const { return ReadTextFile(textfile_ + "/mysql_backup.prom"); }

  TempDir dir_;
  std::string backup_dir_, textfile_, config_;
};

TEST_F(BinlogCheckTest, CheckJudgesTheArchiveLagAndTheMetricsFileSaysIt) {
  const std::time_t now = std::time(nullptr);
  const std::string archive = backup_dir_ + "/binlog/1";
  // No archive at all: CRITICAL.
  CliResult r = RunMysqlBackup({"-c", config_, "--check"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("STALE: no archived binary log in '" + backup_dir_ + "/binlog'"),
            std::string::npos) << r.out;

  // An archiver that stopped three hours ago.
  const std::time_t stopped = now - 3 * 3600 - 30;
  PlantSidecar(archive, "mysql-bin.000007", true, stopped - 600, stopped - 600);
  PlantSidecar(archive + "/partial", "mysql-bin.000008", false, stopped - 5, stopped);
  r = RunMysqlBackup({"-c", config_, "--check"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("CRITICAL: the binlog archive is 3 hours behind", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("STALE: binlog archive '" + archive + "' is 3 hours behind (limit 10 min)"),
            std::string::npos) << r.out;
  std::string labels = "{config=\"" + config_ + "\",server_id=\"1\"}";
  std::string metrics = Metrics();
  EXPECT_NE(metrics.find("mysql_backup_binlog_last_event_timestamp_seconds" + labels + " " +
                         std::to_string(stopped - 5) + "\n"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("mysql_backup_binlog_recovery_point_timestamp_seconds" + labels + " " +
                         std::to_string(stopped) + "\n"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("# TYPE mysql_backup_binlog_last_event_timestamp_seconds gauge"),
            std::string::npos);
  if (RunShell("command -v promtool >/dev/null").exit_code == 0) {
    CliResult lint = RunShell("promtool check metrics < " + ShellQuote(textfile_ + "/mysql_backup.prom") + " 2>&1");
    EXPECT_EQ(lint.exit_code, 0) << lint.out << metrics;
  }

  // An idle server: its newest event is old, but the active file was copied a minute ago, so
  // nothing written since is missing.
  PlantSidecar(archive + "/partial", "mysql-bin.000008", false, stopped - 5, now - 60);
  r = RunMysqlBackup({"-c", config_, "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK: binlog archive '" + archive + "' is 1 min behind (limit 10 min)"),
            std::string::npos) << r.out;

  // A run refreshing the copy right now: the sidecar is gone for a moment, the copy it
  // replaces (written a minute ago) still counts.
  fs::remove(archive + "/partial/mysql-bin.000008.json");
  WriteTextFile(archive + "/partial/mysql-bin.000008.gz", "old copy", 0640);
  ASSERT_EQ(RunShell("touch -d @" + std::to_string(now - 60) + " " +
                     ShellQuote(archive + "/partial/mysql-bin.000008.gz")).exit_code, 0);
  r = RunMysqlBackup({"-c", config_, "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK: binlog archive '" + archive + "' is 1 min behind"), std::string::npos)
      << r.out;

  // max_lag = 0: not checked.
  std::string text = ReadTextFile(config_);
  text.replace(text.find("max_lag = 10m"), 13, "max_lag = 0");
  WriteTextFile(config_, text);
  PlantSidecar(archive + "/partial", "mysql-bin.000008", false, stopped - 5, stopped);
  r = RunMysqlBackup({"-c", config_, "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("binlog archive"), std::string::npos) << r.out;
}

TEST_F(BinlogCheckTest, AnEntryThatIsNotOursIsAWarningNamingItAndNeverBlocks) {
  const std::time_t now = std::time(nullptr);
  const std::string archive = backup_dir_ + "/binlog/1";
  PlantSidecar(archive, "mysql-bin.000007", true, now - 60, now - 60);
  PlantSidecar(archive + "/partial", "mysql-bin.000008", false, now - 5, now - 5);
  // A FIFO where a sidecar belongs: opening it for reading would wait for a writer for ever.
  ASSERT_EQ(RunShell("mkfifo " + ShellQuote(archive + "/mysql-bin.000006.json")).exit_code, 0);
  CliResult r = RunMysqlBackup({"-c", config_, "--check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("WARNING: the binlog archive holds 1 entry that mysql-backup did not write", 0),
            0u) << r.out;
  EXPECT_NE(r.out.find("NOT OURS: '" + archive + "/mysql-bin.000006.json' is a FIFO"),
            std::string::npos) << r.out;
  // The freshness verdict still comes from the files that are ours.
  EXPECT_NE(r.out.find("OK: binlog archive '" + archive + "' is"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mysql_backup::testing
