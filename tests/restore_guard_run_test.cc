// A restore never leaves its target database (issue 11, items 1 and 3), shown with the built
// binary against a real MariaDB and the rights a user gives a restore account to "restore over
// the live database" (`restorer`: ALL on *.*). The attacks are crafted backups that pass every
// check a backup gets (a valid .sha256, the dump's header and trailer), named like real ones in
// backup_dir/daily/. After each: the exit code and message, the live database's fingerprint
// unchanged, the victim's rows and mysql.proxies_priv unchanged, no scratch database left.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "support/cli_runner.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDumpOptions = "--single-transaction --routines --events --triggers";

// The live database and a bystander that a hostile backup aims at.
constexpr const char* kSetupSql = R"SQL(
CREATE DATABASE shop;
CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(50));
INSERT INTO shop.items VALUES (1, 'live'), (2, 'live too');
CREATE DEFINER=`root`@`localhost` PROCEDURE shop.p() SELECT COUNT(*) FROM shop.items;
CREATE DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW shop.v AS SELECT id FROM shop.items;
CREATE DEFINER=`root`@`localhost` TRIGGER shop.trg BEFORE INSERT ON shop.items
  FOR EACH ROW SET NEW.name = COALESCE(NEW.name, '?');
CREATE DATABASE victim;
CREATE TABLE victim.important (id INT PRIMARY KEY);
INSERT INTO victim.important VALUES (1), (2), (3);
-- An account confined to the restore target and the drill's scratch databases, without SUPER
-- or SET USER: what the README recommends.
CREATE USER 'confined'@'%' IDENTIFIED BY 'c0nf1ned';
GRANT ALL ON `shop\_copy`.* TO 'confined'@'%';
GRANT ALL ON `mysql\_backup\_drill\_%`.* TO 'confined'@'%';
)SQL";

class RestoreGuardRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<MariaDbServer>();
    start_ = server_->Start();
    if (start_.ok()) {
      auto r = server_->TrySql(kSetupSql);
      if (!r.ok()) start_ = r.status();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(start_.ok()) << start_.ToString() << "\n" << start_.detail();
    backup_dir_ = dir_ / "backups";
    fs::create_directories(backup_dir_ + "/daily");
    // One test that lets an attack through must not fail the next ones.
    (void)server_->Sql("DELETE FROM victim.important; INSERT INTO victim.important VALUES (1), (2), "
                       "(3)");
    shop_ = DatabaseFingerprint(*server_, "shop");
    proxies_ = server_->Sql("SELECT * FROM mysql.proxies_priv ORDER BY 1, 2, 3, 4");
    ASSERT_FALSE(shop_.empty());
    (void)server_->Sql("DROP DATABASE IF EXISTS shop_copy");
  }

  // Nothing outside the target changed, and no scratch database is left.
  void ExpectNothingElseChanged() {
    EXPECT_EQ(DatabaseFingerprint(*server_, "shop"), shop_);
    EXPECT_EQ(server_->Sql("SELECT COUNT(*) FROM victim.important"), "3\n");
    EXPECT_EQ(server_->Sql("SELECT * FROM mysql.proxies_priv ORDER BY 1, 2, 3, 4"), proxies_);
    EXPECT_EQ(server_->Sql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE "
                           "SCHEMA_NAME LIKE 'mysql\\_backup\\_drill\\_%'"),
              "");
  }

  std::string Config(const std::string& options = kDumpOptions,
                     const std::string& restore_user = MariaDbServer::kRestoreUser,
                     const std::string& restore_password = MariaDbServer::kRestorePassword) {
    const std::string port = std::to_string(server_->port());
    const std::string path = dir_ / "backup.conf";
    WriteTextFile(path,
                  "[database]\nhost = 127.0.0.1\nport = " + port + "\nuser = backup\npassword = " +
                      MariaDbServer::kBackupPassword + "\ndatabase = shop\n\n[backup]\nbackup_dir = " +
                      backup_dir_ + "\nmysqldump_options = " + options + "\n\n[restore]\nhost = " +
                      "127.0.0.1\nport = " + port + "\nuser = " + restore_user + "\npassword = " +
                      restore_password + "\n",
                  0600);
    return path;
  }

  // A backup of `sql`, as the tool would store it: gzip, sha256sum, a backup's name.
  std::string Craft(const std::string& sql) {
    const std::string name = "shop-daily-20260101T000000Z.sql.gz";
    const std::string dir = backup_dir_ + "/daily";
    WriteTextFile(dir + "/shop.sql",
                  "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu\n" + sql +
                      "\n-- Dump completed on 2026-01-01  0:00:01\n");
    CliResult r = RunShell("cd " + ShellQuote(dir) + " && gzip -c shop.sql > " + name +
                           " && rm shop.sql && sha256sum " + name + " > " + name + ".sha256");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir + "/" + name;
  }

  static std::unique_ptr<MariaDbServer> server_;
  static Status start_;
  TempDir dir_;
  std::string backup_dir_;
  std::string shop_;
  std::string proxies_;
};

std::unique_ptr<MariaDbServer> RestoreGuardRunTest::server_;
Status RestoreGuardRunTest::start_;

TEST_F(RestoreGuardRunTest, ABackupWithDatabasesIsRefusedAtConfigLoad) {
  for (const char* options : {"--databases", "-B", "--all-databases", "--databa", "-RA"}) {
    CliResult r = RunMysqlBackup({"-c", Config(options), "--backup-type", "daily"});
    EXPECT_EQ(r.exit_code, 78) << options << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, "mysqldump_options")) << r.err;
    EXPECT_TRUE(ListFilesRecursively(backup_dir_ + "/daily").empty()) << options;
  }
}

constexpr const char* kSwitchesDatabase =
    "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`;\n"
    "USE `shop`;\n"
    "DROP TABLE IF EXISTS `items`;\n"
    "CREATE TABLE `items` (`id` int(11) NOT NULL, PRIMARY KEY (`id`));\n"
    "INSERT INTO `items` VALUES (99);\n";

TEST_F(RestoreGuardRunTest, RestoreRefusesABackupThatSwitchesDatabases) {
  const std::string backup = Craft(kSwitchesDatabase);
  CliResult r =
      RunMysqlBackup({"-c", Config(), "--restore", backup, "--target-database", "shop_copy"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "Refusing to restore: the backup contains `CREATE DATABASE")) << r.err;
  EXPECT_TRUE(Contains(r.err, "which would leave the target database 'shop_copy'")) << r.err;
  EXPECT_EQ(server_->Sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                         "'shop_copy'"),
            "0\n");
  ExpectNothingElseChanged();
}

TEST_F(RestoreGuardRunTest, RestoreRunsNothingOfARefusedStatementEvenAtTheEndOfTheDump) {
  // The refused statement is the last one and has no delimiter: the client would run it at the
  // end of its input if that were closed before it is stopped.
  const std::string backup = Craft(
      "CREATE TABLE `marker` (`a` int);\nINSERT INTO `marker` VALUES (1);\n"
      "INSERT INTO mysql.proxies_priv VALUES ('localhost','restorer','root','localhost',1,'x',"
      "NOW())");
  CliResult r =
      RunMysqlBackup({"-c", Config(), "--restore", backup, "--target-database", "shop_copy"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "`INSERT INTO mysql.proxies_priv VALUES` which would leave the "
                              "target database 'shop_copy'"))
      << r.err;
  ExpectNothingElseChanged();
}

TEST_F(RestoreGuardRunTest, DrillRefusesABackupThatSwitchesDatabases) {
  const std::string backup = Craft(kSwitchesDatabase);
  CliResult r = RunMysqlBackup({"-c", Config(), "--restore-test", backup});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "Refusing to restore")) << r.err;
  EXPECT_FALSE(Contains(r.out + r.err, "passed"));
  ExpectNothingElseChanged();
}

TEST_F(RestoreGuardRunTest, DrillRefusesTheTriggerAndProxiesPrivAttack) {
  // The attack from issue 11, item 3, in the order that would fire the trigger, then with the
  // trigger after the data (as mysqldump orders them) and the grant alone.
  const std::string attacks[] = {
      "CREATE TABLE `t` (`a` int);\n"
      "CREATE DEFINER=`root`@`localhost` TRIGGER `trg` AFTER INSERT ON `t` FOR EACH ROW "
      "DELETE FROM victim.important;\n"
      "INSERT INTO `t` VALUES (1);\n",
      "CREATE TABLE `t` (`a` int);\nINSERT INTO `t` VALUES (1);\n"
      "INSERT INTO mysql.proxies_priv VALUES ('localhost','restorer','root','localhost',1,'x',"
      "NOW());\n",
      "CREATE TABLE `t` (`a` int);\nDELETE FROM victim.important;\n",
      // Under another delimiter the client sends it all as one query and the server runs each
      // ';'-separated statement.
      "DELIMITER ;;\nCREATE PROCEDURE `p`() BEGIN SELECT 1; END; DELETE FROM victim.important; "
      "END ;;\nDELIMITER ;\n",
  };
  for (const std::string& attack : attacks) {
    CliResult r = RunMysqlBackup({"-c", Config(), "--restore-test", Craft(attack)});
    EXPECT_EQ(r.exit_code, 65) << attack << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "Refusing to restore")) << r.err;
    EXPECT_FALSE(Contains(r.out + r.err, "passed")) << r.out;
    ExpectNothingElseChanged();
  }
}

TEST_F(RestoreGuardRunTest, DefinersBecomeTheRestorerWhoNeedsNoSuperOrSetUser) {
  auto made = BackupMadeBy(RunMysqlBackup({"-c", Config(), "--backup-type", "daily"}));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const std::string backup = *made;

  const std::string config = Config(kDumpOptions, "confined", "c0nf1ned");
  CliResult r = RunMysqlBackup({"-c", config, "--restore", backup, "--target-database", "shop_copy"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "`root`@`localhost`")) << "the warning names the definer: " << r.err;
  EXPECT_EQ(DatabaseFingerprint(*server_, "shop_copy"), shop_);
  EXPECT_EQ(server_->Sql("SELECT DISTINCT DEFINER FROM information_schema.ROUTINES WHERE "
                         "ROUTINE_SCHEMA = 'shop_copy' UNION SELECT DEFINER FROM "
                         "information_schema.VIEWS WHERE TABLE_SCHEMA = 'shop_copy' UNION SELECT "
                         "DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = "
                         "'shop_copy'"),
            "confined@%\n");

  CliResult drill = RunMysqlBackup({"-c", config, "--restore-test", backup});
  EXPECT_EQ(drill.exit_code, 0) << drill.out << drill.err;
  EXPECT_TRUE(Contains(drill.out, "Restore drill passed")) << drill.out;
  ExpectNothingElseChanged();
  (void)server_->Sql("DROP DATABASE IF EXISTS shop_copy");
}

}  // namespace
}  // namespace mysql_backup::testing
