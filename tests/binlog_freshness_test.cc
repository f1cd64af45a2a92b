// CheckBinlogFreshness: the binlog archive's lag behind the server, against [pitr] max_lag.
#include "monitor/binlog_freshness.h"

#include <gtest/gtest.h>

namespace mysql_backup::monitor {
namespace {

constexpr std::time_t kNow = 1764662400;  // 2025-12-02T08:00:00Z

TEST(BinlogFreshnessTest, JudgesTheRecoveryPointAgainstMaxLag) {
  static const struct {
    const char* what;
    std::time_t last_event;
    std::time_t last_copied;
    Freshness state;
    long long lag;
  } kCases[] = {
      {"busy server, fresh", kNow - 60, kNow - 30, Freshness::kOk, 30},
      {"idle server: an old event, a fresh copy", kNow - 86400, kNow - 100, Freshness::kOk, 100},
      {"archiver stopped", kNow - 7200, kNow - 7200, Freshness::kStale, 7200},
      {"no partial copy: the event time counts", kNow - 900, 0, Freshness::kStale, 900},
      {"a clock set back: lag 0", kNow + 50, 0, Freshness::kOk, 0},
      {"no time at all", 0, 0, Freshness::kMissing, 0},
  };
  for (const auto& c : kCases) {
    std::vector<BinlogArchiveTimes> archives = {{"1", "/b/binlog/1", c.last_event, c.last_copied}};
    auto v = CheckBinlogFreshness(archives, "/b/binlog", 600, kNow);
    ASSERT_TRUE(v.has_value()) << c.what;
    EXPECT_EQ(v->state, c.state) << c.what;
    EXPECT_EQ(v->lag_sec, c.lag) << c.what;
  }
}

TEST(BinlogFreshnessTest, ZeroMaxLagIsNotChecked) {
  EXPECT_FALSE(CheckBinlogFreshness({}, "/b/binlog", 0, kNow).has_value());
}

TEST(BinlogFreshnessTest, NoArchiveIsStaleAndTheNewestServerIsJudged) {
  auto none = CheckBinlogFreshness({}, "/b/binlog", 600, kNow);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->state, Freshness::kMissing);
  EXPECT_EQ(BinlogVerdictLine(*none), "STALE: no archived binary log in '/b/binlog' (limit 10 min)");

  std::vector<BinlogArchiveTimes> archives = {{"1", "/b/binlog/1", kNow - 99999, 0},
                                              {"2", "/b/binlog/2", kNow - 120, kNow - 60}};
  auto v = CheckBinlogFreshness(archives, "/b/binlog", 600, kNow);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->state, Freshness::kOk);
  EXPECT_EQ(BinlogVerdictLine(*v),
            "OK: binlog archive '/b/binlog/2' is 1 min behind (limit 10 min): newest event "
            "2025-12-02T07:58:00Z, active file copied 2025-12-02T07:59:00Z");
  EXPECT_EQ(BinlogStaleSummary(*v), "");
}

}  // namespace
}  // namespace mysql_backup::monitor
