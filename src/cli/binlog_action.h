// --archive-binlogs: one archiving pass over the server's binary logs (see binlog/archive.h),
// run every two minutes by mysql-backup-binlogs.timer.
#ifndef MYSQL_BACKUP_CLI_BINLOG_ACTION_H_
#define MYSQL_BACKUP_CLI_BINLOG_ACTION_H_

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

// Errors: kConfiguration when [pitr] enabled is off; kGap (65, BACKUP_ERROR=gap) naming the
// missing range; otherwise those of ArchiveBinlogs.
Status RunArchiveBinlogsAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_BINLOG_ACTION_H_
