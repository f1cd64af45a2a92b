// The pure parts of monitoring: the freshness verdicts (injected `now`), the metrics text, the
// state file format, the ping URLs and their redaction, and the [monitoring] config keys.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "config/config.h"
#include "monitor/freshness.h"
#include "monitor/metrics_file.h"
#include "monitor/ping.h"
#include "monitor/state_file.h"
#include "notify/mail_templates.h"

namespace mysql_backup::monitor {
namespace {

constexpr std::time_t kNow = 1795651200;  // 2026-11-26T00:00:00Z
constexpr long long kHour = 3600, kDay = 86400;
constexpr long long kDefaultLimits[3] = {26 * kHour, 8 * kDay, 32 * kDay};

BackupFile Backup(const std::string& database, BackupType type, long long age_sec,
                  bool checksum = true, uint64_t size = 100) {
  BackupFile b;
  b.name.database = database;
  b.name.type = type;
  b.name.created = kNow - age_sec;
  b.file_name = BackupFileName(b.name);
  b.path = "/b/" + std::string(BackupTypeName(type)) + "/" + b.file_name;
  b.size = size;
  b.has_checksum = checksum;
  return b;
}

TEST(FreshnessTest, VerdictPerDatabaseAndType) {
  static const struct {
    const char* name;
    std::vector<BackupFile> backups;
    std::vector<std::string> expected;
    long long limits[3];
    // "database/type=state", in output order
    std::vector<std::string> want;
    int exit_code;
  } kCases[] = {
      {"all fresh",
       {Backup("shop", BackupType::kDaily, 5 * kHour), Backup("shop", BackupType::kWeekly, 3 * kDay),
        Backup("shop", BackupType::kMonthly, 20 * kDay)},
       {"shop"},
       {26 * kHour, 8 * kDay, 32 * kDay},
       {"shop/daily=ok", "shop/weekly=ok", "shop/monthly=ok"},
       0},
      {"a stale daily",
       {Backup("shop", BackupType::kDaily, 3 * kDay), Backup("shop", BackupType::kWeekly, kDay)},
       {"shop"},
       {26 * kHour, 8 * kDay, 0},
       {"shop/daily=stale", "shop/weekly=ok"},
       2},
      {"the newest counts, not the oldest",
       {Backup("shop", BackupType::kDaily, 10 * kDay), Backup("shop", BackupType::kDaily, kHour)},
       {"shop"},
       {26 * kHour, 0, 0},
       {"shop/daily=ok"},
       0},
      {"exactly at the limit is still fresh",
       {Backup("shop", BackupType::kDaily, 26 * kHour)},
       {"shop"},
       {26 * kHour, 0, 0},
       {"shop/daily=ok"},
       0},
      {"a configured database without any backup is missing",
       {},
       {"shop"},
       {26 * kHour, 0, 0},
       {"shop/daily=missing"},
       2},
      {"a backup without checksum is not verified",
       {Backup("shop", BackupType::kDaily, kHour, /*checksum=*/false),
        Backup("shop", BackupType::kDaily, 2 * kDay)},
       {"shop"},
       {26 * kHour, 0, 0},
       {"shop/daily=stale"},
       2},
      {"types turned off with 0 are ignored",
       {Backup("shop", BackupType::kWeekly, 100 * kDay)},
       {"shop"},
       {26 * kHour, 0, 0},
       {"shop/daily=missing"},
       2},
      {"every type off: nothing to check",
       {Backup("shop", BackupType::kDaily, 100 * kDay)},
       {"shop"},
       {0, 0, 0},
       {},
       0},
      {"databases on disk are checked too, sorted by name",
       {Backup("zoo", BackupType::kDaily, kHour), Backup("app", BackupType::kDaily, 5 * kDay)},
       {"shop"},
       {26 * kHour, 0, 0},
       {"app/daily=stale", "shop/daily=missing", "zoo/daily=ok"},
       2},
      {"a backup from the future (clock set back) is fresh",
       {Backup("shop", BackupType::kDaily, -kHour)},
       {"shop"},
       {26 * kHour, 0, 0},
       {"shop/daily=ok"},
       0},
  };
  for (const auto& c : kCases) {
    auto verdicts = CheckFreshness(c.backups, c.expected, c.limits, kNow);
    std::vector<std::string> got;
    for (const auto& v : verdicts) {
      const char* state = v.state == Freshness::kOk ? "ok" : v.state == Freshness::kStale ? "stale" : "missing";
      got.push_back(v.database + "/" + std::string(BackupTypeName(v.type)) + "=" + state);
    }
    EXPECT_EQ(got, c.want) << c.name;
    EXPECT_EQ(FreshnessExitCode(verdicts), c.exit_code) << c.name;
  }
}

TEST(FreshnessTest, StaleSummaryNamesDatabaseTypeAndAge) {
  auto verdicts = CheckFreshness({Backup("shop", BackupType::kDaily, 3 * kDay + 5 * kHour)},
                                 {"shop"}, kDefaultLimits, kNow);
  EXPECT_EQ(StaleSummary(verdicts),
            "daily backups of shop are 3 days old; no weekly backup of shop; no monthly backup of "
            "shop");
  EXPECT_EQ(VerdictLine(verdicts[0]),
            "STALE: daily backup of 'shop' is 3 days old (limit 26 hours): "
            "'/b/daily/shop-daily-20261122T190000Z.sql.gz'");
  EXPECT_EQ(VerdictLine(verdicts[1]), "STALE: no verified weekly backup of 'shop' (limit 8 days)");
}

TEST(FreshnessTest, AgesReadAsPeopleSayThem) {
  static const struct {
    long long seconds;
    const char* want;
  } kCases[] = {{0, "0 min"},           {59, "0 min"},         {45 * 60, "45 min"},
                {2 * kHour, "2 hours"}, {26 * kHour, "26 hours"}, {2 * kDay, "2 days"},
                {3 * kDay + 23 * kHour, "3 days"}};
  for (const auto& c : kCases) EXPECT_EQ(FormatAge(c.seconds), c.want) << c.seconds;
}

TEST(MetricsTest, EveryFamilyHasHelpAndTypeAndItsSamples) {
  MetricsSnapshot s;
  s.config = "/etc/mysql-backup/mysql_backup.conf";
  s.database = "shop";
  s.backups = {Backup("shop", BackupType::kDaily, kHour, true, 1234),
               Backup("shop", BackupType::kDaily, kDay + kHour, true, 999)};
  s.state["daily"] = {kNow - 10, 69, 0.5, kNow - kHour};
  s.state["restore-test"] = {kNow - 100, 0, 12.25, kNow - 100};
  s.backup_dir_free_bytes = 5000000000ULL;
  std::string text = FormatMetrics(s);
  const std::string labels = "{config=\"/etc/mysql-backup/mysql_backup.conf\",database=\"shop\",";
  for (const char* family :
       {"mysql_backup_last_success_timestamp_seconds", "mysql_backup_last_attempt_timestamp_seconds",
        "mysql_backup_last_exit_code", "mysql_backup_last_size_bytes",
        "mysql_backup_last_duration_seconds", "mysql_backup_backups",
        "mysql_backup_restore_drill_last_success_timestamp_seconds",
        "mysql_backup_restore_drill_last_exit_code", "mysql_backup_backup_dir_free_bytes"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + family + " "), std::string::npos) << family;
    EXPECT_NE(text.find(std::string("# TYPE ") + family + " gauge\n"), std::string::npos) << family;
  }
  // The success time comes from the newest file, not from the failed attempt.
  EXPECT_NE(text.find("mysql_backup_last_success_timestamp_seconds" + labels + "type=\"daily\"} " +
                      std::to_string(kNow - kHour) + "\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("mysql_backup_last_exit_code" + labels + "type=\"daily\"} 69\n"),
            std::string::npos);
  EXPECT_NE(text.find("mysql_backup_last_size_bytes" + labels + "type=\"daily\"} 1234\n"),
            std::string::npos);
  EXPECT_NE(text.find("mysql_backup_backups" + labels + "type=\"daily\"} 2\n"), std::string::npos);
  // A configured type without backups is there with 0, so an age alert fires for it too.
  EXPECT_NE(text.find("mysql_backup_backups" + labels + "type=\"weekly\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("mysql_backup_last_duration_seconds" + labels + "type=\"restore-test\"} "
                      "12.250000\n"),
            std::string::npos);
  EXPECT_NE(text.find("mysql_backup_backup_dir_free_bytes{config=\"/etc/mysql-backup/"
                      "mysql_backup.conf\"} 5000000000\n"),
            std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(StateFileTest, FormatAndParseAreInverses) {
  MonitorState state;
  state["daily"] = {1795651203, 69, 0.412, 1795564803};
  state["restore-test"] = {1795651000, 0, 12.5, 1795651000};
  EXPECT_EQ(FormatState(state),
            "daily attempt=1795651203 exit=69 duration=0.412 success=1795564803\n"
            "restore-test attempt=1795651000 exit=0 duration=12.500 success=1795651000\n");
  MonitorState back = ParseState(FormatState(state));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back["daily"].last_exit_code, 69);
  EXPECT_EQ(back["daily"].last_success, 1795564803);
  EXPECT_DOUBLE_EQ(back["restore-test"].last_duration_sec, 12.5);
}

TEST(StateFileTest, DamagedLinesAreSkipped) {
  MonitorState s = ParseState(
      "daily attempt=1 exit=0 duration=1 success=1\n"
      "garbage\n"
      "weekly attempt=x exit=0 duration=1 success=1\n"
      "monthly attempt=5 exit=70\n"
      "\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.begin()->first, "daily");
}

TEST(PingTest, SuffixGoesIntoThePathBeforeTheQuery) {
  static const struct {
    const char* base;
    const char* suffix;
    const char* want;
  } kCases[] = {
      {"https://hc-ping.com/abc", "", "https://hc-ping.com/abc"},
      {"https://hc-ping.com/abc", "start", "https://hc-ping.com/abc/start"},
      {"https://hc-ping.com/abc/", "69", "https://hc-ping.com/abc/69"},
      {"https://kuma.example/api/push/T?status=up", "start",
       "https://kuma.example/api/push/T/start?status=up"},
  };
  for (const auto& c : kCases) EXPECT_EQ(PingUrl(c.base, c.suffix), c.want) << c.base;
}

TEST(PingTest, RedactedUrlKeepsOnlySchemeAndHost) {
  EXPECT_EQ(RedactUrl("https://hc-ping.com/0f2e5c0e-secret"), "https://hc-ping.com/…");
  EXPECT_EQ(RedactUrl("http://user:pw@127.0.0.1:8080/x?token=y"), "http://127.0.0.1:8080/…");
  EXPECT_EQ(RedactUrl("https://host.example"), "https://host.example/…");
}

TEST(PingTest, RefusedConnectionIsAnErrorWithoutTheUrl) {
  // Port 1 on loopback: nobody listens there.
  Status s = Ping("http://127.0.0.1:1/secret-token", "", 2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.ToString().find("secret-token"), std::string::npos) << s.ToString();
}

std::string WriteConfig(const std::string& monitoring) {
  char path[] = "/tmp/monitor_test_XXXXXX";
  int fd = mkstemp(path);
  std::string text = "[database]\nuser = backup\ndatabase = shop\n[monitoring]\n" + monitoring;
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

TEST(MonitoringConfigTest, DurationsAndDefaults) {
  std::string path = WriteConfig("max_age_daily = 30h\nmax_age_weekly = 0\nmax_age_monthly = 5w\n"
                                 "metrics_file = /tmp/x/m.prom\nping_url = https://hc-ping.com/u\n");
  auto c = LoadConfig(path);
  unlink(path.c_str());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->monitoring.max_age_sec[0], 30 * kHour);
  EXPECT_EQ(c->monitoring.max_age_sec[1], 0);
  EXPECT_EQ(c->monitoring.max_age_sec[2], 35 * kDay);
  EXPECT_EQ(c->monitoring.metrics_file, "/tmp/x/m.prom");
  EXPECT_EQ(c->monitoring.ping_url, "https://hc-ping.com/u");
  EXPECT_EQ(c->monitoring.ping_timeout_sec, 10);

  path = WriteConfig("metrics_file =\n");
  c = LoadConfig(path);
  unlink(path.c_str());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->monitoring.metrics_file, "") << "an empty value turns the metrics file off";
  EXPECT_EQ(c->monitoring.max_age_sec[0], 26 * kHour);
  EXPECT_EQ(c->monitoring.max_age_sec[1], 8 * kDay);
  EXPECT_EQ(c->monitoring.max_age_sec[2], 32 * kDay);
}

TEST(MonitoringConfigTest, BadValuesNameTheKeyButNeverEchoTheUrl) {
  static const struct {
    const char* line;
    const char* key;
  } kCases[] = {{"max_age_daily = 26\n", "max_age_daily"},
                {"max_age_weekly = 1y\n", "max_age_weekly"},
                {"max_age_monthly = -3d\n", "max_age_monthly"},
                {"ping_timeout = 0\n", "ping_timeout"},
                {"ping_url = ftp://secret-token\n", "ping_url"},
                {"ping_urls = x\n", "ping_urls"}};
  for (const auto& c : kCases) {
    std::string path = WriteConfig(c.line);
    auto config = LoadConfig(path);
    unlink(path.c_str());
    ASSERT_FALSE(config.ok()) << c.line;
    EXPECT_EQ(config.status().exit_code(), 78);
    std::string message = config.status().ToString();
    EXPECT_NE(message.find("[monitoring] " + std::string(c.key)), std::string::npos) << message;
    EXPECT_EQ(message.find("secret-token"), std::string::npos) << message;
  }
}

TEST(CheckMailTest, StaleCheckMailsItsSummaryAsTheSubject) {
  notify::UnitFailureReport report;
  report.unit = "mysql-backup@check.service";
  report.service_result = "exit-code";
  notify::MailMessage mail =
      notify::UnitFailureMail(report, "production", "db1", false, "daily backups of shop are 3 days old");
  EXPECT_EQ(mail.subject, "[mysql-backup] daily backups of shop are 3 days old on db1 (production)");
  EXPECT_EQ(notify::UnitFailureMail(report, "production", "db1", false).subject,
            "[mysql-backup] FAILED unit mysql-backup@check.service on db1 (production)");
}

}  // namespace
}  // namespace mysql_backup::monitor
