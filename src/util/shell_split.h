// Splits a string into words the way a POSIX shell would for a simple command: whitespace
// separates, single quotes keep everything, double quotes keep everything but \" \\ \$ \`,
// a backslash outside quotes escapes the next character. No expansion of any kind.
#ifndef MYSQL_BACKUP_UTIL_SHELL_SPLIT_H_
#define MYSQL_BACKUP_UTIL_SHELL_SPLIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

// Errors (kConfiguration): an unterminated quote or a trailing backslash.
Result<std::vector<std::string>> ShellSplit(std::string_view text);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_SHELL_SPLIT_H_
