// What the first bytes of an SQL statement say, for DumpScanner: which table an INSERT fills and
// whether its first '(' opens a column list or the first tuple; which table, view, routine,
// trigger, event or sequence a CREATE or DROP names; what a SET does to the sql_mode bits that
// change lexing. A head is read as the server reads it: the markers of versioned comments
// ("/*!50003", "*/") are dropped, what they enclose is the statement (head_tokenizer.h).
#ifndef MYSQL_BACKUP_SQL_STATEMENT_HEAD_H_
#define MYSQL_BACKUP_SQL_STATEMENT_HEAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mysql_backup {

// sql_mode bits that change how the client and server lex.
inline constexpr uint8_t kSqlModeNoBackslashEscapes = 1;  // '\' is an ordinary character
inline constexpr uint8_t kSqlModeAnsiQuotes = 2;          // "x" is an identifier, no escapes

// The lexing bits of a sql_mode value such as 'NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES'. The
// combination modes that include ANSI_QUOTES (ANSI, ORACLE, ...) count as it.
uint8_t SqlModeLexBits(std::string_view sql_mode);

// Blanks, as the client and server see them.
bool IsSqlBlank(char c);
// Bytes of an unquoted identifier or keyword; '@' too, so that @var and @@sql_mode are words.
bool IsSqlWordByte(char c);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// True when `text` starts with `keyword`, in any case, as a whole word.
bool StartsWithKeyword(std::string_view text, std::string_view keyword);

enum class ObjectKind { kNone, kTable, kView, kProcedure, kFunction, kTrigger, kEvent, kSequence };

// One `target = value` of a SET statement, as far as sql_mode goes.
struct SetAssignment {
  enum class Value { kUnknown, kModes, kCurrentModes, kVariable };
  std::string target;  // "sql_mode" or "@var", lower case
  Value value = Value::kUnknown;
  uint8_t modes = 0;     // kModes: the bits of a literal (DEFAULT: none)
  std::string variable;  // kVariable: "@var", lower case
};

// What a statement that is no INSERT does to what the restore drill checks.
struct StatementHead {
  enum class Verb { kOther, kCreate, kDrop, kSet };
  Verb verb = Verb::kOther;
  ObjectKind object = ObjectKind::kNone;
  std::vector<std::string> names;          // unqualified, unquoted; CREATE: one; DROP: the list
  std::vector<SetAssignment> assignments;  // SET: those of the session, not GLOBAL
};

// CREATE ... <kind> [IF NOT EXISTS] name (CREATE TEMPORARY TABLE is kOther), DROP <kind> [IF
// EXISTS] names, SET. `head` may be cut anywhere; `modes` are the kSqlMode bits in force.
StatementHead ParseStatementHead(std::string_view head, uint8_t modes);

// An INSERT or REPLACE read up to its first '(' outside strings (not included): the table, and
// whether that '(' opens the column list (`INSERT INTO t (a, b) VALUES ...`) or the first tuple.
// kOther for anything else (INSERT ... SELECT, ... SET).
struct InsertHead {
  enum class Kind { kOther, kColumns, kValues };
  Kind kind = Kind::kOther;
  std::string table;  // unqualified, unquoted
};

InsertHead ParseInsertHead(std::string_view head, uint8_t modes);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_STATEMENT_HEAD_H_
