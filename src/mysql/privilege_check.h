// mysqldump leaves out triggers it may not see (no TRIGGER privilege) and routines it may not
// read (no SELECT on mysql.proc) and still exits 0: the backup looks fine and restores
// incomplete. This asks the server, as the backup account, whether that will happen.
#ifndef MYSQL_BACKUP_MYSQL_PRIVILEGE_CHECK_H_
#define MYSQL_BACKUP_MYSQL_PRIVILEGE_CHECK_H_

#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace mysql_backup {

// One warning per object kind the dump would silently miss, with the GRANT that fixes it.
// `dump_options` decides which kinds matter (--triggers is mysqldump's default; --routines and
// --events must be asked for). Errors: those of the client (connection refused and the like).
Result<std::vector<std::string>> MissingDumpPrivileges(const ConnectionConfig& conn,
                                                       const std::string& database,
                                                       const std::vector<std::string>& dump_options);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_MYSQL_PRIVILEGE_CHECK_H_
