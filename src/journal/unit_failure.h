// What `mysql-backup --notify-failure UNIT` reports: how a unit's run ended and that run's journal
// lines. The OnFailure= unit learns the result from the $MONITOR_* variables systemd (250 and
// later) sets for it, which describe exactly the run that failed; the lines come from the journal,
// selected by that run's invocation id. This covers what the failed run could not report itself:
// an OOM kill, SIGKILL, TimeoutStartSec=.
#ifndef MYSQL_BACKUP_JOURNAL_UNIT_FAILURE_H_
#define MYSQL_BACKUP_JOURNAL_UNIT_FAILURE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

struct UnitFailureInfo {
  std::string unit;
  // As systemd names them; empty when unknown.
  std::string service_result;  // "exit-code", "signal", "timeout", "oom-kill", "core-dump", ...
  std::string exit_code;       // "exited", "killed", "dumped"
  std::string exit_status;     // "70" when exited, the signal's name ("KILL") otherwise
  std::string invocation_id;   // 32 hex digits
  // The run's journal lines, oldest first, as "2026-11-27T00:00:03+0000 ident[pid]: message".
  std::vector<std::string> journal_lines;
  // The newest BACKUP_CHECK_SUMMARY= of the run (what --check found stale); empty when none.
  std::string check_summary;
  // What could not be found out, for the report ("Cannot read the journal: Permission denied").
  std::vector<std::string> warnings;

  // "result 'signal', killed by KILL" / "result 'exit-code', exit status 70" / "result unknown".
  std::string Summary() const;
};

inline constexpr size_t kMaxUnitFailureJournalLines = 100;

// Gathers what is known about the failed run of `unit`. Uses $MONITOR_* when they name `unit`;
// otherwise asks the service manager over D-Bus for the unit's last result. Missing pieces are
// left empty with a warning, never an error: a report that says "unknown" beats no report.
// Errors: kUsage when `unit` is not a valid unit name.
Result<UnitFailureInfo> CollectUnitFailure(const std::string& unit);

// The parts of CollectUnitFailure, for tests.
bool IsValidUnitName(std::string_view unit);
// Fills the result fields from $MONITOR_* read through `get_env`; nullopt when they are missing or
// describe another unit than `unit`.
std::optional<UnitFailureInfo> FailureFromMonitorEnv(
    const std::string& unit, const std::function<const char*(const char*)>& get_env);
// One journal entry as a line; `realtime_usec` is shown in local time.
std::string FormatJournalLine(uint64_t realtime_usec, std::string_view identifier,
                              std::string_view pid, std::string_view message);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_JOURNAL_UNIT_FAILURE_H_
