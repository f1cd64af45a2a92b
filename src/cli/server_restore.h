// --restore latest|STAMP [--databases a,b] [--accounts] [--force]: rebuild a server from one
// run. Every file of the run is verified (and matched with the run's manifest) before anything
// is loaded; then the accounts (users, roles, global and database grants), every database under
// its own name through the restore guard, and last the grants on tables and routines, which
// need their objects.
#ifndef MYSQL_BACKUP_CLI_SERVER_RESTORE_H_
#define MYSQL_BACKUP_CLI_SERVER_RESTORE_H_

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

// Errors: kUsage (no such run or database in it, a target database that holds tables without
// --force), kIntegrity (a file or the manifest fails verification, a refused statement),
// kConnection, kProcess (the client failed while loading).
Status RunServerRestore(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_SERVER_RESTORE_H_
