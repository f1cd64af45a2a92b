// How we run the MySQL/MariaDB command-line programs (mysqldump, mysql) without the password
// ever touching argv, the environment or the disk: the credentials go into an option file
// written to an anonymous pipe, which the child reads as --defaults-extra-file=/dev/fd/3.
#ifndef MYSQL_BACKUP_MYSQL_MYSQL_CLIENT_H_
#define MYSQL_BACKUP_MYSQL_MYSQL_CLIENT_H_

#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

inline constexpr int kOptionFileChildFd = 3;

// The [client] option file text for `conn`, values quoted and escaped so that any password
// survives: inside double quotes, '\' and '"' are escaped with a backslash, newline and carriage
// return are written as \n and \r.
std::string ClientOptionFile(const ConnectionConfig& conn);

// A pipe already holding `content`, write end closed: its read end is for the child.
Result<UniqueFd> MakeOptionFilePipe(const std::string& content);

// "mariadb-dump" or "mysqldump" (first found in PATH, MariaDB's own name first since its
// mysqldump alias may warn), likewise "mariadb" or "mysql". Errors: kProcess, not installed.
Result<std::string> FindDumpProgram();
Result<std::string> FindClientProgram();
// "mariadb-binlog" or "mysqlbinlog", for --archive-binlogs.
Result<std::string> FindBinlogProgram();

// argv for the dump: program, the option file first (mysqldump requires that), the user's
// options, then the database.
std::vector<std::string> DumpCommand(const std::string& program,
                                     const std::vector<std::string>& user_options,
                                     const std::string& database);

// Classifies a failed client run by its stderr: login refused, server unreachable or unknown
// database are kConnection (69); everything else kProcess (70). Only the programs' own message
// lines are read: the statement a client echoes after a failure holds row data, in which
// "(2013)" or "Error 2006" may stand.
ErrorKind ClassifyClientFailure(const std::string& stderr_text);

// The line of a client's stderr that says what went wrong ("ERROR 1044 (42000) at line 1:
// Access denied ..."), without the echoed statement the client prints around it.
std::string ClientErrorLine(const std::string& stderr_text);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_MYSQL_MYSQL_CLIENT_H_
