// A real, throwaway MariaDB server for integration tests, and a fingerprint of a database's
// content to prove that a dump restored elsewhere is equal to its source.
//
// MariaDbServer drives tests/support/mariadb.sh (which the demo and benchmark use too): a fresh
// datadir under /tmp, mariadbd on a private socket and a private 127.0.0.1 port, and three
// accounts: root (socket only, no password), `backup` (the awkward kBackupPassword and the least
// privileges mariadb-dump needs) and `restorer` (all privileges), each at localhost (socket) and
// 127.0.0.1 (TCP). The destructor shuts the server down and removes the directory; should the
// test process die without it, a watchdog started by the script does the shutdown.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_MARIADB_SERVER_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_MARIADB_SERVER_H_

#include <string>
#include <vector>

#include "util/status.h"

namespace mysql_backup::testing {

class MariaDbServer {
 public:
  // Hard to quote on every layer: space, $, ;, #, both quotes, a backslash.
  static constexpr const char* kBackupUser = "backup";
  static constexpr const char* kBackupPassword = R"(S3cr3t pa$$ ;w0rd#"'\x)";
  static constexpr const char* kRestoreUser = "restorer";
  static constexpr const char* kRestorePassword = "r3st0re;pw";

  MariaDbServer() = default;
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;
  ~MariaDbServer() { Stop(); }

  // Starts a fresh server; takes a few seconds (longer the first time on a machine without
  // MariaDB: the script installs it). An error's message carries the script's stderr, which
  // holds the tail of the server log.
  // `server_args`: extra mariadbd options (MARIADB_SERVER_ARGS of mariadb.sh), for example
  // {"--log-bin=mysql-bin", "--server-id=1"}; the defaults are kept otherwise.
  Status Start(const std::vector<std::string>& server_args = {});
  // Shuts the server down and removes its directory (kept when MYSQL_BACKUP_KEEP_TEST_DIRS is
  // set). Safe to call again or without Start().
  void Stop();

  bool running() const { return !dir_.empty(); }
  const std::string& dir() const { return dir_; }
  const std::string& socket() const { return socket_; }
  int port() const { return port_; }

  // Runs `sql` (any number of statements) as root over the socket with
  // `--batch --skip-column-names` and returns stdout: one line a row, tab-separated, with tab,
  // newline, NUL and backslash written as \t \n \0 \\. On failure records a test failure
  // with the client's message and returns "".
  std::string Sql(const std::string& sql, const std::string& db = "") const;
  // The same, returning the failure instead.
  Result<std::string> TrySql(const std::string& sql, const std::string& db = "") const;
  // Runs an SQL file (DELIMITER works) as root.
  Status LoadFile(const std::string& path, const std::string& db = "") const;

  // Command prefixes for root over the socket, without option files; append options and a
  // database. {"mariadb", "--no-defaults", ...} and {"mariadb-dump", "--no-defaults", ...}.
  std::vector<std::string> ClientCommand() const;
  std::vector<std::string> DumpCommand() const;

 private:
  std::string dir_;
  std::string socket_;
  int port_ = 0;
};

// `s` as a single-quoted SQL string literal (backslash escapes on, as in the default sql_mode).
std::string SqlString(const std::string& s);
// `s` as a backtick-quoted identifier.
std::string SqlIdentifier(const std::string& s);

// A text, one line an object, of what a dump and restore must preserve in database `db`:
//   table: SHOW CREATE TABLE, COUNT(*) and CHECKSUM TABLE ... EXTENDED (base tables)
//   view / routine / trigger / event: the definition with DEFINER and the `db`. qualifier
//   removed, plus its sql_mode, character sets, schedule, status.
// Two databases with the same content give the same text whatever their names; a changed row
// changes it. Not covered: the database's own default collation, sequences, privileges.
// Compare with EXPECT_EQ to get a line diff.
Result<std::string> TryDatabaseFingerprint(const MariaDbServer& server, const std::string& db);

// Starts `server`, loads tests/fixtures/awkward.sql into `awkward` and stores that database's
// fingerprint in *fingerprint: the common start of an integration suite.
Status StartWithAwkwardFixture(MariaDbServer* server, std::string* fingerprint);
// The same; records a test failure and returns "" when a query fails.
std::string DatabaseFingerprint(const MariaDbServer& server, const std::string& db);

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_MARIADB_SERVER_H_
