// LoadConfig reads the old tool's file unchanged, fills the contract's defaults, and rejects every
// bad key or value with a kConfiguration error that names the file, the section and the key.
#include "config/config.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace mysql_backup {
namespace {

// The example of the old tool's documentation, verbatim.
constexpr char kOldToolConfig[] = R"([general]
log_dir = /var/log/mysql-backup
environment = production

[database]
host = localhost
port = 3306
user = backup_user
password = your_secure_password
database = production_db

[backup]
backup_dir = /var/backup/mysql
mysqldump_options = --single-transaction --routines --events --triggers --add-drop-table --extended-insert
daily_retention = 7
weekly_retention = 4
monthly_retention = 12

[notification]
enabled = true
smtp_server = smtp.example.com
smtp_port = 587
use_tls = true
use_ssl = false
username = alerts@example.com
password = email_password
sender = mysql-backup@example.com
recipients = dba@example.com,admin@example.com
attach_logs = true
)";

constexpr char kMinimal[] = "[database]\nuser = backup\ndatabase = shop\n";
constexpr char kMailOn[] =
    "[notification]\nenabled = true\nsmtp_server = mx\nsender = b@x\nrecipients = a@x\n";

// Sets or unsets an environment variable for the scope, restoring the old value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = std::filesystem::temp_directory_path() / "config_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes `content` to `name` in the scratch folder with `mode`; returns its path.
  std::string Write(const std::string& name, const std::string& content, mode_t mode = 0600) {
    std::string path = dir_ + "/" + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    EXPECT_GE(fd, 0) << path;
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
    ::chmod(path.c_str(), mode);  // not subject to the umask
    return path;
  }

  Result<Config> Load(const std::string& text, mode_t mode = 0600) {
    path_ = Write("mysql_backup.conf", text, mode);
    return LoadConfig(path_);
  }

  // Expects `r` to have failed with kConfiguration, naming the file and every one of `parts`.
  void ExpectError(const Result<Config>& r, std::initializer_list<std::string> parts,
                   const std::string& what) {
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().kind(), ErrorKind::kConfiguration) << what;
    EXPECT_EQ(r.status().exit_code(), 78) << what;
    std::string message = r.status().ToString();
    EXPECT_NE(message.find("'" + path_ + "'"), std::string::npos) << what << ": " << message;
    for (const auto& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << what << ": " << message;
    }
  }

  std::string dir_;
  std::string path_;
  // Tests must not see a credential of the environment they run in.
  ScopedEnv no_credentials_{"CREDENTIALS_DIRECTORY", nullptr};
};

TEST_F(ConfigTest, LoadsTheOldToolsConfigUnchanged) {
  auto r = Load(kOldToolConfig);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = *r;
  EXPECT_EQ(c.path, path_);
  EXPECT_EQ(c.general.log_dir, "/var/log/mysql-backup");
  EXPECT_EQ(c.general.environment, "production");
  EXPECT_EQ(c.database.host, "localhost");
  EXPECT_EQ(c.database.port, 3306);
  EXPECT_EQ(c.database.socket, "");
  EXPECT_EQ(c.database.user, "backup_user");
  EXPECT_EQ(c.database.password, "your_secure_password");
  EXPECT_EQ(c.database_name, "production_db");
  EXPECT_EQ(c.backup.backup_dir, "/var/backup/mysql");
  EXPECT_EQ(c.backup.mysqldump_options,
            "--single-transaction --routines --events --triggers --add-drop-table "
            "--extended-insert");
  EXPECT_EQ(c.backup.daily_retention, 7);
  EXPECT_EQ(c.backup.weekly_retention, 4);
  EXPECT_EQ(c.backup.monthly_retention, 12);
  EXPECT_EQ(c.backup.compression, Compression::kGzip);
  EXPECT_EQ(c.backup.compression_level, 6);
  EXPECT_EQ(c.backup.gzip_engine, GzipEngine::kAuto);
  EXPECT_TRUE(c.notification.enabled);
  EXPECT_EQ(c.notification.smtp_server, "smtp.example.com");
  EXPECT_EQ(c.notification.smtp_port, 587);
  EXPECT_TRUE(c.notification.use_tls);
  EXPECT_FALSE(c.notification.use_ssl);
  EXPECT_EQ(c.notification.username, "alerts@example.com");
  EXPECT_EQ(c.notification.password, "email_password");
  EXPECT_EQ(c.notification.sender, "mysql-backup@example.com");
  EXPECT_EQ(c.notification.recipients,
            (std::vector<std::string>{"dba@example.com", "admin@example.com"}));
  EXPECT_TRUE(c.notification.attach_logs);
  EXPECT_EQ(c.notification.notify_on, NotifyOn::kAlways);
  // No [restore]: the backup account restores.
  EXPECT_EQ(c.restore.user, "backup_user");
  EXPECT_EQ(c.restore.password, "your_secure_password");
  EXPECT_TRUE(c.warnings.empty()) << c.warnings[0];
}

TEST_F(ConfigTest, ReadsEveryNewKey) {
  std::string ca = Write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  auto r = Load(
      "[general]\nenvironment = staging\n"
      "[database]\nhost = db.example.com\nport = 3307\nsocket = /run/mysqld/mysqld.sock\n"
      "user = backup\ndatabase = shop\n"
      "[backup]\nbackup_dir = /srv/backup\ncompression = zstd\ncompression_level = 19\n"
      "threads = 3\nlock_timeout = 60\ndump_timeout = 7200\ndaily_retention = 8\nweekly_retention = 5\n"
      "monthly_retention = 13\n"
      "[notification]\nenabled = yes\nsmtp_server = mx\nsmtp_port = 465\nuse_tls = no\n"
      "use_ssl = yes\nsender = b@x\nrecipients = a@x\nnotify_on = failure\nca_file = " +
      ca + "\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = *r;
  EXPECT_EQ(c.general.environment, "staging");
  EXPECT_EQ(c.general.log_dir, "");
  EXPECT_EQ(c.database.host, "db.example.com");
  EXPECT_EQ(c.database.port, 3307);
  EXPECT_EQ(c.database.socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(c.database.password, "");
  EXPECT_EQ(c.backup.backup_dir, "/srv/backup");
  EXPECT_EQ(c.backup.compression, Compression::kZstd);
  EXPECT_EQ(c.backup.compression_level, 19);
  EXPECT_EQ(c.backup.threads, 3);
  EXPECT_EQ(c.backup.lock_timeout_sec, 60);
  EXPECT_EQ(c.backup.dump_timeout_sec, 7200);
  EXPECT_EQ(c.backup.daily_retention, 8);
  EXPECT_EQ(c.backup.weekly_retention, 5);
  EXPECT_EQ(c.backup.monthly_retention, 13);
  EXPECT_EQ(c.notification.smtp_port, 465);
  EXPECT_FALSE(c.notification.use_tls);
  EXPECT_TRUE(c.notification.use_ssl);
  EXPECT_EQ(c.notification.notify_on, NotifyOn::kFailure);
  EXPECT_EQ(c.notification.ca_file, ca);
}

TEST_F(ConfigTest, FillsTheContractsDefaults) {
  auto r = Load(kMinimal);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = *r;
  EXPECT_EQ(c.general.log_dir, "");
  EXPECT_EQ(c.general.environment, "production");
  EXPECT_EQ(c.database.host, "localhost");
  EXPECT_EQ(c.database.port, 3306);
  EXPECT_EQ(c.database.socket, "");
  EXPECT_EQ(c.database.password, "");
  EXPECT_EQ(c.backup.backup_dir, "/var/backup/mysql");
  EXPECT_EQ(c.backup.mysqldump_options,
            "--single-transaction --routines --events --triggers --add-drop-table "
            "--extended-insert");
  EXPECT_EQ(c.backup.daily_retention, 7);
  EXPECT_EQ(c.backup.weekly_retention, 4);
  EXPECT_EQ(c.backup.monthly_retention, 12);
  EXPECT_EQ(c.backup.compression, Compression::kGzip);
  EXPECT_EQ(c.backup.compression_level, 6);
  EXPECT_EQ(c.backup.threads, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(c.backup.lock_timeout_sec, 3600);
  EXPECT_EQ(c.backup.dump_timeout_sec, 0);
  EXPECT_FALSE(c.notification.enabled);
  EXPECT_EQ(c.notification.notify_on, NotifyOn::kAlways);
  EXPECT_EQ(c.restore.user, "backup");
  EXPECT_TRUE(c.warnings.empty());
}

TEST_F(ConfigTest, EmptyValueMeansDefault) {
  auto r = Load(std::string(kMinimal) + "port =\n[backup]\ndaily_retention =\ncompression =\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.port, 3306);
  EXPECT_EQ(r->backup.daily_retention, 7);
  EXPECT_EQ(r->backup.compression, Compression::kGzip);
}

TEST_F(ConfigTest, ZstdDefaultsToLevelThree) {
  auto r = Load(std::string(kMinimal) + "[backup]\ncompression = zstd\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->backup.compression, Compression::kZstd);
  EXPECT_EQ(r->backup.compression_level, 3);
}

TEST_F(ConfigTest, ReadsEveryGzipEngine) {
  static const struct {
    const char* value;
    GzipEngine expected;
  } kCases[] = {
      {"auto", GzipEngine::kAuto},
      {"zlib", GzipEngine::kZlib},
      {"libdeflate", GzipEngine::kLibdeflate},
      {"", GzipEngine::kAuto},  // empty: the default
  };
  for (const auto& c : kCases) {
    auto r = Load(std::string(kMinimal) + "[backup]\ngzip_engine = " + c.value + "\n");
    ASSERT_TRUE(r.ok()) << c.value << ": " << r.status().ToString();
    EXPECT_EQ(r->backup.gzip_engine, c.expected) << c.value;
  }
}

TEST_F(ConfigTest, KeysAreCaseInsensitive) {
  auto r = Load("[database]\nUSER = backup\nDataBase = shop\nPort: 3310\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.user, "backup");
  EXPECT_EQ(r->database_name, "shop");
  EXPECT_EQ(r->database.port, 3310);
}

TEST_F(ConfigTest, KeepsPasswordVerbatim) {
  auto r = Load("[database]\nuser = backup\ndatabase = shop\npassword = pa$$ ;w0rd#\"'\\x\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "pa$$ ;w0rd#\"'\\x");
}

TEST_F(ConfigTest, MissingFileIsAConfigurationErrorNamingThePath) {
  path_ = dir_ + "/does-not-exist.conf";
  auto r = LoadConfig(path_);
  ExpectError(r, {"No such file or directory"}, "missing file");
}

TEST_F(ConfigTest, RejectsBadFilesNamingFileSectionAndKey) {
  static const struct {
    std::string text;
    std::vector<std::string> expected_in_message;
  } kCases[] = {
      {"[database]\ndatabase = shop\n", {"[database] user", "missing"}},
      {"[database]\nuser =\ndatabase = shop\n", {"[database] user (line 2)", "missing"}},
      {"[database]\nuser = backup\n", {"[database] database", "missing"}},
      {"[general]\nlog_dir = /x\n", {"[database] user"}},
      {"", {"[database] user"}},
      {"[database]\nuser = b\ndatabase = a\ndatabases = b\n", {"[database] databases", "not both"}},
      {"[database]\nuser = b\ndatabases = a,,b\n", {"[database] databases", "empty name"}},
      {"[database]\nuser = b\ndatabases = a, a\n", {"[database] databases", "twice"}},
      {"[database]\nuser = b\ndatabases = *, a\n", {"[database] databases", "'*'"}},
      {"[database]\nuser = b\ndatabases = a\nexclude = x\n", {"[database] exclude", "only with"}},
      {"[database]\nuser = b\ndatabase = sys\n", {"[database] database", "virtual schema"}},
      {"[database]\nuser = b\ndatabases = *\naccounts = maybe\n", {"[database] accounts"}},
      {std::string(kMinimal) + "[backup]\nparallel_dumps = 0\n", {"[backup] parallel_dumps", "'0'"}},
      {std::string(kMinimal) + "[restore]\nrestore_threads = 0\n",
       {"[restore] restore_threads", "'0'"}},
      {std::string(kMinimal) + "[restore]\nrestore_threads = many\n",
       {"[restore] restore_threads", "'many'"}},
      {std::string(kMinimal) + "port = abc\n", {"[database] port (line 4)", "'abc'"}},
      {std::string(kMinimal) + "port = 0\n", {"[database] port", "'0'"}},
      {std::string(kMinimal) + "port = 65536\n", {"[database] port", "'65536'"}},
      {std::string(kMinimal) + "port = -1\n", {"[database] port", "'-1'"}},
      {std::string(kMinimal) + "port = 33 06\n", {"[database] port", "'33 06'"}},
      {std::string(kMinimal) + "[backup]\ndaily_retention = 0\n",
       {"[backup] daily_retention (line 5)", "'0'"}},
      {std::string(kMinimal) + "[backup]\nweekly_retention = seven\n",
       {"[backup] weekly_retention", "'seven'"}},
      {std::string(kMinimal) + "[backup]\nmonthly_retention = 1.5\n",
       {"[backup] monthly_retention", "'1.5'"}},
      {std::string(kMinimal) + "[backup]\ncompression = lz4\n",
       {"[backup] compression", "'lz4'", "gzip", "zstd"}},
      {std::string(kMinimal) + "[backup]\ncompression = GZIP\n", {"[backup] compression"}},
      {std::string(kMinimal) + "[backup]\ngzip_engine = isal\n",
       {"mysql_backup.conf", "[backup] gzip_engine (line 5)", "'isal'", "auto", "zlib",
        "libdeflate"}},
      {std::string(kMinimal) + "[backup]\ngzip_engine = LibDeflate\n", {"[backup] gzip_engine"}},
      {std::string(kMinimal) + "[backup]\ncompression_level = 10\n",
       {"[backup] compression_level", "'10'", "1 to 9"}},
      {std::string(kMinimal) + "[backup]\ncompression = zstd\ncompression_level = 20\n",
       {"[backup] compression_level", "'20'", "1 to 19"}},
      {std::string(kMinimal) + "[backup]\ncompression_level = 0\n", {"[backup] compression_level"}},
      {std::string(kMinimal) + "[backup]\nthreads = 0\n", {"[backup] threads"}},
      {std::string(kMinimal) + "[backup]\nlock_timeout = 1h\n", {"[backup] lock_timeout"}},
      {std::string(kMinimal) + "[backup]\ndump_timeout = -5\n", {"[backup] dump_timeout"}},
      {std::string(kMinimal) + "[backup]\ndaily_retension = 7\n",
       {"[backup] daily_retension (line 5)", "unknown key"}},
      {std::string(kMinimal) + "pasword = x\n", {"[database] pasword", "unknown key"}},
      {std::string(kMinimal) + "[restore]\ndatabase = other\n",
       {"[restore] database", "unknown key"}},
      {std::string(kMinimal) + "[backups]\ndaily_retention = 7\n",
       {"line 4", "unknown section [backups]", "[backup]", "[target NAME]"}},
      {std::string(kMinimal) + "[Database]\n", {"unknown section [Database]"}},
      {std::string("[DEFAULT]\nhost = x\n") + kMinimal, {"unknown section [DEFAULT]"}},
      {std::string(kMinimal) + "[notification]\nenabled = maybe\n",
       {"[notification] enabled", "'maybe'"}},
      {std::string(kMinimal) + "[notification]\nenabled = true\nsender = b@x\nrecipients = a@x\n",
       {"[notification] smtp_server", "missing"}},
      {std::string(kMinimal) + "[notification]\nenabled = true\nsmtp_server = mx\n"
                               "recipients = a@x\n",
       {"[notification] sender", "missing"}},
      {std::string(kMinimal) + "[notification]\nenabled = true\nsmtp_server = mx\nsender = b@x\n",
       {"[notification] recipients", "missing"}},
      {std::string(kMinimal) + "[notification]\nenabled = true\nsmtp_server = mx\nsender = b@x\n"
                               "recipients = , ,\n",
       {"[notification] recipients", "no address"}},
      {std::string(kMinimal) + kMailOn + "use_tls = true\nuse_ssl = true\n",
       {"[notification] use_ssl", "use_tls"}},
      {std::string(kMinimal) + kMailOn + "use_ssl = on\n",  // use_tls defaults to true
       {"[notification] use_ssl"}},
      {std::string(kMinimal) + kMailOn + "smtp_port = 0\n", {"[notification] smtp_port"}},
      {std::string(kMinimal) + kMailOn + "attach_logs = sometimes\n",
       {"[notification] attach_logs", "'sometimes'"}},
      {std::string(kMinimal) + kMailOn + "notify_on = never\n",
       {"[notification] notify_on", "'never'"}},
      {std::string(kMinimal) + kMailOn + "ca_file = /nonexistent/ca.pem\n",
       {"[notification] ca_file", "'/nonexistent/ca.pem'"}},
      {std::string(kMinimal) + "[restore]\nport = x\n", {"[restore] port"}},
      // Malformed INI is reported with the file and line too.
      {std::string(kMinimal) + "user = again\n", {"line 4", "'user'", "[database]"}},
      {"user = backup\n[database]\n", {"line 1"}},
  };
  for (const auto& c : kCases) {
    auto r = Load(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    ExpectError(r, {}, c.text);
    std::string message = r.status().ToString();
    for (const auto& part : c.expected_in_message) {
      EXPECT_NE(message.find(part), std::string::npos) << c.text << "\n=> " << message;
    }
  }
}

TEST_F(ConfigTest, SelectsOneSeveralOrEveryDatabase) {
  auto one = Load(kMinimal);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->selection.mode, DatabaseSelection::Mode::kSingle);
  EXPECT_EQ(one->selection.names, std::vector<std::string>{one->database_name});
  EXPECT_FALSE(one->accounts);
  EXPECT_EQ(one->backup.parallel_dumps, 1);
  EXPECT_GE(one->restore_threads, 1);  // the number of CPUs, at most 8
  EXPECT_LE(one->restore_threads, 8);
  auto serial = Load(std::string(kMinimal) + "[restore]\nrestore_threads = 1\n");
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  EXPECT_EQ(serial->restore_threads, 1);

  auto list = Load("[database]\nuser = b\ndatabases = shop, my db ,caf\xc3\xa9\n");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->selection.mode, DatabaseSelection::Mode::kList);
  EXPECT_EQ(list->selection.names, (std::vector<std::string>{"shop", "my db", "caf\xc3\xa9"}));
  EXPECT_EQ(list->database_name, "");
  EXPECT_FALSE(list->accounts);

  auto all = Load("[database]\nuser = b\ndatabases = *\nexclude = test, tmp_*\n"
                  "[backup]\nparallel_dumps = 2\n");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->selection.mode, DatabaseSelection::Mode::kAll);
  EXPECT_EQ(all->selection.exclude, (std::vector<std::string>{"test", "tmp_*"}));
  EXPECT_TRUE(all->accounts);  // the default with *
  EXPECT_EQ(all->backup.parallel_dumps, 2);

  auto no_accounts = Load("[database]\nuser = b\ndatabases = *\naccounts = no\n");
  ASSERT_TRUE(no_accounts.ok());
  EXPECT_FALSE(no_accounts->accounts);
  auto with_accounts = Load("[database]\nuser = b\ndatabase = shop\naccounts = yes\n");
  ASSERT_TRUE(with_accounts.ok());
  EXPECT_TRUE(with_accounts->accounts);
  // One name in `databases` is that database, with the whole-server layout's rules.
  auto single_list = Load("[database]\nuser = b\ndatabases = shop\n");
  ASSERT_TRUE(single_list.ok());
  EXPECT_EQ(single_list->database_name, "shop");
  EXPECT_EQ(single_list->selection.mode, DatabaseSelection::Mode::kList);
}

TEST_F(ConfigTest, ReadsBooleansLikeConfigparser) {
  static const struct {
    const char* value;
    bool expected;
  } kCases[] = {
      {"true", true}, {"True", true}, {"TRUE", true}, {"yes", true},    {"Yes", true},
      {"on", true},   {"ON", true},   {"1", true},    {"false", false}, {"False", false},
      {"no", false},  {"NO", false},  {"off", false}, {"Off", false},   {"0", false},
  };
  for (const auto& c : kCases) {
    auto r = Load(std::string(kMinimal) + kMailOn + "attach_logs = " + c.value + "\n");
    ASSERT_TRUE(r.ok()) << c.value << ": " << r.status().ToString();
    EXPECT_EQ(r->notification.attach_logs, c.expected) << c.value;
  }
  for (const char* bad : {"y", "n", "2", "enabled", "t", "nope"}) {
    auto r = Load(std::string(kMinimal) + kMailOn + "attach_logs = " + bad + "\n");
    ExpectError(r, {"[notification] attach_logs", std::string("'") + bad + "'"}, bad);
  }
}

TEST_F(ConfigTest, SplitsRecipientsAtCommasAndTrimsSpaces) {
  static const struct {
    const char* value;
    std::vector<std::string> expected;
  } kCases[] = {
      {"a@x", {"a@x"}},
      {"dba@example.com,admin@example.com", {"dba@example.com", "admin@example.com"}},
      {"dba@example.com, admin@example.com ,  ops@example.com",
       {"dba@example.com", "admin@example.com", "ops@example.com"}},
      {"a@x,,b@x,", {"a@x", "b@x"}},
      {"a@x,\n  b@x", {"a@x", "b@x"}},  // a continuation line
  };
  for (const auto& c : kCases) {
    auto r = Load(std::string(kMinimal) +
                  "[notification]\nenabled = true\nsmtp_server = mx\nsender = b@x\n"
                  "recipients = " +
                  c.value + "\n");
    ASSERT_TRUE(r.ok()) << c.value << ": " << r.status().ToString();
    EXPECT_EQ(r->notification.recipients, c.expected) << c.value;
  }
}

TEST_F(ConfigTest, DisabledNotificationNeedsNoOtherKey) {
  for (const char* section :
       {"[notification]\nenabled = false\n", "[notification]\nenabled = no\nsmtp_port = junk\n",
        "[notification]\nsmtp_server = mx\n", ""}) {
    auto r = Load(std::string(kMinimal) + section);
    ASSERT_TRUE(r.ok()) << section << ": " << r.status().ToString();
    EXPECT_FALSE(r->notification.enabled);
  }
}

TEST_F(ConfigTest, ImplicitTlsWithoutStartTls) {
  auto r = Load(std::string(kMinimal) + kMailOn + "use_tls = false\nuse_ssl = true\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->notification.use_tls);
  EXPECT_TRUE(r->notification.use_ssl);
}

TEST_F(ConfigTest, ReadsPasswordFileWithoutTrailingNewline) {
  std::string pw = Write("pw", "s3cr3t ;#\n");
  auto r = Load(std::string(kMinimal) + "password = ignored\npassword_file = " + pw + "\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "s3cr3t ;#");

  Write("pw", "crlf\r\n");
  auto crlf = Load(std::string(kMinimal) + "password_file = " + pw + "\n");
  ASSERT_TRUE(crlf.ok()) << crlf.status().ToString();
  EXPECT_EQ(crlf->database.password, "crlf");

  Write("pw", " spaces kept ");
  auto spaces = Load(std::string(kMinimal) + "password_file = " + pw + "\n");
  ASSERT_TRUE(spaces.ok()) << spaces.status().ToString();
  EXPECT_EQ(spaces->database.password, " spaces kept ");
}

TEST_F(ConfigTest, MissingPasswordFileIsAnErrorNamingTheKey) {
  std::string missing = dir_ + "/no-such-password";
  auto r = Load(std::string(kMinimal) + "password_file = " + missing + "\n");
  ExpectError(r, {"[database] password_file (line 4)", missing}, "missing password_file");
}

// A password_file (or the config itself) that is a device, a FIFO or huge is refused at once,
// with 78 naming the file: reading /dev/zero would never end, opening a FIFO would hang.
TEST_F(ConfigTest, PasswordFileMustBeASmallRegularFile) {
  std::string fifo = dir_ + "/pw.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string big = Write("big", std::string(100 * 1024, 'x'));
  static const struct {
    std::string file;
    const char* why;
  } kCases[] = {
      {"/dev/zero", "is not a regular file"},
      {fifo, "is not a regular file"},
      {dir_, "is not a regular file"},
      {big, "is larger than 65536 bytes"},
  };
  for (const auto& c : kCases) {
    auto r = Load(std::string(kMinimal) + "password_file = " + c.file + "\n");
    ExpectError(r, {"[database] password_file (line 4)", "'" + c.file + "'", c.why}, c.file);
  }
}

TEST_F(ConfigTest, ConfigFileMustBeASmallRegularFile) {
  std::string fifo = dir_ + "/conf.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string big = Write("big.conf", std::string(kMinimal) + "# " + std::string(1 << 20, 'x'));
  static const struct {
    std::string file;
    const char* why;
  } kCases[] = {
      {"/dev/zero", "is not a regular file"},
      {fifo, "is not a regular file"},
      {big, "is larger than 1048576 bytes"},
  };
  for (const auto& c : kCases) {
    auto r = LoadConfig(c.file);
    ASSERT_FALSE(r.ok()) << c.file;
    EXPECT_EQ(r.status().exit_code(), 78) << c.file;
    EXPECT_NE(r.status().ToString().find("'" + c.file + "' " + c.why), std::string::npos)
        << r.status().ToString();
  }
}

// A control character in a one-line value is refused, not passed on: a NUL cut `user` short,
// an LF in `sender` went raw into MAIL FROM:, and a database name continued onto a second line
// became a file name with a newline. Lists that may span lines (recipients, mysqldump_options)
// may hold line breaks, but one recipient may not.
TEST_F(ConfigTest, RejectsControlCharactersInOneLineValues) {
  static const struct {
    std::string text;
    std::string where;
    std::string what;
  } kCases[] = {
      {std::string("[database]\nuser = back\0up\ndatabase = shop\n", 42), "[database] user (line 2)",
       "control character '\\x00'"},
      {"[database]\nuser = backup\ndatabase = shop\n  evil\n", "[database] database (line 3)",
       "a line break"},
      {std::string(kMinimal) + "[notification]\nenabled = true\nsmtp_server = mx\n"
                               "sender = b@x\n  RCPT TO:<x@evil>\nrecipients = a@x\n",
       "[notification] sender", "a line break"},
      {std::string(kMinimal) + "[notification]\nenabled = true\nsmtp_server = mx\n"
                               "sender = b@x\x1b[2J\nrecipients = a@x\n",
       "[notification] sender", "control character '\\x1b'"},
      {std::string(kMinimal) + "[backup]\nbackup_dir = /var/b\tx\n", "[backup] backup_dir",
       "control character '\\t'"},
      {std::string(kMinimal) + kMailOn + "  b@x\n", "[notification] recipients",
       "'a@x\\nb@x' is not one address"},
  };
  for (const auto& c : kCases) {
    auto r = Load(c.text);
    ExpectError(r, {c.where, c.what}, c.where);
  }
}

TEST_F(ConfigTest, ListsMaySpanLinesAndPasswordsMayHoldTabs) {
  auto r = Load(
      "[database]\nuser = backup\npassword = a\tb\ndatabase = shop\n[backup]\n"
      "mysqldump_options = --single-transaction\n  --routines\n" +
      std::string(kMailOn) + "  , b@x\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "a\tb");
  EXPECT_EQ(r->notification.recipients, (std::vector<std::string>{"a@x", "b@x"}));
}

// Leading zeros are fine however many there are: 7, 007 and 0000000007 are all seven.
TEST_F(ConfigTest, NumbersTakeAnyNumberOfLeadingZeros) {
  for (const char* value : {"7", "007", "000000007", "0000000007", "000000000000000000007"}) {
    auto r = Load(std::string(kMinimal) + "[backup]\ndaily_retention = " + value + "\n");
    ASSERT_TRUE(r.ok()) << value << ": " << r.status().ToString();
    EXPECT_EQ(r->backup.daily_retention, 7) << value;
  }
  auto zero = Load(std::string(kMinimal) + "[backup]\nlock_timeout = 0000000000\n");
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_EQ(zero->backup.lock_timeout_sec, 0);
  auto huge = Load(std::string(kMinimal) + "[backup]\ndaily_retention = 0010000000000\n");
  ExpectError(huge, {"[backup] daily_retention", "got '0010000000000'"}, "huge");
}

// A huge bad value or line is not echoed whole into the error: about 200 characters of it, and
// its length.
TEST_F(ConfigTest, ErrorsQuoteOnlyTheStartOfAHugeValue) {
  auto bad_number = Load(std::string(kMinimal) + "[backup]\ndaily_retention = " +
                         std::string(500000, '9') + "\n");
  ExpectError(bad_number, {"[backup] daily_retention", "... (500000 bytes in all)"}, "number");
  EXPECT_LT(bad_number.status().ToString().size(), 500u);
  auto bad_line = Load(std::string(kMinimal) + std::string(500000, 'x') + "\n");
  ExpectError(bad_line, {"line 4", "expected 'key = value'", "... (500000 bytes in all)"}, "line");
  EXPECT_LT(bad_line.status().ToString().size(), 500u);
}

TEST_F(ConfigTest, SystemdCredentialWinsOverPasswordAndPasswordFile) {
  std::string cred_dir = dir_ + "/credentials";
  ASSERT_EQ(mkdir(cred_dir.c_str(), 0700), 0);
  Write("credentials/mysql-password", "from-credential\n");
  std::string pw = Write("pw", "from-file\n");
  ScopedEnv env("CREDENTIALS_DIRECTORY", cred_dir.c_str());

  auto r = Load(std::string(kMinimal) + "password = from-config\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "from-credential");
  EXPECT_EQ(r->restore.password, "from-credential");  // [restore] falls back to it

  auto with_file = Load(std::string(kMinimal) + "password_file = " + pw + "\n");
  ASSERT_TRUE(with_file.ok()) << with_file.status().ToString();
  EXPECT_EQ(with_file->database.password, "from-credential");
}

TEST_F(ConfigTest, CredentialsDirectoryWithoutOurCredentialIsIgnored) {
  std::string cred_dir = dir_ + "/credentials";
  ASSERT_EQ(mkdir(cred_dir.c_str(), 0700), 0);
  ScopedEnv env("CREDENTIALS_DIRECTORY", cred_dir.c_str());
  auto r = Load(std::string(kMinimal) + "password = from-config\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "from-config");
}

TEST_F(ConfigTest, RestoreFallsBackToDatabaseKeyByKey) {
  auto r = Load(
      "[database]\nhost = db1\nport = 3307\nuser = backup\npassword = bpw\ndatabase = shop\n"
      "[restore]\nhost = db2\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->restore.host, "db2");
  EXPECT_EQ(r->restore.port, 3307);
  EXPECT_EQ(r->restore.user, "backup");
  EXPECT_EQ(r->restore.password, "bpw");
  EXPECT_EQ(r->database.host, "db1");
}

TEST_F(ConfigTest, PitrFallsBackToDatabaseKeyByKeyAndIsOffByDefault) {
  auto none = Load(std::string(kMinimal) + "password = bpw\n");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->pitr.enabled);
  EXPECT_EQ(none->pitr.connection.user, "backup");
  EXPECT_EQ(none->pitr.connection.password, "bpw");

  auto r = Load(
      "[database]\nhost = db1\nport = 3307\nuser = backup\npassword = bpw\ndatabase = shop\n"
      "[pitr]\nenabled = yes\nmax_lag = 10m\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->pitr.enabled);
  EXPECT_EQ(r->pitr.max_lag_sec, 600);
  EXPECT_EQ(r->pitr.connection.host, "db1");
  EXPECT_EQ(r->pitr.connection.port, 3307);
  EXPECT_EQ(r->pitr.connection.password, "bpw");

  // An own user does not inherit the backup password; its own password file is read.
  Write("pitr-pw", "ppw\n");
  auto own = Load(std::string(kMinimal) + "password = bpw\n[pitr]\nuser = archiver\n" +
                  "password_file = " + dir_ + "/pitr-pw\n");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->pitr.connection.user, "archiver");
  EXPECT_EQ(own->pitr.connection.password, "ppw");

  auto bad = Load(std::string(kMinimal) + "[pitr]\nmax_lag = soon\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kConfiguration);
  EXPECT_NE(bad.status().ToString().find("[pitr] max_lag"), std::string::npos);
  auto typo = Load(std::string(kMinimal) + "[pitr]\nenable = yes\n");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().ToString().find("[pitr] enable"), std::string::npos);
}

TEST_F(ConfigTest, RestoreUserDoesNotInheritTheBackupPassword) {
  auto r = Load(std::string(kMinimal) + "password = bpw\n[restore]\nuser = restorer\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->restore.user, "restorer");
  EXPECT_EQ(r->restore.password, "");
  EXPECT_EQ(r->database.password, "bpw");

  auto own = Load(std::string(kMinimal) +
                  "password = bpw\n[restore]\nuser = restorer\npassword = rpw\nsocket = /s\n");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->restore.user, "restorer");
  EXPECT_EQ(own->restore.password, "rpw");
  EXPECT_EQ(own->restore.socket, "/s");
  EXPECT_EQ(own->database.socket, "");
}

TEST_F(ConfigTest, RestoreUserDoesNotInheritTheCredential) {
  std::string cred_dir = dir_ + "/credentials";
  ASSERT_EQ(mkdir(cred_dir.c_str(), 0700), 0);
  Write("credentials/mysql-password", "backup-secret\n");
  ScopedEnv env("CREDENTIALS_DIRECTORY", cred_dir.c_str());
  auto r = Load(std::string(kMinimal) + "[restore]\nuser = restorer\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "backup-secret");
  EXPECT_EQ(r->restore.password, "");
}

TEST_F(ConfigTest, RestorePasswordFile) {
  std::string pw = Write("restore-pw", "rpw\n");
  auto r = Load(std::string(kMinimal) + "[restore]\nuser = restorer\npassword_file = " + pw + "\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->restore.password, "rpw");

  auto missing = Load(std::string(kMinimal) + "[restore]\npassword_file = /nonexistent/pw\n");
  ExpectError(missing, {"[restore] password_file", "/nonexistent/pw"}, "restore password_file");
}

TEST_F(ConfigTest, WarnsAboutWorldReadableFileWithPassword) {
  auto r = Load(std::string(kMinimal) + "password = secret\n", 0644);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("'" + path_ + "'"), std::string::npos) << r->warnings[0];
  EXPECT_NE(r->warnings[0].find("chmod 0640"), std::string::npos) << r->warnings[0];
}

TEST_F(ConfigTest, WarnsAboutAnyPasswordInAWorldReadableFile) {
  static const char* const kSections[] = {
      "[notification]\nenabled = true\nsmtp_server = mx\nsender = b@x\nrecipients = a@x\n"
      "password = mailpw\n",
      "[notification]\nenabled = false\npassword = mailpw\n",
      "[restore]\nuser = restorer\npassword = rpw\n",
  };
  for (const char* section : kSections) {
    auto r = Load(std::string(kMinimal) + section, 0644);
    ASSERT_TRUE(r.ok()) << section << r.status().ToString();
    EXPECT_EQ(r->warnings.size(), 1u) << section;
  }
}

TEST_F(ConfigTest, NoPermissionWarningWhenFileHoldsNoPassword) {
  std::string pw = Write("pw", "secret\n");
  for (const std::string& text : {std::string(kMinimal), std::string(kMinimal) + "password =\n",
                                  std::string(kMinimal) + "password_file = " + pw + "\n"}) {
    auto r = Load(text, 0644);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->warnings.empty()) << text << "\n=> " << r->warnings[0];
  }
}

TEST_F(ConfigTest, NoPermissionWarningWhenPasswordComesFromCredential) {
  std::string cred_dir = dir_ + "/credentials";
  ASSERT_EQ(mkdir(cred_dir.c_str(), 0700), 0);
  Write("credentials/mysql-password", "secret\n");
  ScopedEnv env("CREDENTIALS_DIRECTORY", cred_dir.c_str());
  auto r = Load(kMinimal, 0644);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "secret");
  EXPECT_TRUE(r->warnings.empty()) << r->warnings[0];
}

TEST_F(ConfigTest, NoPermissionWarningForGroupReadableFile) {
  auto r = Load(std::string(kMinimal) + "password = secret\n", 0640);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->warnings.empty()) << r->warnings[0];
}

TEST_F(ConfigTest, DoublePercentWarnsAndIsKeptVerbatim) {
  // The old tool's ConfigParser interpolated '%%' to '%'; we read values verbatim, and say so.
  auto r = Load("[database]\nuser = backup\ndatabase = shop\npassword = 100%%sure\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->database.password, "100%%sure");
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("[database] password"), std::string::npos) << r->warnings[0];
  EXPECT_NE(r->warnings[0].find("'" + path_ + "'"), std::string::npos) << r->warnings[0];

  auto single = Load("[database]\nuser = backup\ndatabase = shop\npassword = 100%sure\n");
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  EXPECT_EQ(single->database.password, "100%sure");
  EXPECT_TRUE(single->warnings.empty());
}

TEST_F(ConfigTest, RejectsDumpOptionsThatTakeOverCredentialsOrOutput) {
  static const char* const kForbidden[] = {
      "--password=x",
      "--password",
      "-px",
      "-p",
      "--result-file=/tmp/x.sql",
      "--result-file /tmp/x.sql",
      "-r /tmp/x.sql",
      "-r/tmp/x.sql",
      "--tab=/tmp",
      "-T/tmp",
      "--defaults-file=/etc/my.cnf",
      "--defaults-extra-file=/etc/my.cnf",
      "--single-transaction '--password=x'",
      // mysqldump (my_getopt) also takes unique prefixes, any case, '_' for '-', "loose-", and
      // clusters of short options.
      "--pass=x",
      "--passw=x",
      "--res=/tmp/x.sql",
      "--result=/tmp/x.sql",
      "--result_file=/tmp/x.sql",
      "--RESULT-FILE=/tmp/x.sql",
      "--loose-result-file=/tmp/x.sql",
      "--loose-pass=x",
      "--defaults-extra=/etc/my.cnf",
      "-Br/tmp/x.sql",
      "-Bp",
      "-BT/tmp",
  };
  for (const char* options : kForbidden) {
    auto r = Load(std::string(kMinimal) + "[backup]\nmysqldump_options = " + options + "\n");
    ExpectError(r, {"[backup] mysqldump_options (line 5)", "cannot be used"}, options);
  }
}

// A dump made with --databases or --all-databases holds CREATE DATABASE and USE: restored into
// another name it would load into the live database (issue 11, item 1).
TEST_F(ConfigTest, RejectsDumpOptionsThatMakeTheDumpSwitchDatabases) {
  static const char* const kForbidden[] = {
      "--databases",
      "--databases shop",
      "--single-transaction --databases shop",
      "--databa",
      "--data",
      "--DATABASES",
      "--loose-databases",
      "--enable-databases",
      "--loose-enable-databases",
      "--databases=1",
      "-B",
      "-B shop",
      "-RB",
      "-REB",
      "--all-databases",
      "--all-data",
      "--all-d",
      "--all_databases",
      "--enable-all-databases",
      "-A",
      "-RA",
      "-uroot -A",
  };
  for (const char* options : kForbidden) {
    auto r = Load(std::string(kMinimal) + "[backup]\nmysqldump_options = " + options + "\n");
    ExpectError(r, {"[backup] mysqldump_options (line 5)", "cannot be used", "CREATE DATABASE"},
                options);
  }
}

TEST_F(ConfigTest, AcceptsOrdinaryDumpOptions) {
  static const char* const kAllowed[] = {
      "--single-transaction --quick",
      "--port=3307",
      "--protocol=TCP",
      "--routines --replace",
      "--tables a b",
      "--triggers --tz-utc",
      "--where='id > 5'",
      "-hprod-db -uroot",
      "-h prod-db",
      "-w'type = \"p\"'",
      "--default-character-set=utf8mb4",
      "--no-tablespaces --skip-lock-tables",
      "-R -E --hex-blob",
      // Values that merely contain the refused letters, and options near the refused names.
      "-uAB",
      "-h BA",
      "--add-drop-table --all-tablespaces",
      "--skip-add-drop-database",
      "--no-data --dump-date",
      "--enable-comments",
      "",
  };
  for (const char* options : kAllowed) {
    auto r = Load(std::string(kMinimal) + "[backup]\nmysqldump_options = " + options + "\n");
    ASSERT_TRUE(r.ok()) << options << ": " << r.status().ToString();
  }
}

TEST_F(ConfigTest, RejectsUnterminatedQuoteInDumpOptions) {
  auto r = Load(std::string(kMinimal) + "[backup]\nmysqldump_options = --where='id > 5\n");
  ExpectError(r, {"[backup] mysqldump_options", "unterminated single quote"}, "quote");
}

TEST_F(ConfigTest, RelativeDirectoriesAreMadeAbsolute) {
  auto r = Load(std::string("[general]\nlog_dir = logs\n") + kMinimal +
                "[backup]\nbackup_dir = backups\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string cwd = std::filesystem::current_path();
  EXPECT_EQ(r->backup.backup_dir, cwd + "/backups");
  EXPECT_EQ(r->general.log_dir, cwd + "/logs");
}

}  // namespace
constexpr char kRecipient1[] = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
constexpr char kRecipient2[] = "age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg";

TEST_F(ConfigTest, EncryptionIsOffWithoutTheSection) {
  auto r = Load(kMinimal);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->encryption.enabled());
  EXPECT_TRUE(r->encryption.identity_file.empty());
}

TEST_F(ConfigTest, EncryptionRecipientsAreSpaceOrCommaSeparated) {
  auto r = Load(std::string(kMinimal) + "[encryption]\nrecipients = " + kRecipient1 + ", " +
                kRecipient2 + "\nidentity_file = /nonexistent/key.txt\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->encryption.recipients.size(), 2u);
  EXPECT_EQ(r->encryption.recipients[0].ToString(), kRecipient1);
  EXPECT_EQ(r->encryption.recipients[1].ToString(), kRecipient2);
  // identity_file is only a path at load time: a backup never reads it.
  EXPECT_EQ(r->encryption.identity_file, "/nonexistent/key.txt");
}

TEST_F(ConfigTest, EncryptionRecipientsFileIsRead) {
  std::string file = Write("recipients.txt", std::string("# ops\n") + kRecipient1 + "\n\n" +
                                                 kRecipient2 + "\n");
  auto r = Load(std::string(kMinimal) + "[encryption]\nrecipients_file = " + file + "\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->encryption.recipients.size(), 2u);
}

TEST_F(ConfigTest, EncryptionMistakesAreNamedByKey) {
  ExpectError(Load(std::string(kMinimal) + "[encryption]\nrecipients = age1bogus\n"),
              {"[encryption] recipients", "'age1bogus'"}, "bad recipient");
  ExpectError(Load(std::string(kMinimal) + "[encryption]\nrecipients = " + kRecipient1 +
                   "\nrecipients_file = /x\n"),
              {"[encryption] recipients_file", "not both"}, "both keys");
  ExpectError(Load(std::string(kMinimal) + "[encryption]\nrecipient = " + kRecipient1 + "\n"),
              {"[encryption] recipient", "unknown key"}, "typo");
  ExpectError(Load(std::string(kMinimal) + "[encryption]\nrecipients_file = " + dir_ +
                   "/missing.txt\n"),
              {"[encryption] recipients_file", "missing.txt"}, "missing file");
  // A secret key where the public one belongs is refused without being echoed.
  std::string secret =
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
  auto r = Load(std::string(kMinimal) + "[encryption]\nrecipients = " + secret + "\n");
  ExpectError(r, {"[encryption] recipients", "secret key"}, "secret key");
  if (!r.ok()) {
    EXPECT_EQ(r.status().ToString().find(secret), std::string::npos);
  }
}

TEST_F(ConfigTest, MissingIdentityFileIsNamedWhenAnActionNeedsIt) {
  EncryptionConfig none;
  auto r = LoadIdentities(none, "restore", "/b/x.sql.gz.age");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().exit_code(), 78);
  EXPECT_NE(r.status().ToString().find(
                "[encryption] identity_file is needed to restore '/b/x.sql.gz.age'"),
            std::string::npos)
      << r.status().ToString();
}

}  // namespace mysql_backup
