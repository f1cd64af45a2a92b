// --restore FILE --target-database NAME [--force], and the restore drill --restore-test [FILE].
// Both verify the backup before they touch the server, and use the [restore] account.
#ifndef MYSQL_BACKUP_CLI_RESTORE_ACTION_H_
#define MYSQL_BACKUP_CLI_RESTORE_ACTION_H_

#include <string>

#include "cli/run_context.h"
#include "sql/restore_guard.h"
#include "util/status.h"

namespace mysql_backup {

// The guard's settings for loading `path` into `target`: the dumped database is read from the
// backup's file name when it has the usual form.
GuardSettings RestoreGuardSettings(const std::string& path, const std::string& target);
// Logs one warning naming the definers the guard rewrote, and one a skipped statement.
void LogGuardFindings(const RunContext& ctx, const RestoreGuard& guard, const std::string& path);

// Sets `request` up for [restore] restore_threads: more than one connection spools what waits
// under <backup_dir>/.tmp/ (made when missing). Errors: kStorage.
struct RestoreRequest;
Status SetUpRestoreThreads(const RunContext& ctx, RestoreRequest* request);

Status RunRestoreAction(const RunContext& ctx);
Status RunRestoreTestAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_RESTORE_ACTION_H_
