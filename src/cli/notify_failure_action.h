// --notify-failure UNIT: run by mysql-backup-notify@.service when a mysql-backup unit failed.
// Collects the failed run's result and journal lines (journal/unit_failure.h), logs them, and
// mails them when notifications are enabled.
#ifndef MYSQL_BACKUP_CLI_NOTIFY_FAILURE_ACTION_H_
#define MYSQL_BACKUP_CLI_NOTIFY_FAILURE_ACTION_H_

#include <string>

#include "cli/run_context.h"
#include "journal/unit_failure.h"
#include "util/status.h"

namespace mysql_backup {

// The report as logged in the notify unit's journal: the result, then the run's lines.
std::string UnitFailureText(const UnitFailureInfo& info);

// Errors: kUsage for an invalid unit name; kNotification (75) when the mail cannot be sent.
// With notifications disabled the failure is only logged, and that is success.
Status RunNotifyFailureAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_NOTIFY_FAILURE_ACTION_H_
