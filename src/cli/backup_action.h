// One backup run of one type, start to finish: ask the server what it holds, dump each selected
// database (and the accounts) to its own file -> compress -> hash -> temp file, checksum file,
// rename into place, re-read and verify; then the run's manifest. All files of a run share one
// stamp. Nothing is visible under a backup's name until it is complete; a failure leaves only
// debris in .tmp/, which the next run clears. One database that fails does not stop the others.
#ifndef MYSQL_BACKUP_CLI_BACKUP_ACTION_H_
#define MYSQL_BACKUP_CLI_BACKUP_ACTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/run_context.h"
#include "storage/backup_dir.h"
#include "storage/backup_name.h"
#include "storage/manifest.h"
#include "util/status.h"

namespace mysql_backup {

// One verified file of a run.
struct BackupOutcome {
  BackupType type = BackupType::kDaily;
  BackupKind kind = BackupKind::kDatabase;
  std::string database;  // empty for the accounts file
  std::string path;
  uint64_t size = 0;
  uint64_t dump_bytes = 0;
  std::string sha256;
  uint64_t duration_usec = 0;
  ManifestFile entry;  // what the manifest says of it
};

// A whole run: the files it published, its manifest, and the verdict.
struct RunOutcome {
  std::vector<BackupOutcome> files;
  RunManifest manifest;
  std::string manifest_path;  // empty when no manifest was written
  uint64_t duration_usec = 0;
};

// Takes one run of `type` with the backup_dir lock held by the caller. The outcome is set even
// when the status is not ok (the files that did get published). Errors: those of a single
// database's dump when the config names one database (as the old tool), kIncomplete when an
// expected database has no verified file, kConnection when the server cannot be asked at all.
Status TakeRunLocked(const RunContext& ctx, BackupDirectory& dir, BackupType type,
                     RunOutcome* outcome);

// The --backup-type action: the type(s) in turn (logging each), then the cleanup when asked.
// Returns the first failure's status (later types are still attempted).
Status RunBackupAction(const RunContext& ctx);

// Formats 12897412 as "12.3 MiB".
std::string HumanSize(uint64_t bytes);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_BACKUP_ACTION_H_
