// The read-only actions: --list [--json] and --verify [FILE...].
#ifndef MYSQL_BACKUP_CLI_INSPECT_ACTIONS_H_
#define MYSQL_BACKUP_CLI_INSPECT_ACTIONS_H_

#include <string>

#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

Status RunListAction(const RunContext& ctx);
// Exit 65 when any backup fails its check; one line per file either way.
Status RunVerifyAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_INSPECT_ACTIONS_H_
