// --daemon: the old tool's scheduler for hosts and containers without systemd. Runs in the
// foreground, runs each job through the same code as a oneshot run of the units (`run_job`:
// RunAction, so the metrics file, the state file and the heartbeat pings follow every job),
// re-reading the config for each job, and stops on SIGTERM/SIGINT.
#ifndef MYSQL_BACKUP_CLI_DAEMON_ACTION_H_
#define MYSQL_BACKUP_CLI_DAEMON_ACTION_H_

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

// Runs the job its context's options name (kBackup with a backup_type, or kCleanup).
using JobRunner = Status (*)(const RunContext& ctx);

// Returns Ok when stopped by a signal (a clean stop; a running backup is aborted and its
// temp file removed). A failed job is logged by `run_job` and does not stop the daemon.
Status RunDaemonAction(const RunContext& ctx, JobRunner run_job);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_DAEMON_ACTION_H_
