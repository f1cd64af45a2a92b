// An INI reader with Python configparser's rules, because the old tool's users keep their file:
// values are verbatim to the end of the line (';' and '#' inside a value are data), '=' or ':'
// separate key and value, keys are case-insensitive, indented lines continue the previous value
// (joined with '\n'), whole-line comments start with '#' or ';'. Debian's libinih cuts values at
// " ;" and treats continuations differently, so it cannot read these files faithfully.
#ifndef MYSQL_BACKUP_CONFIG_INI_FILE_H_
#define MYSQL_BACKUP_CONFIG_INI_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

struct IniEntry {
  std::string key;  // lower case
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string name;  // as written (case-sensitive, like configparser)
  int line = 0;
  std::vector<IniEntry> entries;
};

// `value` as it may appear in a message: control characters escaped ("\n", "\x00"), so a
// message stays one line, and cut after about 200 characters, so a 10 MB line is not echoed.
std::string ExcerptForMessage(std::string_view value);

// Parses `text`. `origin` names the file in errors ("'/etc/x.conf' line 3: ...").
// Duplicate sections and keys are errors, as with configparser's strict mode.
Result<std::vector<IniSection>> ParseIni(std::string_view text, const std::string& origin);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CONFIG_INI_FILE_H_
