// --daemon: the old tool's scheduler for hosts and containers without systemd. Runs in the
// foreground, runs each job through the same code as the units (RunBackupAction,
// RunCleanupAction), re-reading the config for each job, and stops on SIGTERM/SIGINT.
#ifndef MYSQL_BACKUP_CLI_DAEMON_ACTION_H_
#define MYSQL_BACKUP_CLI_DAEMON_ACTION_H_

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

// Returns Ok when stopped by a signal (a clean stop; a running backup is aborted and its
// temp file removed).
Status RunDaemonAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_DAEMON_ACTION_H_
