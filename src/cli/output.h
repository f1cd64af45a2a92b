// Result lines for the user on stdout. Under systemd stdout is the journal too, where the
// same line already arrives as a structured entry; there it is not printed a second time. Nor
// when stdout and stderr are the same file (cron, `2>&1`): the stderr log line says it there.
#ifndef MYSQL_BACKUP_CLI_OUTPUT_H_
#define MYSQL_BACKUP_CLI_OUTPUT_H_

#include <string>

namespace mysql_backup {

// Prints `line` and a newline to stdout, flushed, unless stdout is a journal stream or the
// same file as stderr (not a terminal).
void PrintResultLine(const std::string& line);

// Every line given to PrintResultLine in this run (printed or not), each ending in a newline:
// the body of the heartbeat ping.
const std::string& ResultLines();
// Starts a new run's lines: the daemon runs many jobs in one process.
void ClearResultLines();

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_OUTPUT_H_
