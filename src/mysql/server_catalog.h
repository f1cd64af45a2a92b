// What a run asks the server before it dumps: which server it is, whether it writes a binary
// log, and which databases it holds right now (never cached between runs, so a database created
// yesterday is in today's backup).
#ifndef MYSQL_BACKUP_MYSQL_SERVER_CATALOG_H_
#define MYSQL_BACKUP_MYSQL_SERVER_CATALOG_H_

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace mysql_backup {

struct ServerInfo {
  std::string flavour;  // "MariaDB" or "MySQL"
  std::string version;  // VERSION(), e.g. "10.11.6-MariaDB-0+deb12u1-log"
  bool log_bin = false;
};

// Errors: kConnection, kProcess (as QuerySql).
Result<ServerInfo> QueryServerInfo(const ConnectionConfig& conn);

// Every database on the server, in the server's order, names exact whatever bytes they hold
// (read as hex, so tabs, newlines and backslashes survive the client's batch format).
Result<std::vector<std::string>> ListDatabases(const ConnectionConfig& conn);

// How many tables (and views) `database` holds; 0 when it does not exist.
Result<long long> CountTables(const ConnectionConfig& conn, const std::string& database);

// "6d7973716c" -> "mysql". Errors: kProcess for odd-length or non-hex input.
Result<std::string> DecodeHex(std::string_view hex);

// The flavour from a VERSION() string: "MariaDB" when it says so, else "MySQL".
std::string ServerFlavour(std::string_view version);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_MYSQL_SERVER_CATALOG_H_
