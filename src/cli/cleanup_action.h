// --cleanup [--dry-run]: applies the retention counts to this config's database, under the
// backup_dir lock. Only files that parse as our backup names are ever touched.
#ifndef MYSQL_BACKUP_CLI_CLEANUP_ACTION_H_
#define MYSQL_BACKUP_CLI_CLEANUP_ACTION_H_

#include <set>
#include <string>

#include "cli/run_context.h"
#include "storage/backup_dir.h"
#include "util/status.h"

namespace mysql_backup {

// With the lock already held (after a backup). `keep`: paths never to delete.
Status RunCleanupLocked(const RunContext& ctx, BackupDirectory& dir,
                        const std::set<std::string>& keep = {});

// The --cleanup action: takes the lock (exclusive; shared for --dry-run, which also works in a
// read-only backup_dir), then as above.
Status RunCleanupAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_CLEANUP_ACTION_H_
