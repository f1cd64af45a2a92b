// Whole-server backups end to end, against a real MariaDB with awkward database names: `*` with
// exclude takes exactly the expected set (an exclude pattern matches whole names: `test` does
// not take `latest`), every file restores equal, the manifest says what the run did, a typo in
// an explicit list fails the run (70, incomplete) without losing the other databases, a database
// dropped during the run is only a warning, the accounts file brings every account back with
// its password and grants on a fresh server, and --verify names a tampered file of a run.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "storage/manifest.h"
#include "support/cli_runner.h"
#include "support/command.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDumpOptions =
    "--single-transaction --routines --events --triggers --add-drop-table --extended-insert";

// Databases besides the awkward fixture. `test` and `tmp_1` are excluded below.
const std::vector<std::string> kExtraDatabases = {
    "shop-eu", "my db", "caf\xc3\xa9 \xe2\x82\xac", "empty_db", "logic_only", "latest", "test",
    "tmp_1"};
const std::set<std::string> kExpectedUnderStar = {
    "awkward", "shop-eu", "my db", "caf\xc3\xa9 \xe2\x82\xac", "empty_db", "logic_only", "latest"};

std::set<std::string> AsSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

class WholeServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<MariaDbServer>();
    start_ = StartWithAwkwardFixture(server_.get(), &fingerprints_["awkward"]);
    if (!start_.ok()) return;
    std::string sql;
    for (const auto& db : kExtraDatabases) sql += "CREATE DATABASE " + SqlIdentifier(db) + ";\n";
    sql +=
        "CREATE TABLE `shop-eu`.orders (id INT PRIMARY KEY, note VARCHAR(20));\n"
        "INSERT INTO `shop-eu`.orders VALUES (1,'a'),(2,'b'),(3,'tab\\there');\n"
        "CREATE TABLE `my db`.`a table` (x INT);\n"
        "INSERT INTO `my db`.`a table` VALUES (1),(2);\n"
        "CREATE TABLE `caf\xc3\xa9 \xe2\x82\xac`.`cr\xc3\xa8me` (v VARCHAR(10));\n"
        "INSERT INTO `caf\xc3\xa9 \xe2\x82\xac`.`cr\xc3\xa8me` VALUES ('br\xc3\xbbl\xc3\xa9');\n"
        "CREATE VIEW logic_only.v AS SELECT 1 AS one;\n"
        "CREATE PROCEDURE logic_only.p() SELECT 42;\n"
        "CREATE FUNCTION logic_only.f() RETURNS INT DETERMINISTIC RETURN 7;\n"
        "CREATE TABLE latest.t (x INT);\n"
        "INSERT INTO latest.t VALUES (5);\n"
        "CREATE TABLE test.t (x INT);\n"
        "CREATE TABLE tmp_1.t (x INT);\n"
        // Accounts the accounts file must bring back.
        "CREATE ROLE reporting;\n"
        "GRANT SELECT ON `shop-eu`.* TO reporting;\n"
        "CREATE USER 'app'@'%' IDENTIFIED BY 'app pw;#1';\n"
        "GRANT SELECT, INSERT ON `shop-eu`.* TO 'app'@'%';\n"
        "GRANT reporting TO 'app'@'%';\n"
        "SET DEFAULT ROLE reporting FOR 'app'@'%';\n"
        "CREATE USER 'ro'@'localhost' IDENTIFIED BY 'ro-pw';\n"
        "GRANT SELECT ON latest.t TO 'ro'@'localhost';\n";
    auto r = server_->TrySql(sql);
    if (!r.ok()) {
      start_ = r.status();
      return;
    }
    for (const auto& db : kExpectedUnderStar) {
      if (db == "awkward") continue;
      auto print = TryDatabaseFingerprint(*server_, db);
      if (!print.ok()) {
        start_ = print.status();
        return;
      }
      fingerprints_[db] = *print;
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(start_.ok()) << start_.ToString();
    backup_dir_ = dir_ / "backups";
    ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
  }

  std::string WriteConfig(const std::string& database_lines) {
    std::string text = "[database]\nhost = 127.0.0.1\nport = " + std::to_string(server_->port()) +
                       "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword + "\n" +
                       database_lines + "\n[backup]\nbackup_dir = " + backup_dir_ +
                       "\nmysqldump_options = " + kDumpOptions +
                       "\n[restore]\nuser = " + MariaDbServer::kRestoreUser + "\npassword = " +
                       MariaDbServer::kRestorePassword + "\n";
    std::string path = dir_ / "backup.conf";
    WriteTextFile(path, text, 0600);
    return path;
  }

  // The manifest of the only run in daily/.
  RunManifest OnlyManifest(std::string* path_out = nullptr) {
    std::vector<std::string> manifests;
    for (const auto& f : ListFilesRecursively(backup_dir_ + "/daily")) {
      if (EndsWith(f, ".json")) manifests.push_back(backup_dir_ + "/daily/" + f);
    }
    EXPECT_EQ(manifests.size(), 1u);
    if (manifests.empty()) return {};
    if (path_out != nullptr) *path_out = manifests[0];
    auto m = ParseManifest(ReadTextFile(manifests[0]));
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : RunManifest{};
  }

  static std::unique_ptr<MariaDbServer> server_;
  static Status start_;
  static std::map<std::string, std::string> fingerprints_;
  TempDir dir_;
  std::string backup_dir_;
};

std::unique_ptr<MariaDbServer> WholeServerTest::server_;
Status WholeServerTest::start_;
std::map<std::string, std::string> WholeServerTest::fingerprints_;

TEST_F(WholeServerTest, StarWithExcludeBacksUpExactlyTheExpectedSetAndEachRestoresEqual) {
  std::string config = WriteConfig("databases = *\nexclude = test, tmp_*\n");
  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  std::string manifest_path;
  RunManifest m = OnlyManifest(&manifest_path);
  EXPECT_EQ(AsSet(m.expected), kExpectedUnderStar);
  EXPECT_EQ(AsSet(m.dumped), kExpectedUnderStar);
  EXPECT_TRUE(m.failed.empty());
  EXPECT_TRUE(m.vanished.empty());
  EXPECT_EQ(m.server_flavour, "MariaDB");
  EXPECT_EQ(m.selection, "*");
  EXPECT_EQ(Sha256sumCheck(manifest_path).exit_code, 0);
  // One file per database, the accounts file, all with the run's stamp.
  std::set<std::string> databases_in_files;
  int accounts_files = 0;
  for (const auto& f : m.files) {
    EXPECT_NE(f.name.find(UtcStamp(m.stamp)), std::string::npos) << f.name;
    EXPECT_EQ(Sha256sumCheck(backup_dir_ + "/daily/" + f.name).exit_code, 0) << f.name;
    if (f.kind == BackupKind::kAccounts) {
      ++accounts_files;
    } else {
      databases_in_files.insert(f.database);
    }
  }
  EXPECT_EQ(databases_in_files, kExpectedUnderStar);
  EXPECT_EQ(accounts_files, 1);
  // Row counts seen in the dump stream.
  const ManifestFile* shop = FindDatabaseFile(m, "shop-eu");
  ASSERT_NE(shop, nullptr);
  EXPECT_EQ(shop->table_rows, (std::map<std::string, uint64_t>{{"orders", 3}}));
  const ManifestFile* empty = FindDatabaseFile(m, "empty_db");
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(empty->table_rows.empty());
  // Nothing of the excluded ones, and no name outside its folder.
  for (const auto& f : ListFilesRecursively(backup_dir_)) {
    EXPECT_FALSE(f.rfind("daily/test-", 0) == 0) << f;
    EXPECT_FALSE(f.rfind("daily/tmp_1-", 0) == 0) << f;
  }

  // --list --json tells each file's kind and its run's manifest.
  CliResult list = RunMysqlBackup({"-c", config, "--list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Contains(list.out, "\"kind\": \"accounts\", \"database\": null, \"manifest\": \"" +
                                     manifest_path + "\""))
      << list.out;
  EXPECT_TRUE(Contains(list.out, "\"kind\": \"database\", \"database\": \"my db\""))
      << list.out;

  int n = 0;
  for (const auto& f : m.files) {
    if (f.kind != BackupKind::kDatabase) continue;
    std::string target = "restored_" + std::to_string(n++);
    CliResult rr = RunMysqlBackup(
        {"-c", config, "--restore", backup_dir_ + "/daily/" + f.name, "--target-database", target});
    ASSERT_EQ(rr.exit_code, 0) << f.name << "\n" << rr.out << rr.err;
    EXPECT_EQ(DatabaseFingerprint(*server_, target), fingerprints_[f.database]) << f.database;
    server_->Sql("DROP DATABASE " + SqlIdentifier(target));
  }
}

TEST_F(WholeServerTest, ParallelDumpsTakeTheSameSetAndVerifyEachFile) {
  std::string config = WriteConfig("databases = *\nexclude = test, tmp_*\n");
  std::string text = ReadTextFile(config);
  text.replace(text.find("[backup]\n"), 9, "[backup]\nparallel_dumps = 3\nthreads = 3\n");
  WriteTextFile(config, text, 0600);
  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "weekly"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  CliResult v = RunMysqlBackup({"-c", config, "--verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  // Seven databases, the accounts file and the manifest: nine verified files.
  size_t ok_lines = 0;
  for (size_t at = v.out.find("OK      "); at != std::string::npos; at = v.out.find("OK      ", at + 1)) {
    ++ok_lines;
  }
  EXPECT_EQ(ok_lines, 9u) << v.out;
}

TEST_F(WholeServerTest, ATypoInTheListFailsTheRunButPublishesTheOthers) {
  std::string config = WriteConfig("databases = shop-eu, tpyo, latest\n");
  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(r.exit_code, 70) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "'tpyo'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "incomplete")) << r.err;
  RunManifest m = OnlyManifest();
  EXPECT_EQ(AsSet(m.dumped), (std::set<std::string>{"shop-eu", "latest"}));
  ASSERT_EQ(m.failed.size(), 1u);
  EXPECT_EQ(m.failed[0].database, "tpyo");
  CliResult v = RunMysqlBackup({"-c", config, "--verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(WholeServerTest, ADatabaseDroppedDuringTheRunIsOnlyAWarning) {
  server_->Sql("CREATE DATABASE doomed; CREATE TABLE doomed.t (x INT);");
  // A dump wrapper drops `doomed` just before its turn comes.
  std::string bin = dir_ / "bin";
  ASSERT_EQ(mkdir(bin.c_str(), 0755), 0);
  WriteTextFile(bin + "/mariadb-dump",
                "#!/bin/sh\nfor last; do :; done\n"
                "if [ \"$last\" = doomed ]; then mariadb --no-defaults -uroot -S " +
                    ShellQuote(server_->socket()) +
                    " -e 'DROP DATABASE doomed'; fi\nexec " + ShellQuote(RealDumpProgram()) +
                    " \"$@\"\n",
                0755);
  std::string config = WriteConfig("databases = *\nexclude = test, tmp_*\naccounts = no\n");
  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"},
                               {"PATH=" + bin + ":" + std::getenv("PATH")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "'doomed' was dropped during the run")) << r.err;
  RunManifest m = OnlyManifest();
  EXPECT_EQ(m.vanished, std::vector<std::string>{"doomed"});
  EXPECT_EQ(AsSet(m.dumped), kExpectedUnderStar);
  EXPECT_EQ(AsSet(m.expected), kExpectedUnderStar);
}

TEST_F(WholeServerTest, OneCommandRebuildsTheServerWithItsAccountsOnAFreshInstance) {
  std::string config = WriteConfig("databases = *\nexclude = test, tmp_*\n");
  CliResult r = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  RunManifest m = OnlyManifest();
  std::string accounts_file;
  for (const auto& f : m.files) {
    if (f.kind == BackupKind::kAccounts) accounts_file = backup_dir_ + "/daily/" + f.name;
  }
  ASSERT_FALSE(accounts_file.empty());
  CliResult text = RunShell("gzip -dc " + ShellQuote(accounts_file));
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_FALSE(Contains(text.out, "mariadb.sys")) << "internal accounts are left out";
  EXPECT_TRUE(Contains(text.out, "-- Dump completed"));

  // A rebuilt server: a second, empty instance; the restore logs in as its root.
  MariaDbServer fresh;
  ASSERT_TRUE(fresh.Start().ok());
  std::string restore_config = dir_ / "restore.conf";
  WriteTextFile(restore_config,
                ReadTextFile(config).substr(0, ReadTextFile(config).find("[restore]")) +
                    "[restore]\nsocket = " + fresh.socket() + "\nuser = root\npassword =\n",
                0600);
  CliResult restore =
      RunMysqlBackup({"-c", restore_config, "--restore", "latest", "--accounts"});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  EXPECT_TRUE(Contains(restore.out, "Restored 7 database(s) and the accounts")) << restore.out;
  for (const auto& db : kExpectedUnderStar) {
    EXPECT_EQ(DatabaseFingerprint(fresh, db), fingerprints_[db]) << db;
  }
  for (const char* account : {"'app'@'%'", "'ro'@'localhost'"}) {
    EXPECT_EQ(fresh.Sql(std::string("SHOW GRANTS FOR ") + account),
              server_->Sql(std::string("SHOW GRANTS FOR ") + account))
        << account;
  }
  EXPECT_EQ(fresh.Sql("SHOW GRANTS FOR reporting"), server_->Sql("SHOW GRANTS FOR reporting"));
  // The password works: the app logs in over TCP with it, and gets its default role.
  CliResult login = RunShell("mariadb --no-defaults -h127.0.0.1 -P" +
                             std::to_string(fresh.port()) + " -uapp " +
                             ShellQuote("-papp pw;#1") + " -N -e 'SELECT CURRENT_ROLE()'");
  EXPECT_EQ(login.exit_code, 0) << login.err;
  EXPECT_EQ(login.out, "reporting\n");

  // A second time: the databases now hold tables, so it refuses without --force.
  CliResult again = RunMysqlBackup({"-c", restore_config, "--restore", "latest"});
  EXPECT_EQ(again.exit_code, 64) << again.err;
  EXPECT_TRUE(Contains(again.err, "already hold tables")) << again.err;
  CliResult typo = RunMysqlBackup(
      {"-c", restore_config, "--restore", "latest", "--databases", "shop-eu,nope", "--force"});
  EXPECT_EQ(typo.exit_code, 64) << typo.err;
  EXPECT_TRUE(Contains(typo.err, "'nope' is not in")) << typo.err;
}

TEST_F(WholeServerTest, TheDrillRestoresEveryDatabaseOfTheNewestRunAndComparesWithTheManifest) {
  std::string config = WriteConfig("databases = *\nexclude = test, tmp_*\naccounts = no\n");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--backup-type", "daily"}).exit_code, 0);
  CliResult drill = RunMysqlBackup({"-c", config, "--restore-test"});
  EXPECT_EQ(drill.exit_code, 0) << drill.out << drill.err;
  EXPECT_TRUE(Contains(drill.out, "Restore drill of 7 databases: 7 passed, 0 failed")) << drill.out;
  // No scratch database is left behind.
  EXPECT_EQ(server_->Sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME "
                         "LIKE 'mysql\\_backup\\_drill%'"),
            "0\n");
}

TEST_F(WholeServerTest, RetentionIsPerDatabaseAndKeepsADroppedDatabasesNewestBackups) {
  server_->Sql("CREATE DATABASE retired; CREATE TABLE retired.t (x INT);");
  std::string config = WriteConfig("databases = retired, latest\n");
  std::string text = ReadTextFile(config);
  text.replace(text.find("[backup]\n"), 9, "[backup]\ndaily_retention = 2\n");
  WriteTextFile(config, text, 0600);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(RunMysqlBackup({"-c", config, "--backup-type", "daily"}).exit_code, 0);
  }
  server_->Sql("DROP DATABASE retired;");
  std::string star = dir_ / "star.conf";
  std::string star_text = text;
  star_text.replace(star_text.find("databases = retired, latest"), 27,
                    "databases = *\nexclude = test, tmp_*, shop-eu, my db, caf*, empty_db, "
                    "logic_only, awkward\naccounts = no");
  WriteTextFile(star, star_text, 0600);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(RunMysqlBackup({"-c", star, "--backup-type", "daily"}).exit_code, 0);
  }
  CliResult cleanup = RunMysqlBackup({"-c", star, "--cleanup"});
  ASSERT_EQ(cleanup.exit_code, 0) << cleanup.out << cleanup.err;
  int latest = 0, retired = 0, manifests = 0;
  for (const auto& f : ListFilesRecursively(backup_dir_ + "/daily")) {
    if (EndsWith(f, ".sql.gz")) {
      (f.rfind("latest-", 0) == 0 ? latest : retired)++;
    }
    if (EndsWith(f, ".json")) ++manifests;
  }
  EXPECT_EQ(latest, 2);   // daily_retention = 2 for each database
  EXPECT_EQ(retired, 2);  // dropped from the server: its newest two stay
  EXPECT_EQ(manifests, 4) << "the first run lost all its files, and its manifest with them";
  EXPECT_TRUE(Contains(cleanup.err + cleanup.out, "Database 'retired' is not in the newest run"))
      << cleanup.err;
}

TEST_F(WholeServerTest, VerifyNamesTheTamperedFileOfARun) {
  std::string config = WriteConfig("databases = shop-eu, latest\n");
  ASSERT_EQ(RunMysqlBackup({"-c", config, "--backup-type", "daily"}).exit_code, 0);
  RunManifest m = OnlyManifest();
  const ManifestFile* shop = FindDatabaseFile(m, "shop-eu");
  ASSERT_NE(shop, nullptr);
  std::string victim = backup_dir_ + "/daily/" + shop->name;
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('\x55');
  }
  CliResult v = RunMysqlBackup({"-c", config, "--verify"});
  EXPECT_EQ(v.exit_code, 65) << v.out << v.err;
  EXPECT_TRUE(Contains(v.out, "FAILED  " + victim)) << v.out << v.err;
  EXPECT_TRUE(Contains(v.out, "OK      " + backup_dir_ + "/daily/" +
                                  FindDatabaseFile(m, "latest")->name))
      << v.out;

  // A manifest changed after the run is named too.
  std::string manifest_path;
  OnlyManifest(&manifest_path);
  std::string json = ReadTextFile(manifest_path);
  json.replace(json.find("\"host\": \""), 9, "\"host\": \"X");
  WriteTextFile(manifest_path, json, 0640);
  CliResult vm = RunMysqlBackup({"-c", config, "--verify"});
  EXPECT_EQ(vm.exit_code, 65) << vm.out << vm.err;
  EXPECT_TRUE(Contains(vm.out, "FAILED  " + manifest_path)) << vm.out;
  // And the drill and a whole-server restore refuse a run whose manifest was changed.
  CliResult restore = RunMysqlBackup({"-c", config, "--restore", "latest"});
  EXPECT_EQ(restore.exit_code, 65) << restore.err;
  EXPECT_TRUE(Contains(restore.err, "does not match its .sha256")) << restore.err;
}

}  // namespace
}  // namespace mysql_backup::testing
