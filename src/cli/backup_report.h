// The end of each backup, told everywhere it must be: one line on stdout (success) or stderr
// (failure), the journal entry with MESSAGE_ID and the BACKUP_* fields, and the mail.
#ifndef MYSQL_BACKUP_CLI_BACKUP_REPORT_H_
#define MYSQL_BACKUP_CLI_BACKUP_REPORT_H_

#include "cli/backup_action.h"
#include "cli/run_context.h"

namespace mysql_backup {

// One verified file: its line, its journal entry (BACKUP_DATABASE set to its database), and,
// when `mail` (the single-database configuration), the success mail.
void ReportBackupSuccess(const RunContext& ctx, const BackupOutcome& outcome, bool mail);
// The end of a run over several databases: one summary line and journal entry, and one mail
// for the run (success, or the failure mail when `status` is not ok comes from the caller).
void ReportRunSummary(const RunContext& ctx, const RunOutcome& run, const Status& status);
void ReportBackupFailure(const RunContext& ctx, BackupType type, const Status& status);

// --test-notification: one test mail; kNotification (75) with the server's answer when it
// cannot be sent, kConfiguration when notifications are disabled.
Status RunTestNotificationAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_BACKUP_REPORT_H_
