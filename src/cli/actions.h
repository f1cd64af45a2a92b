// The table of actions (ninja's ChooseTool): what each runs and how it is tagged in the journal.
#ifndef MYSQL_BACKUP_CLI_ACTIONS_H_
#define MYSQL_BACKUP_CLI_ACTIONS_H_

#include <string>

#include "cli/options.h"
#include "cli/run_context.h"
#include "util/status.h"

namespace mysql_backup {

struct ActionSpec {
  Action action;
  // BACKUP_TYPE= for every journal entry of the run ("daily", "cleanup", "verify", ...).
  // Null: taken from --backup-type.
  const char* journal_type;
  // Whether the action logs its own failures (each backup type reports its own end).
  bool reports_own_failure;
  Status (*run)(const RunContext& ctx);
  // MESSAGE_ID of the journal entry main.cc writes when the action fails (null: none).
  const char* failure_message_id = nullptr;
};

// Null for kHelp/kVersion, which need no config.
const ActionSpec* FindAction(Action action);

// Runs the action ctx.options names (not kCheck, whose exit status is not a Status) the one way
// every run goes: heartbeat ping at the start, the action, its failure logged (unless it logs its
// own), then the state file, the metrics file and the closing ping (cli/monitoring.h). Used by
// main.cc for a oneshot run and by --daemon for each scheduled job, so both are watched alike.
Status RunAction(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_ACTIONS_H_
