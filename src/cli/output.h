// Result lines for the user on stdout. Under systemd stdout is the journal too, where the
// same line already arrives as a structured entry; there it is not printed a second time.
#ifndef MYSQL_BACKUP_CLI_OUTPUT_H_
#define MYSQL_BACKUP_CLI_OUTPUT_H_

#include <string>

namespace mysql_backup {

// Prints `line` and a newline to stdout, flushed, unless stdout is a journal stream.
void PrintResultLine(const std::string& line);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_OUTPUT_H_
