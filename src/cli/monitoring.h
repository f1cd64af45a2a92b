// Monitoring around every run, composed from src/monitor/: the heartbeat pings of a backup, the
// state file and the metrics file after a run, and the --check action. RunAction (cli/actions.h)
// calls these once per run, for a oneshot run and for each job of --daemon alike, so the actions
// themselves know nothing of monitoring. Nothing here changes a run's
// exit status: a metrics file or a ping that fails is a warning.
#ifndef MYSQL_BACKUP_CLI_MONITORING_H_
#define MYSQL_BACKUP_CLI_MONITORING_H_

#include <chrono>
#include <ctime>

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

struct MonitoredRun {
  std::time_t started = 0;
  std::chrono::steady_clock::time_point start_clock;
};

// Notes the start and, for a backup with [monitoring] ping_url, pings `<url>/start`.
MonitoredRun BeginMonitoredRun(const RunContext& ctx);

// After the action returned `result`: records the job in the state file and rewrites the
// metrics file (when metrics_file is set), and pings the end of a backup.
void EndMonitoredRun(const RunContext& ctx, const MonitoredRun& run, const Status& result);

// --check: one line per database and type, then the exit status of the monitoring-plugin
// convention (not sysexits): 0 OK, 2 CRITICAL (a backup too old or missing), 3 UNKNOWN
// (backup_dir cannot be read).
int RunCheckAction(const RunContext& ctx);

// The exit status of --check when it cannot even start (bad config).
inline constexpr int kCheckUnknown = 3;

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_MONITORING_H_
