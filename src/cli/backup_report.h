// The end of each backup, told everywhere it must be: one line on stdout (success) or stderr
// (failure), the journal entry with MESSAGE_ID and the BACKUP_* fields, and the mail.
#ifndef MYSQL_BACKUP_CLI_BACKUP_REPORT_H_
#define MYSQL_BACKUP_CLI_BACKUP_REPORT_H_

#include "cli/backup_action.h"
#include "cli/run_context.h"

namespace mysql_backup {

void ReportBackupSuccess(const RunContext& ctx, const BackupOutcome& outcome);
void ReportBackupFailure(const RunContext& ctx, BackupType type, const Status& status);

// --test-notification: one test mail; kNotification (75) with the server's answer when it
// cannot be sent, kConfiguration when notifications are disabled.
Status RunTestNotificationAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_BACKUP_REPORT_H_
