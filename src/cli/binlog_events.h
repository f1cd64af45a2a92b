// --binlog-events --from TIME [--to TIME] [--timezone ZONE]: the archived transactions whose
// commit time falls in [from, to), one line each (time, GTID, file:byte, what it changed), to
// find the moment before a bad statement for --restore latest --until / --until-gtid.
#ifndef MYSQL_BACKUP_CLI_BINLOG_EVENTS_H_
#define MYSQL_BACKUP_CLI_BINLOG_EVENTS_H_

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

// Errors: kUsage (a bad time or zone), kIntegrity (an archived file fails its checksum or
// decoding), kStorage.
Status RunBinlogEventsAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_BINLOG_EVENTS_H_
