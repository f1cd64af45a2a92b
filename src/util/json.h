// Minimal JSON string quoting, for --list --json (the only JSON we write).
#ifndef MYSQL_BACKUP_UTIL_JSON_H_
#define MYSQL_BACKUP_UTIL_JSON_H_

#include <string>
#include <string_view>

namespace mysql_backup {

// "\"...\"" with quotes, backslashes and control characters escaped; other bytes as they are
// (our strings are UTF-8 paths and names).
std::string JsonQuote(std::string_view s);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_JSON_H_
