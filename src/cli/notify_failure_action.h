// --notify-failure UNIT: run by mysql-backup-notify@.service when a mysql-backup unit failed.
// Collects the failed run's result and journal lines (journal/unit_failure.h) and reports them.
// Until the mail module lands, the report is logged as what would be sent.
#ifndef MYSQL_BACKUP_CLI_NOTIFY_FAILURE_ACTION_H_
#define MYSQL_BACKUP_CLI_NOTIFY_FAILURE_ACTION_H_

#include <string>

#include "cli/run_context.h"
#include "journal/unit_failure.h"
#include "util/status.h"

namespace mysql_backup {

// The subject and body of the failure report, for the mail.
std::string UnitFailureSubject(const UnitFailureInfo& info, const std::string& hostname);
std::string UnitFailureBody(const UnitFailureInfo& info);

Status RunNotifyFailureAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_NOTIFY_FAILURE_ACTION_H_
