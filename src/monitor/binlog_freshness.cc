#include "monitor/binlog_freshness.h"

#include <algorithm>
#include <ctime>

namespace mysql_backup::monitor {

namespace {

std::string Iso(std::time_t t) {
  if (t == 0) return "none";
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::optional<BinlogVerdict> CheckBinlogFreshness(const std::vector<BinlogArchiveTimes>& archives,
                                                  const std::string& binlog_dir,
                                                  long long max_lag_sec, std::time_t now) {
  if (max_lag_sec <= 0) return std::nullopt;
  BinlogVerdict v;
  v.limit_sec = max_lag_sec;
  v.where = binlog_dir;
  const BinlogArchiveTimes* best = nullptr;
  for (const auto& a : archives) {
    if (a.RecoveryPoint() == 0) continue;
    if (best == nullptr || a.RecoveryPoint() > best->RecoveryPoint()) best = &a;
  }
  if (best == nullptr) return v;
  v.where = best->archive_dir;
  v.last_event = best->last_event;
  v.last_copied = best->last_copied;
  v.lag_sec = std::max<long long>(0, static_cast<long long>(now - best->RecoveryPoint()));
  v.state = v.lag_sec <= v.limit_sec ? Freshness::kOk : Freshness::kStale;
  return v;
}

std::string BinlogVerdictLine(const BinlogVerdict& v) {
  std::string limit = "(limit " + FormatAge(v.limit_sec) + ")";
  if (v.state == Freshness::kMissing) {
    return "STALE: no archived binary log in '" + v.where + "' " + limit;
  }
  return std::string(v.state == Freshness::kOk ? "OK" : "STALE") + ": binlog archive '" + v.where +
         "' is " + FormatAge(v.lag_sec) + " behind " + limit + ": newest event " +
         Iso(v.last_event) + ", active file copied " + Iso(v.last_copied);
}

std::string BinlogStaleSummary(const BinlogVerdict& v) {
  switch (v.state) {
    case Freshness::kOk:
      return "";
    case Freshness::kStale:
      return "the binlog archive is " + FormatAge(v.lag_sec) + " behind";
    case Freshness::kMissing:
      break;
  }
  return "no archived binary log";
}

}  // namespace mysql_backup::monitor
