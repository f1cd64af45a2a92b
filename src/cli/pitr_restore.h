// --restore latest --until "YYYY-MM-DD HH:MM:SS"|end [--timezone ZONE] / --until-gtid D-S-N:
// a whole server as it was at a moment. Plans first (the newest dump before the moment, and
// an archive that reaches from the dump's binlog position to the moment without a gap),
// checks and unpacks the binlog files, checks the [restore] server, and only then loads the
// dump (the whole-server restore) and replays the binlogs in one client session up to the
// moment. Reports the last transaction applied (its time and GTID).
#ifndef MYSQL_BACKUP_CLI_PITR_RESTORE_H_
#define MYSQL_BACKUP_CLI_PITR_RESTORE_H_

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

// Errors: kUsage (a malformed target, a target server whose binary log would clash), kGap (the
// archive cannot reach the target; nothing was loaded), kIntegrity (a file fails its checks;
// nothing was loaded), kConnection, kProcess (loading or replaying failed).
Status RunPitrRestore(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_PITR_RESTORE_H_
