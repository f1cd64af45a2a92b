#include "mysql/privilege_check.h"

#include "mysql/sql_client.h"

namespace mysql_backup {

namespace {

bool HasOption(const std::vector<std::string>& options, const std::string& name) {
  bool on = false;
  for (const auto& o : options) {
    if (o == "--" + name || o == "--" + name + "=1" || o == "--" + name + "=ON") on = true;
    if (o == "--skip-" + name || o == "--" + name + "=0" || o == "--" + name + "=OFF") on = false;
  }
  return on;
}

}  // namespace

Result<std::vector<std::string>> MissingDumpPrivileges(const ConnectionConfig& conn,
                                                       const std::string& database,
                                                       const std::vector<std::string>& options) {
  bool triggers = true;  // mysqldump dumps triggers unless told not to
  for (const auto& o : options) {
    if (o == "--skip-triggers" || o == "--triggers=0" || o == "--triggers=OFF") triggers = false;
    if (o == "--triggers") triggers = true;
  }
  bool routines = HasOption(options, "routines");
  bool events = HasOption(options, "events");
  if (!triggers && !routines && !events) return std::vector<std::string>{};
  // USER_PRIVILEGES and SCHEMA_PRIVILEGES list the current account's grants, roles included;
  // a schema grant may use LIKE wildcards ('shop\_%'), hence LIKE.
  // The privilege on `schema`, from a global grant or a schema grant (which may use LIKE
  // wildcards, 'shop\_%').
  auto privilege = [](const char* name, const std::string& schema) {
    std::string p = QuoteString(name);
    return "(SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = " + p +
           ") + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES WHERE PRIVILEGE_TYPE = " +
           p + " AND " + QuoteString(schema) + " LIKE TABLE_SCHEMA)";
  };
  // Routine bodies come from mysql.proc: readable with SELECT on it, on `mysql`, or globally.
  std::string sql = "SELECT " + privilege("TRIGGER", database) + ", " +
                    privilege("EVENT", database) + ", " + privilege("SELECT", "mysql") +
                    " + (SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES WHERE "
                    "TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'proc' AND PRIVILEGE_TYPE = 'SELECT')";
  auto rows = QuerySql(conn, sql);
  if (!rows.ok()) return rows.status();
  std::vector<std::string> warnings;
  if (rows->empty() || rows->front().size() < 3) return warnings;
  const auto& r = rows->front();
  std::string account = "'" + conn.user + "'";
  std::string target = QuoteIdentifier(database) + ".*";
  if (triggers && r[0] == "0") {
    warnings.push_back("the backup account " + account +
                       " lacks the TRIGGER privilege, so mysqldump leaves the triggers out of "
                       "the backup without an error; run: GRANT TRIGGER ON " + target + " TO " +
                       account);
  }
  if (events && r[1] == "0") {
    warnings.push_back("the backup account " + account +
                       " lacks the EVENT privilege, so the events cannot be dumped; run: GRANT "
                       "EVENT ON " + target + " TO " + account);
  }
  if (routines && r[2] == "0") {
    warnings.push_back("the backup account " + account +
                       " cannot read mysql.proc, so mysqldump leaves the stored procedures and "
                       "functions out of the backup without an error; run: GRANT SELECT ON "
                       "mysql.proc TO " + account);
  }
  return warnings;
}

}  // namespace mysql_backup
