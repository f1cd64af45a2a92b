// --restore FILE --target-database NAME [--force], and the restore drill --restore-test [FILE].
// Both verify the backup before they touch the server, and use the [restore] account.
#ifndef MYSQL_BACKUP_CLI_RESTORE_ACTION_H_
#define MYSQL_BACKUP_CLI_RESTORE_ACTION_H_

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

Status RunRestoreAction(const RunContext& ctx);
Status RunRestoreTestAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_RESTORE_ACTION_H_
