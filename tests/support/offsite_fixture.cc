#include "support/offsite_fixture.h"

#include <filesystem>

#include "support/test_util.h"

namespace mysql_backup::testing {

namespace fs = std::filesystem;

std::unique_ptr<MariaDbServer> OffsiteTest::server_;
Status OffsiteTest::start_;

void OffsiteTest::StartDatabase() {
  server_ = std::make_unique<MariaDbServer>();
  std::string fingerprint;
  start_ = StartWithAwkwardFixture(server_.get(), &fingerprint);
  if (!start_.ok()) return;
  // Enough hard-to-compress rows that the backup spans several 16 KiB parts (~200 KiB).
  server_->Sql("CREATE TABLE offsite_bulk (id INT PRIMARY KEY, h VARCHAR(128)); "
               "INSERT INTO offsite_bulk SELECT seq, SHA2(seq, 512) FROM seq_1_to_3000;",
               "awkward");
}

void OffsiteTest::SetUpDatabase() {
  ASSERT_TRUE(start_.ok()) << start_.ToString();
  backup_dir_ = dir_ / "backups";
  fs::create_directories(backup_dir_);
}

std::string OffsiteTest::LocalConfig() const {
  return "[general]\nlog_dir = " + (dir_ / "log") +
         "\n\n[database]\nhost = 127.0.0.1\nport = " + std::to_string(server_->port()) +
         "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword +
         "\ndatabase = awkward\n\n[backup]\nbackup_dir = " + backup_dir_ +
         "\nmysqldump_options = --single-transaction --routines --events --triggers "
         "--add-drop-table --extended-insert\n";
}

std::string OffsiteTest::RestoreSection() {
  return "\n[restore]\nhost = 127.0.0.1\nport = " + std::to_string(server_->port()) +
         "\nuser = " + MariaDbServer::kRestoreUser +
         "\npassword = " + MariaDbServer::kRestorePassword + "\n";
}

std::string OffsiteTest::WriteConfigFile(const std::string& text) const {
  std::string path = dir_ / "backup.conf";
  WriteTextFile(path, text, 0600);
  return path;
}

CliResult OffsiteTest::Run(const std::vector<std::string>& args) {
  CliResult r = RunMysqlBackup(args);
  outputs_ += r.out + r.err;
  return r;
}

std::string OffsiteTest::AllOutput() const {
  std::string all = outputs_;
  if (fs::exists(dir_ / "log")) {
    for (const auto& f : ListFilesRecursively(dir_ / "log")) all += ReadTextFile(dir_ / ("log/" + f));
  }
  return all;
}

std::string OffsiteTest::ManifestOf(const std::string& type, const std::string& name) {
  std::string stamp = name.substr(name.rfind('-') + 1);
  return type + "/manifest-" + type + "-" + stamp.substr(0, stamp.find('.')) + ".json";
}

std::string OffsiteTest::OnlyBackup(const std::string& type) const {
  if (!fs::exists(backup_dir_ + "/" + type)) return "";
  for (const auto& f : ListFilesRecursively(backup_dir_ + "/" + type)) {
    if (EndsWith(f, ".sql.gz")) return backup_dir_ + "/" + type + "/" + f;
  }
  return "";
}

std::string OffsiteTest::ExpectKeptLocally(const std::string& config, const std::string& type) {
  std::string local = OnlyBackup(type);
  EXPECT_FALSE(local.empty()) << "the local " << type << " backup must be kept";
  if (local.empty()) return local;
  CliResult verify = Run({"-c", config, "--verify", local});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  return local;
}

std::vector<std::pair<std::string, std::string>> OffsiteTest::RetentionSeed() {
  std::vector<std::pair<std::string, std::string>> out;
  auto complete = [&](const std::string& name, const std::string& content) {
    out.emplace_back("daily/" + name, content);
    out.emplace_back("daily/" + name + ".sha256", std::string(64, 'a') + "  " + name + "\n");
  };
  complete("awkward-daily-20200103T000000Z.sql.gz", "old backup bytes");
  complete("awkward-daily-20200104T000000Z.sql.gz", "old backup bytes");
  complete("awkward-daily-20200105T000000Z.sql.gz", "old backup bytes");
  out.emplace_back("daily/awkward-daily-20200101T000000Z.sql.gz", "incomplete: no .sha256");
  // The accounts file is a series of its own, kept by the same counts.
  complete("accounts-daily-20200103T000000Z.accounts.sql.gz", "old accounts");
  complete("accounts-daily-20200104T000000Z.accounts.sql.gz", "old accounts");
  complete("accounts-daily-20200105T000000Z.accounts.sql.gz", "old accounts");
  complete("manifest-daily-20200103T000000Z.json", "{}");
  complete("manifest-daily-20200105T000000Z.json", "{}");
  complete("manifest-daily-20200101T000000Z.json", "{}");
  out.emplace_back("daily/notes.txt", "foreign");
  out.emplace_back("daily-extra/awkward-daily-20200102T000000Z.sql.gz", "foreign");
  out.emplace_back("weekly/manifest-daily-20200103T000000Z.json", "foreign: not in its folder");
  out.emplace_back("daily/manifest-daily-20200103T000000Z.json.bak", "foreign");
  return out;
}

std::set<std::string> OffsiteTest::RetentionSurvivors(const std::string& name) {
  return {
      "daily/" + name,
      "daily/" + name + ".sha256",
      ManifestOf("daily", name),
      ManifestOf("daily", name) + ".sha256",
      "daily/awkward-daily-20200105T000000Z.sql.gz",
      "daily/awkward-daily-20200105T000000Z.sql.gz.sha256",
      "daily/manifest-daily-20200105T000000Z.json",
      "daily/manifest-daily-20200105T000000Z.json.sha256",
      "daily/awkward-daily-20200101T000000Z.sql.gz",
      "daily/accounts-daily-20200104T000000Z.accounts.sql.gz",
      "daily/accounts-daily-20200104T000000Z.accounts.sql.gz.sha256",
      "daily/accounts-daily-20200105T000000Z.accounts.sql.gz",
      "daily/accounts-daily-20200105T000000Z.accounts.sql.gz.sha256",
      "daily/manifest-daily-20200101T000000Z.json",
      "daily/manifest-daily-20200101T000000Z.json.sha256",
      "daily/notes.txt",
      "daily-extra/awkward-daily-20200102T000000Z.sql.gz",
      "weekly/manifest-daily-20200103T000000Z.json",
      "daily/manifest-daily-20200103T000000Z.json.bak",
  };
}

}  // namespace mysql_backup::testing
