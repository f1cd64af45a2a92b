// The parallel restore ([restore] restore_threads) end to end: backups of the awkward fixture
// and of a world-like database (foreign keys across tables, a cycle among them, a sequence
// (a barrier unit), a view on a view, a trigger, a table whose dump is far beyond the spool
// threshold the test sets) are made on one server and restored onto a second, fresh one at 1, 2
// and 8 connections; each restore equals the source (CHECKSUM TABLE ... EXTENDED of every table,
// the definitions of views, routines, triggers and events). The restore drill counts the same
// rows in parallel. A table whose load fails stops the other connections (70 for --restore, 65
// for the drill, whose scratch database is dropped), and so does a connection killed on the
// server in the middle of the restore. A restore whose client echoes a long failing statement
// still reports the error line that comes after it, serial or parallel. No client and no spool
// file outlives a run. An age-encrypted backup restores on two connections without its plain
// text ever reaching a spool file: the test reads every spool file of the running restore
// through /proc while they are full.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/command.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

constexpr const char* kDumpOptions =
    "--single-transaction --routines --events --triggers --add-drop-table --extended-insert";
// Far below the ~1 MB dump of `city` and `many`, so their units go through spool files.
constexpr const char* kSpoolEnv = "MYSQL_BACKUP_TEST_SPOOL_THRESHOLD=65536";

constexpr const char* kWorldSql = R"sql(
CREATE DATABASE world CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE world;
SET SESSION max_recursive_iterations = 100000;
CREATE TABLE country (
  Code CHAR(3) NOT NULL PRIMARY KEY,
  Name VARCHAR(52) NOT NULL,
  Continent ENUM('Asia','Europe','North America','Africa','Oceania','Antarctica',
                 'South America') NOT NULL DEFAULT 'Asia',
  Population INT NOT NULL DEFAULT 0,
  Capital INT NULL
) ENGINE=InnoDB;
CREATE TABLE city (
  ID INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  Name VARCHAR(60) NOT NULL,
  CountryCode CHAR(3) NOT NULL,
  District VARCHAR(20) NOT NULL,
  Population INT NOT NULL DEFAULT 0,
  KEY (CountryCode),
  CONSTRAINT city_country FOREIGN KEY (CountryCode) REFERENCES country (Code)
) ENGINE=InnoDB;
CREATE TABLE countrylanguage (
  CountryCode CHAR(3) NOT NULL,
  Language VARCHAR(30) NOT NULL,
  IsOfficial ENUM('T','F') NOT NULL DEFAULT 'F',
  Percentage DECIMAL(4,1) NOT NULL DEFAULT 0.0,
  PRIMARY KEY (CountryCode, Language),
  CONSTRAINT lang_country FOREIGN KEY (CountryCode) REFERENCES country (Code)
) ENGINE=InnoDB;
INSERT INTO country (Code, Name, Continent, Population)
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 238)
  SELECT CONCAT(CHAR(65 + i DIV 26), CHAR(65 + i MOD 26), 'A'),
         CONCAT('Country ', i, IF(i % 7 = 0, ' it''s ü', '')),
         ELT(1 + i % 7, 'Asia','Europe','North America','Africa','Oceania','Antarctica',
             'South America'),
         i * 104729 % 100000000
  FROM n;
INSERT INTO city (Name, CountryCode, District, Population)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
  SELECT CONCAT('City ', i, IF(i % 11 = 0, ' ''quoted'' ),(', ''), IF(i % 13 = 0, ' 東京', '')),
         CONCAT(CHAR(65 + (i % 239) DIV 26), CHAR(65 + (i % 239) MOD 26), 'A'),
         CONCAT('District ', i % 97), i * 7919 % 10000000
  FROM n;
-- A cycle: every country's capital is one of its cities.
ALTER TABLE country ADD CONSTRAINT country_capital FOREIGN KEY (Capital) REFERENCES city (ID);
UPDATE country SET Capital = (SELECT MIN(ID) FROM city WHERE CountryCode = Code);
INSERT INTO countrylanguage
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 955)
  SELECT CONCAT(CHAR(65 + (i DIV 4) DIV 26), CHAR(65 + (i DIV 4) MOD 26), 'A'),
         ELT(1 + i % 4, 'English', 'Deutsch', 'Español', '中文'), IF(i % 4 = 0, 'T', 'F'),
         (i * 37 % 1000) / 10
  FROM n;
-- A sequence restores as a barrier unit. (Not as a table's DEFAULT NEXTVAL: mariadb-dump writes
-- the table first and qualifies the sequence with the dumped database, so even a serial load
-- fails.)
CREATE SEQUENCE ticket_seq START WITH 100 CACHE 0;
CREATE TABLE ticket (id INT NOT NULL PRIMARY KEY, note VARCHAR(10));
INSERT INTO ticket VALUES (NEXTVAL(ticket_seq), 'a'), (NEXTVAL(ticket_seq), 'b');
CREATE VIEW city_with_country AS
  SELECT c.ID, c.Name AS city, k.Name AS country, k.Continent
  FROM city c JOIN country k ON k.Code = c.CountryCode;
CREATE VIEW european_cities AS SELECT * FROM city_with_country WHERE Continent = 'Europe';
CREATE TRIGGER city_population BEFORE INSERT ON city FOR EACH ROW
  SET NEW.Population = GREATEST(NEW.Population, 0);
)sql";

// Every row carries kMarker. `a_big` comes first in the dump and is larger than a client's pipe,
// so while its load waits, its spool file stays full.
constexpr const char* kMarker = "SPOOL-MARKER-7d3a";
constexpr const char* kSecretSql = R"sql(
CREATE DATABASE secret;
USE secret;
SET SESSION max_recursive_iterations = 100000;
CREATE TABLE a_big (id INT PRIMARY KEY, note VARCHAR(200) NOT NULL);
INSERT INTO a_big WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)
  SELECT i, CONCAT('SPOOL-MARKER-7d3a ', i, ' ', REPEAT('s', 80)) FROM n;
CREATE TABLE b_small (id INT PRIMARY KEY, note VARCHAR(200) NOT NULL);
INSERT INTO b_small SELECT id, note FROM a_big WHERE id <= 3000;
CREATE TABLE c_small LIKE b_small;
INSERT INTO c_small SELECT * FROM b_small;
)sql";

// What was found in the spool files of a running restore.
struct SpoolScan {
  int files = 0;         // spool files read (one file read on several passes counts each time)
  uint64_t largest = 0;  // bytes of the largest
  bool marker = false;   // kMarker seen in any
};

// Reads every file process `pid` holds open under `dir` (spool files have no name; /proc shows
// them as '<dir>/#123 (deleted)') and adds what it found to *scan.
void ScanSpoolFiles(pid_t pid, const std::string& dir, SpoolScan* scan) {
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* fds = opendir(fd_dir.c_str());
  if (fds == nullptr) return;  // it has ended
  while (dirent* e = readdir(fds)) {
    const std::string link = fd_dir + "/" + e->d_name;
    char target[4096];
    ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0 || std::string(target, static_cast<size_t>(n)).rfind(dir + "/", 0) != 0) continue;
    int fd = open(link.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    std::string content;
    char buf[65536];
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0) content.append(buf, static_cast<size_t>(got));
    close(fd);
    ++scan->files;
    scan->largest = std::max<uint64_t>(scan->largest, content.size());
    if (content.find(kMarker) != std::string::npos) scan->marker = true;
  }
  closedir(fds);
}

class ParallelRestoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = std::make_unique<MariaDbServer>();
    target_ = std::make_unique<MariaDbServer>();
    start_ = StartWithAwkwardFixture(source_.get(), &prints_["awkward"]);
    if (start_.ok()) start_ = source_->TrySql(kWorldSql).status();
    if (start_.ok()) {
      auto print = TryDatabaseFingerprint(*source_, "world");
      start_ = print.status();
      if (print.ok()) prints_["world"] = *print;
    }
    if (start_.ok()) start_ = target_->Start();
    if (!start_.ok()) return;
    suite_dir_ = std::make_unique<TempDir>();
    mkdir((*suite_dir_ / "backups").c_str(), 0750);
    for (const std::string db : {"awkward", "world"}) {
      std::string config = *suite_dir_ / (db + ".conf");
      WriteTextFile(config, ConfigText(*suite_dir_ / "backups", db, ""), 0600);
      auto made = BackupMadeBy(RunMysqlBackup({"-c", config, "--backup-type", "daily"}));
      if (!made.ok()) {
        start_ = Status(ErrorKind::kProcess, db + ": " + made.status().message());
        return;
      }
      backups_[db] = *made;
    }
  }
  static void TearDownTestSuite() {
    source_.reset();
    target_.reset();
    suite_dir_.reset();
  }

  void SetUp() override { ASSERT_TRUE(start_.ok()) << start_.ToString(); }
  void TearDown() override {
    for (pid_t pid : ProcessesMentioning(dir_.path())) kill(pid, SIGKILL);
  }

  // Backups from the source, restores onto the target as `restorer`.
  // `extra` is appended (more sections).
  static std::string ConfigText(const std::string& backup_dir, const std::string& db,
                                const std::string& threads, const std::string& extra = "") {
    std::string text = "[database]\nhost = 127.0.0.1\nport = " + std::to_string(source_->port()) +
                       "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword +
                       "\ndatabase = " + db + "\n";
    text += "\n[backup]\nbackup_dir = " + backup_dir + "\nmysqldump_options = " + kDumpOptions +
            "\n";
    text += "\n[restore]\nhost = 127.0.0.1\nport = " + std::to_string(target_->port()) +
            "\nuser = " + MariaDbServer::kRestoreUser + "\npassword = " +
            MariaDbServer::kRestorePassword + "\n";
    if (!threads.empty()) text += "restore_threads = " + threads + "\n";
    return text + extra;
  }

  std::string WriteConfig(const std::string& db, const std::string& threads,
                          const std::string& extra = "") {
    std::string backup_dir = dir_ / "backups";
    mkdir(backup_dir.c_str(), 0750);
    std::string path = dir_ / ("restore-" + threads + ".conf");
    WriteTextFile(path, ConfigText(backup_dir, db, threads, extra), 0600);
    return path;
  }

  // What a run must leave behind: no client of it, no spool file, no drill database. Drills
  // name their scratch database in their output; other suites may run drills meanwhile.
  void ExpectNothingLeft(const std::string& database, const std::string& drill_output = "") {
    std::string name = database;
    std::smatch m;
    if (std::regex_search(drill_output, m, std::regex("scratch database '([^']+)'"))) name = m[1];
    EXPECT_TRUE(ProcessesMentioning("--database=" + name).empty()) << name;
    EXPECT_TRUE(ListFilesRecursively(dir_ / "backups/.tmp").empty());
    EXPECT_EQ(target_->Sql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE "
                           "SCHEMA_NAME LIKE 'mysql\\_backup\\_drill\\_%'"),
              "");
  }

  // The suite's backup of `db` with a table `aa_bad` whose second row repeats the first's key,
  // early in the dump: its load fails while other tables load. Returns the new file's path.
  // `values`: the rows of its INSERT.
  std::string PlantFailingBackup(const std::string& db, const std::string& values = "(1),(1)") {
    std::string dir = dir_ / "backups/daily";
    RunShell("mkdir -p " + ShellQuote(dir));
    std::string name = db + "-daily-20240101T000000Z.sql.gz";
    std::string text = RunShell("gzip -dc " + ShellQuote(backups_[db])).out;
    const size_t first_table = text.find("DROP TABLE IF EXISTS");
    EXPECT_NE(first_table, std::string::npos);
    text.insert(first_table,
                "DROP TABLE IF EXISTS `aa_bad`;\nCREATE TABLE `aa_bad` (`id` int PRIMARY KEY);\n"
                "INSERT INTO `aa_bad` VALUES " + values + ";\n");
    WriteTextFile(dir_ / "bad.sql", text);
    std::string path = dir + "/" + name;
    CliResult r = RunShell("gzip -c " + ShellQuote(dir_ / "bad.sql") + " > " + ShellQuote(path) +
                           " && cd " + ShellQuote(dir) + " && sha256sum " + ShellQuote(name) +
                           " > " + ShellQuote(name + ".sha256"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return path;
  }

  static std::unique_ptr<MariaDbServer> source_;
  static std::unique_ptr<MariaDbServer> target_;
  static Status start_;
  static std::map<std::string, std::string> prints_;
  static std::map<std::string, std::string> backups_;
  static std::unique_ptr<TempDir> suite_dir_;
  TempDir dir_;
};

std::unique_ptr<MariaDbServer> ParallelRestoreTest::source_;
std::unique_ptr<MariaDbServer> ParallelRestoreTest::target_;
Status ParallelRestoreTest::start_;
std::map<std::string, std::string> ParallelRestoreTest::prints_;
std::map<std::string, std::string> ParallelRestoreTest::backups_;
std::unique_ptr<TempDir> ParallelRestoreTest::suite_dir_;

TEST_F(ParallelRestoreTest, RestoresEqualToTheSourceOnOneTwoAndEightConnections) {
  for (const std::string db : {"awkward", "world"}) {
    for (const std::string threads : {"1", "2", "8"}) {
      const std::string target = db + "_on_" + threads;
      CliResult r = RunMysqlBackup({"-c", WriteConfig(db, threads), "--restore", backups_[db],
                                    "--target-database", target},
                                   {kSpoolEnv});
      ASSERT_EQ(r.exit_code, 0) << db << " on " << threads << ": " << r.err;
      EXPECT_EQ(DatabaseFingerprint(*target_, target), prints_[db])
          << db << " on " << threads << " connection(s)";
      ExpectNothingLeft(target);
    }
  }
  // The sequence (a barrier unit) came back with its position.
  EXPECT_EQ(target_->Sql("SELECT next_not_cached_value FROM ticket_seq", "world_on_8"),
            source_->Sql("SELECT next_not_cached_value FROM ticket_seq", "world"));
}

TEST_F(ParallelRestoreTest, DrillCountsTheDumpsRowsOnParallelConnections) {
  for (const std::string db : {"awkward", "world"}) {
    CliResult r = RunMysqlBackup({"-c", WriteConfig(db, "8"), "--restore-test", backups_[db]},
                                 {kSpoolEnv});
    EXPECT_EQ(r.exit_code, 0) << db << ": " << r.out << r.err;
    ExpectNothingLeft("", r.out + r.err);
  }
}

TEST_F(ParallelRestoreTest, ABadThreadCountIsAConfigurationError) {
  for (const std::string bad : {"0", "65", "two", "-1"}) {
    std::string config = WriteConfig("world", bad);
    CliResult r = RunMysqlBackup(
        {"-c", config, "--restore", backups_["world"], "--target-database", "never"});
    EXPECT_EQ(r.exit_code, 78) << bad << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, config)) << r.err;
    EXPECT_TRUE(Contains(r.err, "restore_threads")) << r.err;
  }
  EXPECT_EQ(target_->Sql("SHOW DATABASES LIKE 'never'"), "");
}

TEST_F(ParallelRestoreTest, AFailingTableStopsTheOtherConnections) {
  const std::string bad = PlantFailingBackup("world");
  CliResult r = RunMysqlBackup(
      {"-c", WriteConfig("world", "2"), "--restore", bad, "--target-database", "world_bad"},
      {kSpoolEnv});
  EXPECT_EQ(r.exit_code, 70) << r.err;
  // With UNIQUE_CHECKS=0 InnoDB finds the duplicate at COMMIT; the client echoes the statement.
  EXPECT_TRUE(Contains(r.err, "INSERT INTO `aa_bad` VALUES (1),(1)")) << r.err;
  ExpectNothingLeft("world_bad");

  // The drill says the backup does not restore, and drops its scratch database.
  r = RunMysqlBackup({"-c", WriteConfig("world", "8"), "--restore-test", bad}, {kSpoolEnv});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_TRUE(Contains(r.err, "INSERT INTO `aa_bad` VALUES (1),(1)")) << r.err;
  ExpectNothingLeft("", r.out + r.err);
}

TEST_F(ParallelRestoreTest, ARestoreReportsTheErrorAfterTheClientsLongEcho) {
  // One INSERT of ~300 KB whose last row repeats the first's key: the client's stderr is that
  // statement, echoed, and only then the line that says why.
  std::string values;
  for (int i = 1; i <= 40000; ++i) values += "(" + std::to_string(i) + "),";
  values += "(1)";
  const std::string bad = PlantFailingBackup("world", values);
  for (const std::string threads : {"1", "2"}) {
    CliResult r = RunMysqlBackup({"-c", WriteConfig("world", threads), "--restore", bad,
                                  "--target-database", "world_echo_" + threads},
                                 {kSpoolEnv});
    const std::string head = threads + " connection(s): " + r.err.substr(0, 2000);
    EXPECT_EQ(r.exit_code, 70) << head;
    // The one-line error names the server's error, not the start of the echoed statement.
    EXPECT_TRUE(std::regex_search(
        r.err, std::regex(R"(loading the backup \(exit code 1\): ERROR \d+ \(\w+\) at line \d+)")))
        << head;
    // The detail keeps the statement's start and the end, and says what is left out between.
    EXPECT_TRUE(Contains(r.err, "INSERT INTO `aa_bad` VALUES (1),(2),(3),")) << head;
    EXPECT_TRUE(
        std::regex_search(r.err, std::regex(R"(\n\[\.\.\. \d+ bytes left out \.\.\.\]\n)")))
        << head;
    EXPECT_LT(r.err.size(), 100u * 1024) << head;
    ExpectNothingLeft("world_echo_" + threads);
  }
}

TEST_F(ParallelRestoreTest, AConnectionKilledOnTheServerStopsTheOthers) {
  // The restore over an existing copy (--force) must drop `countrylanguage` first; a transaction
  // of the test has read it, so the connection that loads it waits until it is killed. (A lock
  // held with LOCK TABLES would block the restore's CREATE DATABASE IF NOT EXISTS already.)
  ASSERT_TRUE(target_->TrySql("CREATE DATABASE world_kill; "
                              "CREATE TABLE world_kill.countrylanguage (x INT)").ok());
  std::vector<std::string> holder = target_->ClientCommand();
  std::string holder_cmd;
  for (const auto& a : holder) holder_cmd += ShellQuote(a) + " ";
  pid_t locker = fork();
  ASSERT_GE(locker, 0);
  if (locker == 0) {
    execl("/bin/sh", "sh", "-c",
          (holder_cmd + "-e 'START TRANSACTION; SELECT * FROM world_kill.countrylanguage; "
                        "SELECT SLEEP(600)' >/dev/null 2>&1")
              .c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_TRUE(WaitUntil([&] {
    return target_->Sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
                        "INFO LIKE '%SLEEP(600)%' AND INFO NOT LIKE '%PROCESSLIST%'") == "1\n";
  }));
  pid_t restore = StartMysqlBackup({"-c", WriteConfig("world", "2"), "--restore",
                                    backups_["world"], "--target-database", "world_kill",
                                    "--force"},
                                   dir_ / "restore.out", {kSpoolEnv});
  std::string id;
  ASSERT_TRUE(WaitUntil([&] {
    id = target_->Sql("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'restorer' "
                      "AND DB = 'world_kill' AND STATE LIKE '%metadata lock%'");
    return !id.empty();
  }));
  target_->Sql("KILL CONNECTION " + id);
  const int exit_code = WaitFor(restore);
  const std::string out = ReadTextFile(dir_ / "restore.out");
  EXPECT_EQ(exit_code, 70) << out;
  EXPECT_TRUE(Contains(out, "killed") || Contains(out, "Lost connection")) << out;
  ExpectNothingLeft("world_kill");
  std::string holder_id = target_->Sql(
      "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(600)%' AND INFO "
      "NOT LIKE '%PROCESSLIST%'");
  if (!holder_id.empty()) target_->Sql("KILL CONNECTION " + holder_id);
  int status = 0;
  waitpid(locker, &status, 0);
}

TEST_F(ParallelRestoreTest, AnEncryptedBackupNeverReachesASpoolFileInPlainText) {
  ASSERT_TRUE(source_->TrySql(kSecretSql).ok());
  const std::string key = dir_ / "key.txt";
  ASSERT_EQ(RunShell("age-keygen -o " + ShellQuote(key) + " 2>/dev/null").exit_code, 0);
  CliResult pub = RunShell("age-keygen -y " + ShellQuote(key));
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  const std::string config =
      WriteConfig("secret", "2",
                  "\n[encryption]\nrecipients = " + pub.out.substr(0, pub.out.find('\n')) +
                      "\nidentity_file = " + key + "\n");
  CliResult backup = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  std::smatch m;
  ASSERT_TRUE(backup.exit_code == 0 &&
              std::regex_search(backup.out, m, std::regex(" backup OK: (/\\S+\\.age) ")))
      << backup.out << backup.err;
  const std::string encrypted = m[1];

  // The restore (--force over a copy) must drop `a_big` first; a transaction of the test has
  // read it, so that connection waits while the other loads the small tables, and `a_big`'s
  // spool file stays full until the test lets go.
  ASSERT_TRUE(target_->TrySql("CREATE DATABASE secret_enc; "
                              "CREATE TABLE secret_enc.a_big (x INT)").ok());
  std::string holder_cmd;
  for (const auto& a : target_->ClientCommand()) holder_cmd += ShellQuote(a) + " ";
  pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    execl("/bin/sh", "sh", "-c",
          (holder_cmd + "-e 'START TRANSACTION; SELECT * FROM secret_enc.a_big; "
                        "SELECT SLEEP(601)' >/dev/null 2>&1")
              .c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string holder_query =
      "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(601)%' AND INFO "
      "NOT LIKE '%PROCESSLIST%'";
  ASSERT_TRUE(WaitUntil([&] { return !target_->Sql(holder_query).empty(); }));

  const std::string spool_dir = dir_ / "backups/.tmp";
  pid_t restore = StartMysqlBackup({"-c", config, "--restore", encrypted, "--target-database",
                                    "secret_enc", "--force"},
                                   dir_ / "restore.out", {kSpoolEnv});
  SpoolScan scan;
  // `a_big` is ~2.5 MB of SQL: its spool file holds over 1 MiB once the splitter is through it.
  EXPECT_TRUE(WaitUntil([&] {
    ScanSpoolFiles(restore, spool_dir, &scan);
    return scan.largest > (1 << 20);
  }));
  target_->Sql("KILL CONNECTION " + target_->Sql(holder_query));
  int status = 0;
  waitpid(holder, &status, 0);
  // And on until the restore ends, while the spool files drain.
  int exit_code = -1;
  for (;;) {
    ScanSpoolFiles(restore, spool_dir, &scan);
    pid_t done = waitpid(restore, &status, WNOHANG);
    ASSERT_GE(done, 0);
    if (done == restore) {
      exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    usleep(10000);
  }
  EXPECT_EQ(exit_code, 0) << ReadTextFile(dir_ / "restore.out");
  EXPECT_GT(scan.files, 0);
  EXPECT_FALSE(scan.marker) << "a spool file held the decrypted dump in plain text";
  EXPECT_EQ(DatabaseFingerprint(*target_, "secret_enc"), DatabaseFingerprint(*source_, "secret"));
  // The marker went through the restore: the scan looked for bytes that were really spooled.
  EXPECT_EQ(target_->Sql("SELECT COUNT(*) FROM a_big WHERE note LIKE 'SPOOL-MARKER-7d3a %'",
                         "secret_enc"),
            "25000\n");
  ExpectNothingLeft("secret_enc");
}

}  // namespace
}  // namespace mysql_backup::testing
