// Point-in-time restore end to end: a source MariaDB with binary logging (ROW, small
// max_binlog_size so the span crosses several files), a whole-server backup, writes after it,
// a DELETE of everything, the archive; then --restore latest --until ... into a SECOND fresh
// MariaDB (binary logging and gtid_strict_mode on, as a rebuilt primary would have) and what a
// user would check there: the rows, and @@gtid_binlog_pos.
//
// The transactions after the dump carry timestamps set with SET TIMESTAMP (as replication
// does), an hour apart: the cut by time is then exact without any sleeping, and one wall-clock
// time read in two zones an hour apart lands in two different, known states.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSourceArgs = {"--log-bin=mysql-bin", "--server-id=1",
                                              "--binlog-format=ROW", "--max-binlog-size=4096"};
const std::vector<std::string> kTargetArgs = {"--log-bin=mysql-bin", "--server-id=2",
                                              "--binlog-format=ROW", "--gtid-strict-mode=1"};

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// "YYYY-MM-DD HH:MM:SS" of `t` in UTC.
std::string UtcWall(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string InsertRows(int from, int to) {
  std::string sql;
  for (int i = from; i <= to; ++i) {
    sql += "INSERT INTO shop.t VALUES (" + std::to_string(i) + ", REPEAT('x', 150));";
  }
  return sql;
}

std::string Ids(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

std::string SourceConfig(const MariaDbServer& source, const std::string& backup_dir) {
  return "[database]\nhost = 127.0.0.1\nport = " + std::to_string(source.port()) +
         "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword +
         "\ndatabases = shop\n\n[backup]\nbackup_dir = " + backup_dir +
         "\nmysqldump_options = --single-transaction --routines --events --triggers\n\n"
         "[pitr]\nenabled = yes\n";
}

Status PrepareSource(MariaDbServer* source) {
  Status s = source->Start(kSourceArgs);
  if (!s.ok()) return s;
  auto r = source->TrySql(
      "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'backup'@'127.0.0.1';"
      "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'backup'@'localhost';"
      "CREATE DATABASE shop; CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(200));" +
      InsertRows(1, 5));
  return r.ok() ? Status::Ok() : r.status();
}

class PitrRestoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = std::make_unique<MariaDbServer>();
    target_ = std::make_unique<MariaDbServer>();
    dir_ = std::make_unique<TempDir>();
    start_ = PrepareSource(source_.get());
    if (start_.ok()) start_ = target_->Start(kTargetArgs);
    if (!start_.ok()) return;
    backup_dir_ = *dir_ / "backups";
    fs::create_directories(backup_dir_);
    config_ = *dir_ / "source.conf";
    WriteTextFile(config_, SourceConfig(*source_, backup_dir_) + "\n[restore]\nsocket = " +
                               target_->socket() + "\nuser = root\npassword =\n");
    CliResult backup = RunMysqlBackup({"-c", config_, "--backup-type", "daily"});
    if (backup.exit_code != 0) {
      start_ = Status(ErrorKind::kProcess, "backup failed: " + backup.out + backup.err);
      return;
    }
    // After the dump: 6-10 at base, a new binlog file, 11-15 an hour later, then everything
    // deleted another hour later and one row (99) written after the mistake.
    base_ = std::time(nullptr) + 600;
    auto step = [](const std::string& sql) {
      auto r = source_->TrySql(sql);
      return r.ok() ? Trim(*r) : std::string("ERROR ") + r.status().message();
    };
    step("SET TIMESTAMP = " + std::to_string(base_) + ";" + InsertRows(6, 10));
    gtid_after_10_ = step("SELECT @@gtid_binlog_pos");
    step("FLUSH BINARY LOGS");
    step("SET TIMESTAMP = " + std::to_string(base_ + 3600) + ";" + InsertRows(11, 15));
    gtid_after_15_ = step("SELECT @@gtid_binlog_pos");
    step("SET TIMESTAMP = " + std::to_string(base_ + 7200) + "; DELETE FROM shop.t;");
    step("SET TIMESTAMP = " + std::to_string(base_ + 7201) +
         "; INSERT INTO shop.t VALUES (99, 'after the mistake');");
    gtid_end_ = step("SELECT @@gtid_binlog_pos");
    CliResult archive = RunMysqlBackup({"-c", config_, "--archive-binlogs"});
    if (archive.exit_code != 0) {
      start_ = Status(ErrorKind::kProcess, "archive failed: " + archive.out + archive.err);
    }
  }
  static void TearDownTestSuite() {
    source_.reset();
    target_.reset();
    dir_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(start_.ok()) << start_.ToString();
    // The target as a server being rebuilt: empty, and its binary log reset.
    target_->Sql("DROP DATABASE IF EXISTS shop; RESET MASTER;");
  }

  CliResult Restore(const std::vector<std::string>& until) {
    std::vector<std::string> args = {"-c", config_, "--restore", "latest"};
    args.insert(args.end(), until.begin(), until.end());
    return RunMysqlBackup(args);
  }
  std::string TargetIds() {
    return Trim(target_->Sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.t"));
  }
  std::string TargetGtid() { return Trim(target_->Sql("SELECT @@gtid_binlog_pos")); }
  bool TargetHasShop() {
    return Trim(target_->Sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                             "SCHEMA_NAME = 'shop'")) == "1";
  }

  static std::unique_ptr<MariaDbServer> source_;
  static std::unique_ptr<MariaDbServer> target_;
  static std::unique_ptr<TempDir> dir_;
  static Status start_;
  static std::string backup_dir_, config_;
  static std::time_t base_;
  static std::string gtid_after_10_, gtid_after_15_, gtid_end_;
};

std::unique_ptr<MariaDbServer> PitrRestoreTest::source_;
std::unique_ptr<MariaDbServer> PitrRestoreTest::target_;
std::unique_ptr<TempDir> PitrRestoreTest::dir_;
Status PitrRestoreTest::start_;
std::string PitrRestoreTest::backup_dir_, PitrRestoreTest::config_;
std::time_t PitrRestoreTest::base_ = 0;
std::string PitrRestoreTest::gtid_after_10_, PitrRestoreTest::gtid_after_15_,
    PitrRestoreTest::gtid_end_;

TEST_F(PitrRestoreTest, ToAMomentBeforeTheDeleteBringsBackEveryRowAndTheGtidState) {
  CliResult r = Restore({"--until", UtcWall(base_ + 7199), "--timezone", "UTC"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(TargetIds(), Ids(1, 15));
  EXPECT_EQ(TargetGtid(), gtid_after_15_);
  EXPECT_NE(r.out.find("GTID " + gtid_after_15_), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(UtcWall(base_ + 3600)), std::string::npos) << r.out;
}

TEST_F(PitrRestoreTest, OneWallClockTimeInTwoZonesGivesTwoCorrectStates) {
  // base+1800 in UTC; the same wall clock in Etc/GMT+1 (UTC-1) is base+5400.
  std::string wall = UtcWall(base_ + 1800);
  CliResult utc = Restore({"--until", wall, "--timezone", "UTC"});
  ASSERT_EQ(utc.exit_code, 0) << utc.out << utc.err;
  EXPECT_EQ(TargetIds(), Ids(1, 10));
  EXPECT_EQ(TargetGtid(), gtid_after_10_);

  target_->Sql("DROP DATABASE shop; RESET MASTER;");
  CliResult west = Restore({"--until", wall, "--timezone", "Etc/GMT+1"});
  ASSERT_EQ(west.exit_code, 0) << west.out << west.err;
  EXPECT_EQ(TargetIds(), Ids(1, 15));
  EXPECT_EQ(TargetGtid(), gtid_after_15_);
}

TEST_F(PitrRestoreTest, ByGtidUpToAndIncludingIt) {
  CliResult r = Restore({"--until-gtid", gtid_after_10_});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(TargetIds(), Ids(1, 10));
  EXPECT_EQ(TargetGtid(), gtid_after_10_);
}

TEST_F(PitrRestoreTest, UntilEndReplaysEverythingArchivedIncludingThePartialFile) {
  CliResult r = Restore({"--until", "end"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(TargetIds(), "99");
  EXPECT_EQ(TargetGtid(), gtid_end_);
}

TEST_F(PitrRestoreTest, ATargetPastTheArchiveIsRefusedWithTheReachableMoment) {
  CliResult r = Restore({"--until", UtcWall(base_ + 9000), "--timezone", "UTC"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("latest moment reachable"), std::string::npos) << r.err;
  // The reachable moment: the archive's last event (here a binlog checkpoint the server wrote
  // at its own clock, after the last transaction) and the last GTID.
  EXPECT_NE(r.err.find("GTID " + gtid_end_), std::string::npos) << r.err;
  EXPECT_FALSE(TargetHasShop());
}

TEST_F(PitrRestoreTest, AGtidTheArchiveDoesNotHoldIsRefusedBeforeLoading) {
  CliResult r = Restore({"--until-gtid", "0-1-999999"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find(gtid_end_), std::string::npos) << r.err;
  EXPECT_FALSE(TargetHasShop());
}

TEST_F(PitrRestoreTest, ATargetWhoseBinlogIsAheadIsRefusedBeforeLoading) {
  target_->Sql("SET gtid_seq_no = 1000000; CREATE DATABASE ahead; DROP DATABASE ahead;");
  CliResult r = Restore({"--until", "end"});
  EXPECT_EQ(r.exit_code, 64) << r.out << r.err;
  EXPECT_NE(r.err.find("RESET MASTER"), std::string::npos) << r.err;
  EXPECT_FALSE(TargetHasShop());
}

// A damaged archived binlog (here cut in half, so it does not even decompress) is refused by
// what proves it is not the file archived, its SHA-256, before anything is loaded.
TEST_F(PitrRestoreTest, ADamagedArchivedBinlogIsRefusedByItsChecksumBeforeLoading) {
  std::string victim;
  for (const auto& server : fs::directory_iterator(backup_dir_ + "/binlog")) {
    if (!server.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(server.path())) {
      const std::string name = f.path().string();
      // The newest complete file: every replay from the dump reads it.
      if (name.ends_with(".gz") && (victim.empty() || name > victim)) victim = name;
    }
  }
  ASSERT_FALSE(victim.empty()) << "no archived binlog";
  const std::string original = ReadTextFile(victim);
  WriteTextFile(victim, original.substr(0, original.size() / 2), 0640);
  CliResult r = Restore({"--until", "end"});
  WriteTextFile(victim, original, 0640);
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("its .sha256 says"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was loaded"), std::string::npos) << r.err;
  EXPECT_FALSE(TargetHasShop());
}

TEST_F(PitrRestoreTest, BinlogEventsListsTheTransactionsOfAWindow) {
  // The hour of rows 11-15, then the DELETE: the lines a user reads to pick the moment.
  CliResult r = RunMysqlBackup({"-c", config_, "--binlog-events", "--from",
                                UtcWall(base_ + 3600), "--to", UtcWall(base_ + 7201),
                                "--timezone", "UTC"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(UtcWall(base_ + 3600) + " UTC  " + gtid_after_15_), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("INSERT `shop`.`t`"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(UtcWall(base_ + 7200) + " UTC"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DELETE `shop`.`t`"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(gtid_after_10_ + " "), std::string::npos) << "before the window: " << r.out;
  EXPECT_EQ(r.out.find(gtid_end_ + " "), std::string::npos) << "after the window: " << r.out;
  EXPECT_EQ(RunMysqlBackup({"-c", config_, "--binlog-events"}).exit_code, 64);
}

TEST_F(PitrRestoreTest, BadTargetsAreUsageErrors) {
  EXPECT_EQ(Restore({"--until", "yesterday"}).exit_code, 64);
  EXPECT_EQ(Restore({"--until", UtcWall(base_), "--timezone", "Mars/Olympus"}).exit_code, 64);
  EXPECT_EQ(Restore({"--until-gtid", "0-1"}).exit_code, 64);
  EXPECT_EQ(Restore({"--until", "end", "--databases", "shop"}).exit_code, 64);
  EXPECT_EQ(RunMysqlBackup({"-c", config_, "--restore", "20260101T000000Z", "--until", "end"})
                .exit_code,
            64);
  EXPECT_FALSE(TargetHasShop());
}

// The scenario with the server's own clock, as a user meets it: rows written, the time noted,
// a wait, then the DELETE; the restore to that time (read in the host's zone, TZ=UTC here,
// since no --timezone is given) has every row and none of the delete.
TEST(PitrClockTest, ToTheNotedTimeBeforeADeleteWithTheServersOwnClock) {
  MariaDbServer source, target;
  ASSERT_TRUE(PrepareSource(&source).ok());
  ASSERT_TRUE(target.Start(kTargetArgs).ok());
  target.Sql("RESET MASTER");
  TempDir dir;
  std::string backup_dir = dir / "backups";
  fs::create_directories(backup_dir);
  std::string config = dir / "c.conf";
  WriteTextFile(config, SourceConfig(source, backup_dir) + "\n[restore]\nsocket = " +
                            target.socket() + "\nuser = root\npassword =\n");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--backup-type", "daily"}).exit_code, 0);
  source.Sql(InsertRows(6, 10) + "FLUSH BINARY LOGS;" + InsertRows(11, 15));
  std::string gtid = Trim(source.Sql("SELECT @@gtid_binlog_pos"));
  // T is a second later than the last insert's, the DELETE a second later than T.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::time_t t = std::time(nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  source.Sql("DELETE FROM shop.t");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--archive-binlogs"}).exit_code, 0);

  CliResult r = RunMysqlBackup({"-c", config, "--restore", "latest", "--until", UtcWall(t)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Trim(target.Sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.t")), Ids(1, 15));
  EXPECT_EQ(Trim(target.Sql("SELECT @@gtid_binlog_pos")), gtid);
  EXPECT_NE(r.out.find("GTID " + gtid), std::string::npos) << r.out;
}

// A run dumps its databases one after the other. When one of them was dumped at an earlier
// binlog position than another, and the binlogs write to the later one in between, a replay
// from the earliest position would apply those writes twice: that run is passed over and the
// older one restored and replayed instead, to the same, correct state. (The newer run's
// positions are made to differ by editing its manifest, and its .sha256 with it: on a live
// server this needs writes during the run.)
TEST(PitrRunsTest, ARunWhoseDatabasesWereDumpedAtDifferentPositionsIsPassedOver) {
  MariaDbServer source, target;
  ASSERT_TRUE(PrepareSource(&source).ok());
  ASSERT_TRUE(target.Start(kTargetArgs).ok());
  target.Sql("RESET MASTER");
  source.Sql("CREATE DATABASE crm; CREATE TABLE crm.c (id INT PRIMARY KEY);");
  TempDir dir;
  std::string backup_dir = dir / "backups";
  fs::create_directories(backup_dir);
  std::string config = dir / "c.conf";
  std::string text = SourceConfig(source, backup_dir);
  text.replace(text.find("databases = shop"), 16, "databases = shop, crm");
  WriteTextFile(config, text + "\n[restore]\nsocket = " + target.socket() +
                            "\nuser = root\npassword =\n");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--backup-type", "daily"}).exit_code, 0);
  source.Sql("INSERT INTO crm.c VALUES (1);" + InsertRows(6, 6));
  // Runs are named by the second they start: the weekly run must not share the daily's stamp,
  // or "the newest run" would be a tie.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--backup-type", "weekly"}).exit_code, 0);
  source.Sql(InsertRows(7, 7) + "INSERT INTO crm.c VALUES (2);");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--archive-binlogs"}).exit_code, 0);

  auto manifest_of = [&](const std::string& type) {
    for (const auto& e : fs::directory_iterator(backup_dir + "/" + type)) {
      std::string n = e.path().filename();
      if (n.rfind("manifest-", 0) == 0 && n.ends_with(".json")) return e.path().string();
    }
    return std::string();
  };
  auto binlog_block = [](const std::string& json) {
    size_t at = json.find("\"binlog\": {");
    return json.substr(at, json.find('}', at) - at + 1);
  };
  std::string daily = manifest_of("daily"), weekly = manifest_of("weekly");
  ASSERT_FALSE(daily.empty() || weekly.empty());
  std::string weekly_json = ReadTextFile(weekly);
  std::string older = binlog_block(ReadTextFile(daily)), newer = binlog_block(weekly_json);
  ASSERT_NE(older, newer);
  weekly_json.replace(weekly_json.find(newer), newer.size(), older);  // the first database only
  WriteTextFile(weekly, weekly_json, 0640);
  std::string name = fs::path(weekly).filename();
  ASSERT_EQ(RunShell("cd '" + backup_dir + "/weekly' && sha256sum '" + name + "' > '" + name +
                     ".sha256'")
                .exit_code,
            0);

  CliResult r = RunMysqlBackup({"-c", config, "--restore", "latest", "--until", "end"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("Passing over the weekly run"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("after the daily run"), std::string::npos) << r.out;
  EXPECT_EQ(Trim(target.Sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.t")), Ids(1, 7));
  EXPECT_EQ(Trim(target.Sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM crm.c")), "1,2");
  EXPECT_EQ(Trim(target.Sql("SELECT @@gtid_binlog_pos")),
            Trim(source.Sql("SELECT @@gtid_binlog_pos")));
}

// A purge before archiving: the archive has a gap between the dump and the target, and a
// restore across it is refused before anything is loaded.
TEST(PitrGapTest, ARestoreAcrossAGapIsRefusedAndTheTargetUntouched) {
  MariaDbServer source, target;
  ASSERT_TRUE(PrepareSource(&source).ok());
  ASSERT_TRUE(target.Start(kTargetArgs).ok());
  TempDir dir;
  std::string backup_dir = dir / "backups";
  fs::create_directories(backup_dir);
  std::string config = dir / "c.conf";
  WriteTextFile(config, SourceConfig(source, backup_dir) + "\n[restore]\nsocket = " +
                            target.socket() + "\nuser = root\npassword =\n");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--backup-type", "daily"}).exit_code, 0);
  // The dump's file completes and is archived; what follows it is purged before archiving.
  source.Sql(InsertRows(6, 7) + "FLUSH BINARY LOGS;");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--archive-binlogs"}).exit_code, 0);
  source.Sql(InsertRows(8, 10) + "FLUSH BINARY LOGS;" + InsertRows(11, 15) + "FLUSH BINARY LOGS;");
  auto logs = [&] {
    std::vector<std::string> out;
    std::istringstream in(source.Sql("SHOW BINARY LOGS"));
    for (std::string line; std::getline(in, line);) out.push_back(line.substr(0, line.find('\t')));
    return out;
  };
  std::string last = logs().back();
  // The server keeps a file until InnoDB's binlog checkpoint has passed it: purge until it is
  // really gone.
  for (int i = 0; i < 100 && logs().front() != last; ++i) {
    source.Sql("PURGE BINARY LOGS TO '" + last + "'");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(logs().front(), last);
  source.Sql(InsertRows(16, 17));
  CliResult archive = RunMysqlBackup({"-c", config, "--archive-binlogs"});
  ASSERT_EQ(archive.exit_code, 65) << archive.out << archive.err;

  CliResult r = RunMysqlBackup({"-c", config, "--restore", "latest", "--until", "end"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("gap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("latest moment reachable"), std::string::npos) << r.err;
  EXPECT_EQ(Trim(target.Sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                            "SCHEMA_NAME = 'shop'")),
            "0");
}

}  // namespace
}  // namespace mysql_backup::testing
