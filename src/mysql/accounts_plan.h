// Loading an accounts file (mariadb-dump --system=users,plugins,udfs,servers --insert-ignore,
// one statement a line) into a server that is being rebuilt. Two things need care:
//  - order: a grant on a table or routine fails until that table exists, so those grants are
//    held back and run after the databases are loaded; everything else (users, roles, global
//    and database grants, default roles) runs before them;
//  - trust: backup_dir is writable by the service user, so only the statements mariadb-dump
//    writes in this mode are accepted. Anything else (an INSERT into mysql.*, a DROP USER, a
//    client command) refuses the whole file before any of it runs.
#ifndef MYSQL_BACKUP_MYSQL_ACCOUNTS_PLAN_H_
#define MYSQL_BACKUP_MYSQL_ACCOUNTS_PLAN_H_

#include <string>
#include <string_view>

#include "util/status.h"

namespace mysql_backup {

struct AccountsPlan {
  std::string before_databases;  // SQL text, one statement a line
  std::string after_databases;   // table, column and routine grants
  int accounts = 0;              // CREATE USER / CREATE ROLE statements
  int deferred_grants = 0;
};

// Errors: kIntegrity naming the line number and (cut) text of the first statement refused.
Result<AccountsPlan> PlanAccountsRestore(std::string_view accounts_sql);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_MYSQL_ACCOUNTS_PLAN_H_
