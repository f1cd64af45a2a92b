// Monitoring through the built binary, as an operator sees it: the metrics file after a backup,
// a failed backup (wrong password: 69) and a restore drill, checked by Prometheus' own promtool
// and against the files on disk; a real node_exporter serving our series from its textfile
// folder; concurrent runs that never leave a torn file; --check's verdicts and its 0/2/3 exit
// statuses on planted backups; heartbeat pings to a local HTTP server that records them, and a
// server that is down or hangs changing nothing; --daemon jobs watched exactly as oneshot runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
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

// A background program (node_exporter, the HTTP server), killed and reaped with the object.
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      FILE* out = fopen(log.c_str(), "w");
      if (out != nullptr) {
        dup2(fileno(out), 1);
        dup2(fileno(out), 2);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

 private:
  pid_t pid_ = -1;
};

// The value of the sample `series` (name and labels exactly as written), or nullopt.
std::optional<double> Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

bool HaveProgram(const std::string& name) {
  return RunShell("command -v " + name + " >/dev/null").exit_code == 0;
}

CliResult Promtool(const std::string& file) {
  return RunShell("promtool check metrics < " + ShellQuote(file) + " 2>&1");
}

class MonitoringRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<MariaDbServer>();
    start_ = server_->Start();
    if (start_.ok()) {
      server_->Sql("CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, item "
                   "VARCHAR(20)); INSERT INTO shop.orders VALUES (1, 'tea'), (2, 'cake');");
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(start_.ok()) << start_.ToString();
    backup_dir_ = dir_ / "backups";
    textfile_dir_ = dir_ / "textfile";
    metrics_ = textfile_dir_ + "/mysql_backup.prom";
    ASSERT_EQ(mkdir(backup_dir_.c_str(), 0750), 0);
    ASSERT_EQ(mkdir(textfile_dir_.c_str(), 0755), 0);
  }

  std::string WriteConfig(const std::string& monitoring, const std::string& password = "",
                          const std::string& name = "backup.conf") {
    std::string text = "[database]\nhost = 127.0.0.1\nport = " + std::to_string(server_->port()) +
                       "\nuser = backup\npassword = " +
                       (password.empty() ? MariaDbServer::kBackupPassword : password) +
                       "\ndatabase = shop\n\n[backup]\nbackup_dir = " + backup_dir_ +
                       "\n\n[restore]\nhost = 127.0.0.1\nport = " + std::to_string(server_->port()) +
                       "\nuser = " + MariaDbServer::kRestoreUser +
                       "\npassword = " + MariaDbServer::kRestorePassword + "\n\n[monitoring]\n" +
                       monitoring;
    std::string path = dir_ / name;
    WriteTextFile(path, text, 0600);
    return path;
  }
  std::string MetricsConfig(const std::string& extra = "") {
    return WriteConfig("metrics_file = " + metrics_ + "\n" + extra);
  }

  // A backup of `type` made `age_sec` ago: any bytes under a valid name, with a valid .sha256.
  std::string PlantBackup(const std::string& type, long long age_sec,
                          const std::string& database = "shop") {
    std::string folder = backup_dir_ + "/" + type;
    fs::create_directories(folder);
    std::string name = database + "-" + type + "-" + UtcStamp(std::time(nullptr) - age_sec) +
                       ".sql.gz";
    WriteTextFile(folder + "/" + name, "planted", 0640);
    CliResult r = RunShell("cd " + ShellQuote(folder) + " && sha256sum " + ShellQuote(name) +
                           " > " + ShellQuote(name) + ".sha256");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return folder + "/" + name;
  }

  std::string Labels(const std::string& config, const std::string& type) const {
    return "{config=\"" + config + "\",database=\"shop\",type=\"" + type + "\"}";
  }

  // The start time the name of the single daily backup on disk says.
  std::time_t DailyStamp() const {
    for (const auto& e : fs::directory_iterator(backup_dir_ + "/daily")) {
      std::smatch m;
      std::string name = e.path().filename().string();
      if (std::regex_match(name, m, std::regex(R"(shop-daily-(\d{8}T\d{6}Z)\.sql\.gz)"))) {
        struct tm tm = {};
        strptime(m[1].str().c_str(), "%Y%m%dT%H%M%SZ", &tm);
        return timegm(&tm);
      }
    }
    return 0;
  }

  static std::unique_ptr<MariaDbServer> server_;
  static Status start_;
  TempDir dir_;
  std::string backup_dir_, textfile_dir_, metrics_;
};

std::unique_ptr<MariaDbServer> MonitoringRunTest::server_;
Status MonitoringRunTest::start_;

TEST_F(MonitoringRunTest, MetricsFileParsesAndMatchesDiskAfterSuccessFailureAndDrill) {
  if (!HaveProgram("promtool")) GTEST_SKIP() << "promtool is not installed (apt-get install prometheus)";
  std::string config = MetricsConfig();
  CliResult ok = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  CliResult check = Promtool(metrics_);
  EXPECT_EQ(check.exit_code, 0) << check.out;
  std::string text = ReadTextFile(metrics_);
  std::time_t stamp = DailyStamp();
  ASSERT_NE(stamp, 0);
  std::string backup;
  for (const auto& e : fs::directory_iterator(backup_dir_ + "/daily")) {
    if (EndsWith(e.path().string(), ".sql.gz")) backup = e.path().string();
  }
  EXPECT_EQ(Sample(text, "mysql_backup_last_success_timestamp_seconds" + Labels(config, "daily")),
            static_cast<double>(stamp))
      << text;
  EXPECT_EQ(Sample(text, "mysql_backup_last_size_bytes" + Labels(config, "daily")),
            static_cast<double>(fs::file_size(backup)));
  EXPECT_EQ(Sample(text, "mysql_backup_backups" + Labels(config, "daily")), 1);
  EXPECT_EQ(Sample(text, "mysql_backup_last_exit_code" + Labels(config, "daily")), 0);
  EXPECT_TRUE(Sample(text, "mysql_backup_backup_dir_free_bytes{config=\"" + config + "\"}"));
  struct stat st;
  ASSERT_EQ(stat(metrics_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u) << "node_exporter runs as another user";

  // A failed run: 69, recorded; the last success still the file on disk.
  sleep(1);
  std::string bad = WriteConfig("metrics_file = " + metrics_ + "\n", "wrong", "bad.conf");
  CliResult failed = RunMysqlBackup({"-c", bad, "--backup-type", "daily"});
  ASSERT_EQ(failed.exit_code, 69) << failed.err;
  EXPECT_EQ(Promtool(metrics_).exit_code, 0) << Promtool(metrics_).out;
  text = ReadTextFile(metrics_);
  EXPECT_EQ(Sample(text, "mysql_backup_last_exit_code" + Labels(bad, "daily")), 69) << text;
  EXPECT_EQ(Sample(text, "mysql_backup_last_success_timestamp_seconds" + Labels(bad, "daily")),
            static_cast<double>(stamp));
  EXPECT_GT(*Sample(text, "mysql_backup_last_attempt_timestamp_seconds" + Labels(bad, "daily")),
            static_cast<double>(stamp));

  // The drill.
  CliResult drill = RunMysqlBackup({"-c", config, "--restore-test"});
  ASSERT_EQ(drill.exit_code, 0) << drill.err;
  EXPECT_EQ(Promtool(metrics_).exit_code, 0) << Promtool(metrics_).out;
  text = ReadTextFile(metrics_);
  std::string drill_labels = "{config=\"" + config + "\",database=\"shop\"}";
  EXPECT_EQ(Sample(text, "mysql_backup_restore_drill_last_exit_code" + drill_labels), 0) << text;
  EXPECT_GE(*Sample(text, "mysql_backup_restore_drill_last_success_timestamp_seconds" +
                              drill_labels),
            static_cast<double>(stamp));
  // The failure of the other config's run is still in the picture, and so is the backup.
  EXPECT_EQ(Sample(text, "mysql_backup_last_exit_code" + Labels(config, "daily")), 69);
  EXPECT_EQ(Sample(text, "mysql_backup_backups" + Labels(config, "daily")), 1);
}

TEST_F(MonitoringRunTest, NodeExporterServesOurSeriesAndConcurrentRunsNeverTearTheFile) {
  if (!HaveProgram("prometheus-node-exporter")) {
    GTEST_SKIP() << "prometheus-node-exporter is not installed";
  }
  PlantBackup("daily", 3600);
  PlantBackup("weekly", 86400);
  std::string config = MetricsConfig("max_age_monthly = 0\n");
  // Several runs at once, each rewriting the file, while a reader checks every version it sees.
  std::vector<pid_t> runs;
  for (int i = 0; i < 6; ++i) {
    runs.push_back(StartMysqlBackup({"-c", config, i % 2 ? "--cleanup" : "--check"},
                                    dir_ / ("run" + std::to_string(i) + ".log")));
  }
  // Finished runs are zombies until reaped, with an empty command line.
  for (int i = 0; i < 20000 && !ProcessesMentioning(config).empty(); ++i) {
    if (!Exists(metrics_)) continue;
    std::string text = ReadTextFile(metrics_);
    ASSERT_TRUE(EndsWith(text, "\n")) << text;
    ASSERT_TRUE(Contains(text, "mysql_backup_backup_dir_free_bytes{")) << text;
    ASSERT_TRUE(Contains(text, "# HELP mysql_backup_last_success_timestamp_seconds")) << text;
  }
  for (pid_t pid : runs) EXPECT_EQ(WaitFor(pid), 0);
  EXPECT_EQ(Promtool(metrics_).exit_code, 0);
  // The metrics and the state beside it (hidden, not *.prom); no temp file left behind.
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(textfile_dir_)) files.insert(e.path().filename());
  EXPECT_EQ(files, (std::set<std::string>{"mysql_backup.prom", ".mysql_backup.prom.state"}));

  // A free loopback port for the exporter.
  CliResult port_r = RunShell(
      "python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); "
      "print(s.getsockname()[1])'");
  std::string port = port_r.out.substr(0, port_r.out.find('\n'));
  Background exporter({"prometheus-node-exporter", "--web.listen-address=127.0.0.1:" + port,
                       "--collector.disable-defaults", "--collector.textfile",
                       "--collector.textfile.directory=" + textfile_dir_},
                      dir_ / "exporter.log");
  std::string scraped;
  ASSERT_TRUE(WaitUntil([&] {
    CliResult r = RunShell("curl -fsS http://127.0.0.1:" + port + "/metrics");
    scraped = r.out;
    return r.exit_code == 0 && Contains(scraped, "mysql_backup_backups");
  }, std::chrono::seconds(30))) << ReadTextFile(dir_ / "exporter.log");
  EXPECT_EQ(Sample(scraped, "mysql_backup_backups" + Labels(config, "daily")), 1) << scraped;
  EXPECT_EQ(Sample(scraped, "mysql_backup_backups" + Labels(config, "weekly")), 1) << scraped;
  EXPECT_TRUE(Sample(scraped, "mysql_backup_last_exit_code" + Labels(config, "cleanup")));
  // The collector reports a file it could not parse; ours parsed.
  EXPECT_EQ(Sample(scraped, "node_textfile_scrape_error"), 0) << scraped;
}

TEST_F(MonitoringRunTest, CheckExitsZeroWhenFreshTwoNamingTheStaleOneThreeWhenUnreadable) {
  std::string config = WriteConfig("metrics_file =\nmax_age_monthly = 0\n");
  PlantBackup("daily", 3600);
  PlantBackup("weekly", 2 * 86400);
  CliResult fresh = RunMysqlBackup({"-c", config, "--check"});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  EXPECT_TRUE(Contains(fresh.out, "OK: daily backup of 'shop' is 60 min old")) << fresh.out;
  EXPECT_FALSE(Contains(fresh.out, "monthly")) << "max_age_monthly = 0 turns monthly off";

  // A stale daily beside the fresh weekly: 2, naming it.
  fs::remove_all(backup_dir_ + "/daily");
  std::string old = PlantBackup("daily", 3 * 86400 + 600);
  CliResult stale = RunMysqlBackup({"-c", config, "--check"});
  EXPECT_EQ(stale.exit_code, 2) << stale.out << stale.err;
  EXPECT_TRUE(Contains(stale.out, "CRITICAL: daily backups of shop are 3 days old")) << stale.out;
  EXPECT_TRUE(Contains(stale.out, "STALE: daily backup of 'shop' is 3 days old (limit 26 hours): '" +
                                      old + "'"))
      << stale.out;
  EXPECT_TRUE(Contains(stale.out, "OK: weekly backup of 'shop'")) << stale.out;

  // Turned off, the stale daily is ignored.
  std::string daily_off = WriteConfig("metrics_file =\nmax_age_monthly = 0\nmax_age_daily = 0\n",
                                      "", "off.conf");
  CliResult off = RunMysqlBackup({"-c", daily_off, "--check"});
  EXPECT_EQ(off.exit_code, 0) << off.out;

  // A backup without its .sha256 is not a verified one.
  fs::remove(old + ".sha256");
  PlantBackup("daily", 2 * 86400 + 600);
  CliResult unverified = RunMysqlBackup({"-c", config, "--check"});
  EXPECT_EQ(unverified.exit_code, 2);
  EXPECT_TRUE(Contains(unverified.out, "are 2 days old")) << unverified.out;

  // No backup at all of a configured database: 2.
  fs::remove_all(backup_dir_ + "/daily");
  fs::remove_all(backup_dir_ + "/weekly");
  CliResult none = RunMysqlBackup({"-c", config, "--check"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(Contains(none.out, "no daily backup of shop")) << none.out;

  // backup_dir that cannot be read (a link where a type folder belongs; root reads any mode):
  // 3, UNKNOWN.
  fs::create_directory_symlink("/etc", backup_dir_ + "/daily");
  CliResult link = RunMysqlBackup({"-c", config, "--check"});
  EXPECT_EQ(link.exit_code, 3) << link.out << link.err;
  EXPECT_TRUE(Contains(link.out, "UNKNOWN:")) << link.out;
  fs::remove(backup_dir_ + "/daily");
  fs::remove_all(backup_dir_);
  CliResult missing = RunMysqlBackup({"-c", config, "--check"});
  EXPECT_EQ(missing.exit_code, 3) << missing.out << missing.err;
  // A broken config is UNKNOWN too, not 78.
  WriteTextFile(dir_ / "broken.conf", "[database]\nuser = backup\n", 0600);
  EXPECT_EQ(RunMysqlBackup({"-c", dir_ / "broken.conf", "--check"}).exit_code, 3);
}

// A local HTTP server recording each request as "METHOD PATH<TAB>BODY" lines.
constexpr char kRecorder[] = R"(
import http.server, sys
log, port_file = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0))).decode('utf-8', 'replace')
        with open(log, 'a') as f:
            f.write(self.command + ' ' + self.path + '\t' + body.replace('\n', ' ') + '\n')
        self.send_response(200)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'OK')
    do_GET = do_POST
    def log_message(self, *args):
        pass
srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
open(port_file + '.tmp', 'w').write(str(srv.server_address[1]))
import os; os.rename(port_file + '.tmp', port_file)
srv.serve_forever()
)";

// Accepts connections (the kernel does, into the backlog) and never answers.
constexpr char kHanging[] = R"(
import socket, sys, time, os
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(16)
open(sys.argv[2] + '.tmp', 'w').write(str(s.getsockname()[1]))
os.rename(sys.argv[2] + '.tmp', sys.argv[2])
time.sleep(600)
)";

TEST_F(MonitoringRunTest, PingsStartSuccessAndFailureWithTheExitCodeAndNeverLeakTheUrl) {
  WriteTextFile(dir_ / "recorder.py", kRecorder, 0644);
  std::string log = dir_ / "requests.log", port_file = dir_ / "port";
  Background server({"python3", dir_ / "recorder.py", log, port_file}, dir_ / "server.log");
  ASSERT_TRUE(WaitUntil([&] { return Exists(port_file); }, std::chrono::seconds(30)));
  std::string url = "http://127.0.0.1:" + ReadTextFile(port_file) + "/ping/secret-uuid";
  std::string config = WriteConfig("metrics_file =\nping_url = " + url + "\n");
  CliResult ok = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  std::string requests = ReadTextFile(log);
  EXPECT_TRUE(Contains(requests, "POST /ping/secret-uuid/start\t\n")) << requests;
  EXPECT_TRUE(std::regex_search(requests, std::regex("POST /ping/secret-uuid\tdaily backup OK: ")))
      << requests;

  WriteTextFile(log, "", 0644);
  std::string bad = WriteConfig("metrics_file =\nping_url = " + url + "\n", "wrong", "bad.conf");
  CliResult failed = RunMysqlBackup({"-c", bad, "--backup-type", "daily"});
  ASSERT_EQ(failed.exit_code, 69) << failed.err;
  requests = ReadTextFile(log);
  EXPECT_TRUE(Contains(requests, "POST /ping/secret-uuid/start\t")) << requests;
  EXPECT_TRUE(std::regex_search(requests, std::regex("POST /ping/secret-uuid/69\t.*Daily backup failed")))
      << requests;
  EXPECT_FALSE(Contains(ok.out + ok.err + failed.out + failed.err, "secret-uuid"));
}

// A zone (POSIX TZ, offset to the second) whose midnight, when --daemon runs its daily job, is
// `t`: the real scheduler, the real clock, and no waiting for tonight.
std::string ZoneWithMidnightAt(std::time_t t) {
  long west = static_cast<long>(t % 86400);  // local = UTC - west
  char tz[64];
  std::snprintf(tz, sizeof tz, "MBT+%02ld:%02ld:%02ld", west / 3600, west / 60 % 60, west % 60);
  return tz;
}

TEST_F(MonitoringRunTest, DaemonJobsRewriteTheMetricsFileAndPingAsAOneshotRunDoes) {
  if (!HaveProgram("promtool")) GTEST_SKIP() << "promtool is not installed (apt-get install prometheus)";
  WriteTextFile(dir_ / "recorder.py", kRecorder, 0644);
  std::string log = dir_ / "requests.log", port_file = dir_ / "port";
  Background server({"python3", dir_ / "recorder.py", log, port_file}, dir_ / "server.log");
  ASSERT_TRUE(WaitUntil([&] { return Exists(port_file); }, std::chrono::seconds(30)));
  std::string url = "http://127.0.0.1:" + ReadTextFile(port_file) + "/ping/secret-uuid";
  std::string config = MetricsConfig("ping_url = " + url + "\n");

  // The daily job fires some seconds after the daemon starts (slack for a loaded machine).
  std::string daemon_log = dir_ / "daemon.log";
  pid_t daemon = StartMysqlBackup({"-c", config, "--daemon"}, daemon_log,
                                  {"TZ=" + ZoneWithMidnightAt(std::time(nullptr) + 15)});
  ASSERT_GT(daemon, 0);
  const std::string daily = Labels(config, "daily");
  std::string text;
  bool recorded = WaitUntil([&] {
    if (!Exists(metrics_)) return false;
    text = ReadTextFile(metrics_);
    return Sample(text, "mysql_backup_last_exit_code" + daily) == 0.0 &&
           Sample(text, "mysql_backup_backups" + daily) == 1.0;
  }, std::chrono::seconds(240));
  // Stopped whatever happened: SIGTERM ends the daemon cleanly, with 0.
  ASSERT_EQ(kill(daemon, SIGTERM), 0);
  int exit_code = WaitFor(daemon);
  std::string output = ReadTextFile(daemon_log);
  ASSERT_TRUE(recorded) << "metrics:\n" << text << "\ndaemon:\n" << output;
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_TRUE(Contains(output, "Stopping on signal")) << output;

  // The same picture a oneshot run leaves: promtool accepts it, and it matches the disk.
  CliResult check = Promtool(metrics_);
  EXPECT_EQ(check.exit_code, 0) << check.out;
  std::time_t stamp = DailyStamp();
  ASSERT_NE(stamp, 0);
  EXPECT_EQ(Sample(text, "mysql_backup_last_success_timestamp_seconds" + daily),
            static_cast<double>(stamp))
      << text;
  EXPECT_TRUE(Sample(text, "mysql_backup_last_attempt_timestamp_seconds" + daily)) << text;
  EXPECT_TRUE(Sample(text, "mysql_backup_last_duration_seconds" + daily)) << text;
  EXPECT_TRUE(Exists(textfile_dir_ + "/.mysql_backup.prom.state"));

  // The ping server saw the start and the success of the job, in that order.
  std::string requests = ReadTextFile(log);
  size_t start = requests.find("POST /ping/secret-uuid/start\t\n");
  EXPECT_NE(start, std::string::npos) << requests;
  std::smatch ok;
  ASSERT_TRUE(std::regex_search(requests, ok, std::regex("POST /ping/secret-uuid\tdaily backup OK: ")))
      << requests;
  EXPECT_LT(start, static_cast<size_t>(ok.position(0))) << requests;
  EXPECT_FALSE(Contains(output, "secret-uuid"));
}

TEST_F(MonitoringRunTest, APingServerThatIsDownOrHangsChangesNothingButAWarning) {
  // Down: a port nobody listens on.
  CliResult port_r = RunShell(
      "python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); "
      "print(s.getsockname()[1])'");
  std::string down_port = port_r.out.substr(0, port_r.out.find('\n'));
  std::string config = WriteConfig("metrics_file =\nping_timeout = 2\nping_url = http://127.0.0.1:" +
                                   down_port + "/secret-uuid\n");
  CliResult down = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_TRUE(Contains(down.err, "Heartbeat ping '/start' to http://127.0.0.1:" + down_port + "/… failed"))
      << down.err;
  EXPECT_FALSE(Contains(down.out + down.err, "secret-uuid"));

  // Hanging: bounded by ping_timeout, twice (start and end).
  WriteTextFile(dir_ / "hang.py", kHanging, 0644);
  std::string port_file = dir_ / "hang-port";
  Background hang({"python3", dir_ / "hang.py", "-", port_file}, dir_ / "hang.log");
  ASSERT_TRUE(WaitUntil([&] { return Exists(port_file); }, std::chrono::seconds(30)));
  config = WriteConfig("metrics_file =\nping_timeout = 2\nping_url = http://127.0.0.1:" +
                           ReadTextFile(port_file) + "/secret-uuid\n",
                       "", "hang.conf");
  auto begin = std::chrono::steady_clock::now();
  CliResult hung = RunMysqlBackup({"-c", config, "--backup-type", "daily"});
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(hung.exit_code, 0) << hung.err;
  EXPECT_TRUE(Contains(hung.err, "no answer within 2 s")) << hung.err;
  EXPECT_FALSE(Contains(hung.out + hung.err, "secret-uuid"));
  // Not a timing assertion on the backup: only that the pings did not wait for ever.
  EXPECT_LT(took, std::chrono::seconds(60));
}

}  // namespace
}  // namespace mysql_backup::testing
