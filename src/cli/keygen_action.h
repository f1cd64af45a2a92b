// --generate-key [FILE]: a new age identity in age-keygen's format, so keys made by either tool
// work with the other. Needs no configuration file.
#ifndef MYSQL_BACKUP_CLI_KEYGEN_ACTION_H_
#define MYSQL_BACKUP_CLI_KEYGEN_ACTION_H_

#include <string>

#include "util/status.h"

namespace mysql_backup {

// With `file`: creates it (mode 0600, never over an existing file or link: kStorage) holding
// the identity, and prints its recipient (age1...) on stdout, for [encryption] recipients.
// Without: prints the identity file's text on stdout and a warning on stderr that the secret
// key went to the terminal.
Status RunGenerateKey(const std::string& file);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_KEYGEN_ACTION_H_
