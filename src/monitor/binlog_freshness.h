// The binlog archive's part of --check and of the metrics file: how far behind the server the
// archive is. Its recovery point is the newest moment it is known complete up to: the newest
// archived event (the partial copy of the active file included), or the time the active file
// was last copied (the copy holds every event up to that moment), whichever is later. An idle
// server writes no events, so the event time alone would call a working archive stale. Pure:
// times in, verdict out.
#ifndef MYSQL_BACKUP_MONITOR_BINLOG_FRESHNESS_H_
#define MYSQL_BACKUP_MONITOR_BINLOG_FRESHNESS_H_

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "monitor/freshness.h"

namespace mysql_backup::monitor {

// One <backup_dir>/binlog/<server_id> folder, as its sidecars describe it.
struct BinlogArchiveTimes {
  std::string server;       // the folder name: server_id
  std::string archive_dir;  // for messages
  std::time_t last_event = 0;   // newest event time among complete files and the partial copy
  std::time_t last_copied = 0;  // when the partial copy was last refreshed (0: none)
  std::time_t RecoveryPoint() const { return last_event > last_copied ? last_event : last_copied; }
};

struct BinlogVerdict {
  Freshness state = Freshness::kMissing;
  long long lag_sec = 0;  // now - recovery point; 0 when kMissing or in the future
  long long limit_sec = 0;
  std::string where;  // the archive folder checked, or the binlog folder when kMissing
  std::time_t last_event = 0;
  std::time_t last_copied = 0;
};

// Nullopt when `max_lag_sec` is 0 (not checked). The archive with the newest recovery point is
// judged (the others are archives of former servers); none at all, or none with a time, is
// kMissing. `binlog_dir` names the folder in that case.
std::optional<BinlogVerdict> CheckBinlogFreshness(const std::vector<BinlogArchiveTimes>& archives,
                                                  const std::string& binlog_dir,
                                                  long long max_lag_sec, std::time_t now);

// "OK: binlog archive '/b/binlog/1' is 3 min behind (limit 10 min): newest event
// 2026-12-02T07:40:00Z, active file copied 2026-12-02T07:41:00Z"
std::string BinlogVerdictLine(const BinlogVerdict& v);

// For the mail subject; empty when kOk.
std::string BinlogStaleSummary(const BinlogVerdict& v);

}  // namespace mysql_backup::monitor

#endif  // MYSQL_BACKUP_MONITOR_BINLOG_FRESHNESS_H_
