// The freshness check behind --check: for every (database, type) series that should exist, is
// the newest verified backup younger than the limit of its type? Pure: the backups, the limits
// and `now` come in, verdicts go out; no I/O, no clock.
#ifndef MYSQL_BACKUP_MONITOR_FRESHNESS_H_
#define MYSQL_BACKUP_MONITOR_FRESHNESS_H_

#include <ctime>
#include <string>
#include <vector>

#include "storage/backup_dir.h"
#include "storage/backup_name.h"

namespace mysql_backup::monitor {

enum class Freshness { kOk, kStale, kMissing };

struct SeriesVerdict {
  std::string database;
  BackupType type = BackupType::kDaily;
  Freshness state = Freshness::kMissing;
  long long age_sec = 0;    // of the newest verified backup; 0 when kMissing
  long long limit_sec = 0;  // the type's max_age
  std::string path;         // the newest verified backup; empty when kMissing
};

// The verdicts, sorted by database, then daily, weekly, monthly. The series are the (database,
// type) pairs found among `backups` plus every type for each of `expected_databases` (so a
// configured database without any backup is kMissing); types whose limit is 0 are left out.
// Only backups with a checksum file count as verified. A backup dated in the future (a clock
// set back) has age 0. `max_age_sec` is indexed by BackupType.
std::vector<SeriesVerdict> CheckFreshness(const std::vector<BackupFile>& backups,
                                          const std::vector<std::string>& expected_databases,
                                          const long long (&max_age_sec)[3], std::time_t now);

// 0 when every verdict is kOk (or there is none), 2 (CRITICAL) otherwise.
int FreshnessExitCode(const std::vector<SeriesVerdict>& verdicts);

// "45 min", "5 hours", "3 days": rounded down, for people.
std::string FormatAge(long long seconds);

// One line for `v`: "OK: daily backup of 'shop' is 5 hours old (limit 26 hours): '/x.sql.gz'".
std::string VerdictLine(const SeriesVerdict& v);

// What is wrong, in one line for a mail subject: "daily backups of shop are 3 days old; no
// weekly backup of shop". Empty when everything is fresh.
std::string StaleSummary(const std::vector<SeriesVerdict>& verdicts);

}  // namespace mysql_backup::monitor

#endif  // MYSQL_BACKUP_MONITOR_FRESHNESS_H_
