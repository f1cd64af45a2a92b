// What a restore may run of a dump: the judgement of the restore guard on one statement. A dump
// is untrusted input (anyone who can write backup_dir can craft one), and the client runs it with
// the restore account's rights, so only what mysqldump/mariadb-dump write for one database
// passes, and only inside the target database:
//   - SET of session and user variables (values: literals, variables, IFNULL/COALESCE), SET NAMES;
//   - CREATE/DROP TABLE, VIEW, PROCEDURE, FUNCTION, TRIGGER, EVENT, SEQUENCE;
//   - INSERT/REPLACE [IGNORE] INTO t (...) VALUES ..., LOCK/UNLOCK TABLES,
//     ALTER TABLE t DISABLE/ENABLE KEYS, SELECT/DO SETVAL(seq, ...), START TRANSACTION, BEGIN,
//     COMMIT, ALTER DATABASE (mariadb-dump's charset switch around routines; renamed to target).
// Refused: USE, CREATE/DROP DATABASE, a created, dropped, written or locked object qualified with
// another database, a write into a table that already has a trigger of the dump (it would fire
// during the restore), and everything else (GRANT, UPDATE, DELETE, CALL, LOAD DATA, SET GLOBAL,
// SET PASSWORD, SET ROLE, SET STATEMENT, FLUSH, ...), and a switch to a character set in which
// '\\' can end a character (sjis, cp932, big5, gbk, gb18030): client and server would split
// strings elsewhere than the guard. The body of a view, routine, trigger or event
// may read and write other databases: it runs when used, not while restoring.
// Skipped: the replication position that --master-data/--dump-slave write (CHANGE MASTER TO,
// SET GLOBAL gtid_slave_pos/gtid_purged, START/STOP SLAVE).
// Rewritten: DEFINER=... to DEFINER=CURRENT_USER (objects then run with the restorer's rights);
// a trigger's name and table or ALTER DATABASE qualified with the dumped database to the target;
// with
// disable_events, CREATE EVENT ... ENABLE to DISABLE.
#ifndef MYSQL_BACKUP_SQL_STATEMENT_POLICY_H_
#define MYSQL_BACKUP_SQL_STATEMENT_POLICY_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace mysql_backup {

struct GuardSettings {
  std::string target;           // the database the restore loads into
  std::string source;           // the database the dump was made of; "" when unknown
  bool disable_events = false;  // create events DISABLED (the drill: nothing may fire)
};

struct Verdict {
  enum class Action { kPass, kSkip, kRefuse };
  Action action = Action::kPass;
  std::string rewritten;  // kPass: when not empty, the bytes to send in place of the statement
  std::string reason;     // kSkip, kRefuse: why, as "which would ..." / "a replication ..."
  std::string definer;    // the DEFINER rewritten to CURRENT_USER, as written (`u`@`h`)
};

// Under a DELIMITER other than ';' the client sends everything up to that delimiter as one query,
// and the server runs every ';'-separated statement in it. True when `statement` (whole, without
// its delimiter) holds a ';' the server would take as the end of a statement: anywhere but inside
// the BEGIN ... END body of a CREATE PROCEDURE, FUNCTION, TRIGGER or EVENT. Errs towards true:
// a BEGIN that opens a block only after WHILE ... DO is not recognised.
bool HidesFurtherStatements(std::string_view statement, uint8_t modes);

class StatementPolicy {
 public:
  explicit StatementPolicy(GuardSettings settings) : settings_(std::move(settings)) {}

  // `raw` is one statement as the dump holds it, comments before it included, its delimiter
  // not; it may be cut after its head (an INSERT at its first '(' outside strings, a long
  // statement after its first kilobyte). `modes`: the kSqlMode bits it is lexed with. Remembers
  // the triggers the dump creates, so it judges a dump's statements in order.
  Verdict Judge(std::string_view raw, uint8_t modes);

  const GuardSettings& settings() const { return settings_; }

 private:
  GuardSettings settings_;
  std::map<std::string, std::string> trigger_tables_;  // trigger -> its table, as created
  std::set<std::string> safe_charset_vars_;            // see JudgeSet
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_STATEMENT_POLICY_H_
