// What kind of statement a dump holds, read from its first words: the one list of statement
// kinds that the restore guard judges (statement_policy) and the parallel restore routes
// (dump_splitter). Both switch over StatementKind without a default, so a kind added here must be
// handled by each of them before the build passes. What a statement of a kind may contain, and
// where it goes, stays with each of them.
#ifndef MYSQL_BACKUP_SQL_STATEMENT_KIND_H_
#define MYSQL_BACKUP_SQL_STATEMENT_KIND_H_

#include "sql/head_tokenizer.h"
#include "sql/statement_head.h"

namespace mysql_backup {

enum class StatementKind {
  kEmpty,                // nothing but blanks and comments
  kSet,                  // SET ...: session (or, refused, global) state
  kUse,                  // USE db
  kCreate,               // CREATE ...
  kDrop,                 // DROP ...
  kInsert,               // INSERT ..., REPLACE ...
  kLock,                 // LOCK ...
  kUnlock,               // UNLOCK ...
  kTransaction,          // BEGIN, COMMIT, START TRANSACTION
  kAlter,                // ALTER ...
  kSelectOrDo,           // SELECT ..., DO ... (mariadb-dump's SETVAL of a sequence)
  kReplicationPosition,  // CHANGE MASTER|REPLICATION ... (--master-data, --dump-slave)
  kReplicationCommand,   // START|STOP SLAVE|REPLICA|ALL ...
  kOther,
};

// Reads the first word of a statement from `tokens` and says what kind it is. Only that word is
// consumed (for START, STOP and CHANGE the second is peeked at), so the caller reads on from the
// second word.
StatementKind ReadStatementKind(HeadTokenizer& tokens);

// The object a CREATE or DROP names by this keyword (TABLE, VIEW, ...), kNone for any other token.
ObjectKind ObjectKeyword(const Token& token);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_STATEMENT_KIND_H_
