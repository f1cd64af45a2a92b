// --archive-binlogs against a real MariaDB with binary logging on: what a user finds under
// <backup_dir>/binlog/<server_id>/ after inserts and rotations, a purge before archiving
// reported as a gap (65), and runs killed at random points leaving nothing that fails --verify.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
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

class BinlogArchiveTest : public ::testing::Test {
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
    config_ = dir_ / "mysql_backup.conf";
    WriteTextFile(config_,
                  "[database]\nhost = 127.0.0.1\nport = " + std::to_string(server_.port()) +
                      "\nuser = backup\npassword = " + MariaDbServer::kBackupPassword +
                      "\ndatabase = shop\n\n[backup]\nbackup_dir = " + backup_dir_ +
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

  std::string Archive() const { return backup_dir_ + "/binlog/1"; }
  bool Exists(const std::string& p) const { return fs::exists(p); }

  CliResult Run(const std::vector<std::string>& action) {
    std::vector<std::string> args = {"--config", config_};
    args.insert(args.end(), action.begin(), action.end());
    return RunMysqlBackup(args);
  }

  MariaDbServer server_;
  TempDir dir_;
  std::string backup_dir_;
  std::string config_;
};

TEST_F(BinlogArchiveTest, PublishesOnlyCompleteFilesAndKeepsTheActiveOneInPartial) {
  Insert(20);  // several rotations at max_binlog_size=4096
  server_.Sql("FLUSH BINARY LOGS");
  Insert(3);
  std::vector<std::string> logs = ServerLogs();
  ASSERT_GE(logs.size(), 3u);

  CliResult r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (size_t i = 0; i + 1 < logs.size(); ++i) {
    const std::string base = Archive() + "/" + logs[i];
    EXPECT_TRUE(Exists(base + ".gz")) << logs[i];
    EXPECT_TRUE(Exists(base + ".gz.sha256")) << logs[i];
    EXPECT_TRUE(Exists(base + ".json")) << logs[i];
    std::string sidecar = ReadTextFile(base + ".json");
    EXPECT_NE(sidecar.find("\"next_file\": \"" + logs[i + 1] + "\""), std::string::npos) << sidecar;
    EXPECT_NE(sidecar.find("\"complete\": true"), std::string::npos) << sidecar;
  }
  // The active file: only in partial/, marked incomplete, never among the complete ones.
  const std::string active = logs.back();
  EXPECT_FALSE(Exists(Archive() + "/" + active + ".gz"));
  EXPECT_FALSE(Exists(Archive() + "/" + active + ".json"));
  ASSERT_TRUE(Exists(Archive() + "/partial/" + active + ".gz"));
  EXPECT_NE(ReadTextFile(Archive() + "/partial/" + active + ".json").find("\"complete\": false"),
            std::string::npos);

  // sha256sum -c works in the folder, and the files are the server's bytes.
  CliResult sums = RunShell("cd '" + Archive() + "' && sha256sum -c --quiet *.sha256");
  EXPECT_EQ(sums.exit_code, 0) << sums.out << sums.err;
  CliResult same = RunShell("gzip -dc '" + Archive() + "/" + logs[0] + ".gz' | cmp - '" +
                            server_.dir() + "/data/" + logs[0] + "'");
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;

  CliResult verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // The next run takes up where this one stopped; the old partial copy goes.
  Insert(3);
  server_.Sql("FLUSH BINARY LOGS");
  r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Exists(Archive() + "/" + active + ".json"));
  EXPECT_FALSE(Exists(Archive() + "/partial/" + active + ".gz"));
  EXPECT_TRUE(Exists(Archive() + "/partial/" + ServerLogs().back() + ".gz"));
  verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(BinlogArchiveTest, APurgeBeforeArchivingIsAGapNamedAndRemembered) {
  Insert(2);
  server_.Sql("FLUSH BINARY LOGS");
  CliResult r = Run({"--archive-binlogs"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> before = ServerLogs();
  const std::string missing_from = before.back();  // active at the first run, never archived
  server_.Sql("FLUSH BINARY LOGS");
  Insert(2);
  server_.Sql("FLUSH BINARY LOGS");
  std::vector<std::string> after = ServerLogs();
  // The server keeps a file until InnoDB's binlog checkpoint has passed it: purge until it is
  // really gone.
  for (int i = 0; i < 100 && ServerLogs().front() != after.back(); ++i) {
    server_.Sql("PURGE BINARY LOGS TO '" + after.back() + "'");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(ServerLogs().front(), after.back());

  r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
  EXPECT_NE(r.err.find("gap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'" + missing_from + "'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("next dump"), std::string::npos) << r.err;
  EXPECT_TRUE(Exists(Archive() + "/gaps.json"));

  // Later runs archive on and keep saying so, without failing again.
  Insert(2);
  server_.Sql("FLUSH BINARY LOGS");
  r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("'" + missing_from + "'"), std::string::npos) << r.err;
  EXPECT_TRUE(Exists(Archive() + "/" + after.back() + ".json"));
  CliResult verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(BinlogArchiveTest, OffWithoutPitrEnabled) {
  WriteTextFile(config_, "[database]\nuser = backup\ndatabase = shop\n\n[backup]\nbackup_dir = " + backup_dir_ +
                             "\n\n[pitr]\nenabled = no\n");
  CliResult r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 78) << r.out << r.err;
  EXPECT_NE(r.err.find("[pitr] enabled"), std::string::npos) << r.err;
}

TEST_F(BinlogArchiveTest, AKilledRunLeavesNothingVisibleThatFailsVerify) {
  std::mt19937 rng(20261202);
  for (int round = 0; round < 6; ++round) {
    Insert(15);
    server_.Sql("FLUSH BINARY LOGS");
    std::string out_file = dir_ / ("run" + std::to_string(round) + ".out");
    pid_t pid = StartMysqlBackup({"--config", config_, "--archive-binlogs"}, out_file);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    kill(pid, SIGKILL);
    WaitFor(pid);
    CliResult verify = Run({"--verify"});
    EXPECT_EQ(verify.exit_code, 0) << "round " << round << "\n" << verify.out << verify.err;
  }
  // And a run that is left alone finishes the work.
  CliResult r = Run({"--archive-binlogs"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> logs = ServerLogs();
  for (size_t i = 0; i + 1 < logs.size(); ++i) {
    EXPECT_TRUE(Exists(Archive() + "/" + logs[i] + ".json")) << logs[i];
  }
  CliResult verify = Run({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace mysql_backup::testing
