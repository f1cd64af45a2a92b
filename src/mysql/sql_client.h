// Running SQL through the mysql/mariadb client with the credentials on a pipe (never argv,
// environment or disk), for the few queries restore and the restore drill need.
#ifndef MYSQL_BACKUP_MYSQL_SQL_CLIENT_H_
#define MYSQL_BACKUP_MYSQL_SQL_CLIENT_H_

#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace mysql_backup {

// Rows of tab-separated fields (--batch --skip-column-names; the client escapes tabs and
// newlines inside values as \t and \n).
using SqlRows = std::vector<std::vector<std::string>>;

// Errors: kConnection (unreachable, login refused), kProcess (SQL error; the client's message).
Result<SqlRows> QuerySql(const ConnectionConfig& conn, const std::string& sql);

// `name` as a quoted identifier: `a``b`.
std::string QuoteIdentifier(const std::string& name);
// 'it''s' as a string literal, backslashes doubled.
std::string QuoteString(const std::string& value);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_MYSQL_SQL_CLIENT_H_
