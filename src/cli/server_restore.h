// --restore latest|STAMP [--databases a,b] [--accounts] [--force]: rebuild a server from one
// run. Every file of the run is verified (and matched with the run's manifest) before anything
// is loaded; then the accounts (users, roles, global and database grants), every database under
// its own name through the restore guard, and last the grants on tables and routines, which
// need their objects.
#ifndef MYSQL_BACKUP_CLI_SERVER_RESTORE_H_
#define MYSQL_BACKUP_CLI_SERVER_RESTORE_H_

#include "cli/run_context.h"
#include "dump/manifest_io.h"
#include "storage/backup_dir.h"
#include "storage/manifest.h"
#include "util/status.h"

namespace mysql_backup {

// Errors: kUsage (no such run or database in it, a target database that holds tables without
// --force), kIntegrity (a file or the manifest fails verification, a refused statement),
// kConnection, kProcess (the client failed while loading).
Status RunServerRestore(const RunContext& ctx);

struct ServerRestoreSettings {
  // Load without writing to the target's binary log (SET SESSION sql_log_bin = 0): before a
  // binlog replay, which brings the source's GTIDs; logging the load would give the target
  // GTIDs of its own that a gtid_strict_mode server then finds out of order (ERROR 1950).
  bool skip_binlog = false;
};

// The same for a run already chosen and read (the caller holds the backup_dir lock): verify,
// check the target, load. The databases and accounts asked for come from ctx.options.
Status RestoreServerRun(const RunContext& ctx, BackupDirectory& dir, const ManifestLocation& where,
                        const RunManifest& manifest, const ServerRestoreSettings& settings);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_SERVER_RESTORE_H_
