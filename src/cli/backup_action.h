// One backup of one type, start to finish: lock, dump -> compress -> hash -> temp file,
// checksum file, rename into place, re-read and verify. Nothing is visible under a backup's
// name until it is complete; a failure leaves only debris in .tmp/, which the next run clears.
#ifndef MYSQL_BACKUP_CLI_BACKUP_ACTION_H_
#define MYSQL_BACKUP_CLI_BACKUP_ACTION_H_

#include <cstdint>
#include <string>

#include "cli/run_context.h"
#include "storage/backup_dir.h"
#include "storage/backup_name.h"
#include "util/status.h"

namespace mysql_backup {

struct BackupOutcome {
  BackupType type = BackupType::kDaily;
  std::string path;
  uint64_t size = 0;
  uint64_t dump_bytes = 0;
  std::string sha256;
  uint64_t duration_usec = 0;
};

// Takes the backup with the backup_dir lock held by the caller.
Result<BackupOutcome> TakeBackupLocked(const RunContext& ctx, BackupDirectory& dir,
                                       BackupType type);

// The --backup-type action: the type(s) in turn (logging each), then the cleanup when asked.
// Returns the first failure's status (later types are still attempted).
Status RunBackupAction(const RunContext& ctx);

// Formats 12897412 as "12.3 MiB".
std::string HumanSize(uint64_t bytes);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_BACKUP_ACTION_H_
