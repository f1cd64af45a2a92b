// What a mysqldump/mariadb-dump stream inserts and creates, learnt while it streams past: the
// row tuples its INSERT statements add to each table, and the tables, views, routines, triggers,
// events and sequences it leaves behind. The restore drill tees the decompressed dump into a
// DumpScanner on its way to the client, then compares with what the scratch database holds.
//
// The scanner splits statements the way the mariadb/mysql client does, because the client decides
// what the server runs: '...' and "..." strings with backslash escapes and doubled quotes,
// `identifiers` with doubled backticks, "-- " and "#" line comments, /* */ comments (skipped),
// /*! */ and /*M! */ versioned comments (kept as text: the server runs what they hold), and the
// DELIMITER command that mysqldump writes around triggers, routines and events. Like the client,
// it follows the sql_mode that the dump sets (`SET sql_mode=...`, `@saved_sql_mode`): a routine
// dumped under NO_BACKSLASH_ESCAPES holds 'C:\' and one under ANSI_QUOTES holds "identifiers",
// and lexing those with the default rules would split the rest of the dump in the wrong places.
//
// The restore guard shares this lexing: a StatementObserver is told where each statement's head
// is ready and where the statement ends, at the byte the client would see it.
//
// Chunks may split the stream anywhere, even between every byte, with the same results. Memory
// is bounded: of each statement only its first kMaxHeadBytes are kept, so a 500 MB extended
// INSERT costs no more than a short one.
//
// Not handled (mysqldump does not write them for one database in utf8mb4, its default): `USE db`
// (names are unqualified, so dump one database at a time), multi-byte character sets whose
// trailing bytes can look like a backslash or quote (sjis, big5, gbk), client commands other
// than DELIMITER and the MariaDB sandbox line, delimiters made of quote or comment characters.
#ifndef MYSQL_BACKUP_SQL_DUMP_SCANNER_H_
#define MYSQL_BACKUP_SQL_DUMP_SCANNER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "codec/compressor.h"
#include "util/status.h"

namespace mysql_backup {

// Told where statements begin to matter and where they end, so that another stage (the restore
// guard) can act on whole statements with the scanner's lexing. Each call names the byte being
// scanned: position() is the stream offset just after it.
class StatementObserver {
 public:
  virtual ~StatementObserver() = default;
  // The statement so far says what it is: an INSERT/REPLACE at its first '(' outside strings,
  // any other statement when its head is full or at its end (then before OnStatementEnd). head()
  // and modes() are those the statement is lexed with.
  virtual void OnHeadReady() = 0;
  // The delimiter that ends a statement (also an empty one, which the client does not send).
  virtual void OnStatementEnd() = 0;
  // A client command ended (a DELIMITER line, MariaDB's sandbox line): it never reaches the
  // server.
  virtual void OnClientCommand() = 0;
};

class DumpScanner : public ByteSink {
 public:
  // How much of a statement is kept to learn what it is. The names a head must reach (a view's
  // after ALGORITHM and DEFINER, an INSERT's table) come well before this.
  static constexpr size_t kMaxHeadBytes = 1024;

  DumpScanner();

  // Scans the next bytes of the dump. Never fails.
  Status Write(std::span<const uint8_t> data) override;
  void Scan(std::string_view data);
  // Ends the stream. A last statement without a delimiter is taken as the client takes it (run).
  // No Write() after.
  void Finish();

  // Table name -> row tuples in INSERT/REPLACE ... VALUES statements for it, summed over all
  // statements. A table that no INSERT names (an empty one) has no entry: read it as 0. Names are
  // unqualified and unescaped (`a``b` -> a`b).
  const std::map<std::string, uint64_t>& rows_inserted() const { return rows_inserted_; }
  uint64_t total_rows() const { return total_rows_; }

  // The objects the dump leaves behind: created and not dropped later. A view's placeholder
  // (mysqldump creates a stand-in TABLE or VIEW for every view, drops it and creates the real
  // view at the end) ends up in views() only. tables() holds base tables (system-versioned
  // included), not sequences: a sequence has no INSERT but one row for COUNT(*).
  const std::set<std::string>& tables() const { return tables_; }
  const std::set<std::string>& views() const { return views_; }
  const std::set<std::string>& procedures() const { return procedures_; }
  const std::set<std::string>& functions() const { return functions_; }
  const std::set<std::string>& triggers() const { return triggers_; }
  const std::set<std::string>& events() const { return events_; }
  const std::set<std::string>& sequences() const { return sequences_; }

  // At most one; null to stop. Not owned.
  void set_observer(StatementObserver* observer) { observer_ = observer; }
  // For the observer, during its calls.
  uint64_t position() const {
    return chunk_offset_ + static_cast<uint64_t>(cursor_ - chunk_begin_) + 1;
  }
  const std::string& head() const { return head_; }
  const std::string& delimiter() const { return delimiter_; }
  uint8_t modes() const { return modes_; }
  // True once the current statement has a non-blank byte of text.
  bool statement_started() const { return started_; }

  // Statements sent to the server (DELIMITER and empty statements are not), for diagnostics.
  uint64_t statements() const { return statements_; }
  uint64_t bytes_scanned() const { return bytes_; }
  // After Finish(): false when the stream ended inside a string, a /* */ comment or a statement
  // that lacks its delimiter, as a cut-off dump does.
  bool ended_cleanly() const { return ended_cleanly_; }

 private:
  // Where the lexer is inside the current statement.
  enum class Lex : uint8_t {
    kCode,              // outside strings and comments
    kQuoted,            // inside quote_; quote_escapes_ says whether backslash escapes
    kQuotedEscape,      // after a backslash inside a string
    kLineComment,       // until the newline
    kBlockComment,      // /* ... */
    kBlockCommentStar,  // a '*' inside a block comment
    kSlash,             // '/' in code: a comment may start
    kSlashStar,         // "/*": a comment, or a versioned comment if '!' or "M!" follows
    kSlashStarM,        // "/*M"
    kDash,              // '-' in code: "-- " may start a comment
    kDashDash,          // "--"
    kDelimiter,         // a prefix of a multi-byte delimiter matched
    kDelimiterCommand,  // "DELIMITER " read; the new delimiter runs to the end of the line
  };
  // What the statement turned out to be, as far as counting goes.
  enum class Phase : uint8_t {
    kHead,           // still collecting the head, not classified yet
    kInsertColumns,  // INSERT INTO t ( column list )
    kAfterColumns,   // INSERT INTO t (...) ^ expecting VALUES
    kValues,         // counting tuples; depth_ is the parenthesis depth
    kOther,          // nothing more to learn; only the delimiter matters
  };

  void ScanBytes(const char* p, const char* end);
  const char* ScanCode(const char* p, const char* end);
  const char* ScanQuoted(const char* p, const char* end);
  // One byte in a state without a fast path.
  void Step(char c);
  // One byte of code (outside strings and comments).
  void CodeByte(char c);
  // One byte of statement text, after strings and comments are told apart.
  void Text(char c);
  void HeadByte(char c);
  void AppendHead(char c);
  void BeginQuote(char q);
  void QuotedByte(char c);

  void EndStatement();
  void ResetStatement();
  void FinishDelimiterCommand();
  void SetDelimiter(std::string_view delimiter);
  // On the first '(' of an INSERT/REPLACE: column list, first tuple, or something else.
  void ClassifyInsert();
  void BeginValues();
  // At the end of a statement still in kHead, or when the head is full: CREATE, DROP, SET.
  void ClassifyHead();

  std::map<std::string, uint64_t> rows_inserted_;
  uint64_t total_rows_ = 0;
  std::set<std::string> tables_, views_, procedures_, functions_, triggers_, events_, sequences_;
  uint64_t statements_ = 0;
  uint64_t bytes_ = 0;
  bool ended_cleanly_ = false;

  StatementObserver* observer_ = nullptr;
  // Where the byte being scanned is: for position().
  uint64_t chunk_offset_ = 0;
  const char* chunk_begin_ = nullptr;
  const char* cursor_ = nullptr;

  // Lexer.
  Lex lex_ = Lex::kCode;
  char quote_ = 0;
  bool quote_escapes_ = false;
  uint8_t modes_ = 0;                           // sql_mode bits that change lexing
  std::map<std::string, uint8_t> saved_modes_;  // user variables that hold a sql_mode
  std::string delimiter_;
  size_t delimiter_matched_ = 0;
  std::string delimiter_command_;  // the rest of a DELIMITER line, bounded
  // Bytes that stop the fast path in code: quotes, comment starts, the delimiter's first byte,
  // and (for kValues) parentheses.
  std::array<bool, 256> stops_values_{};
  std::array<bool, 256> stops_other_{};

  // The current statement.
  Phase phase_ = Phase::kHead;
  bool started_ = false;         // a non-blank byte of text seen
  bool insert_checked_ = false;  // the first '(' of the head seen
  std::string head_;
  int64_t depth_ = 0;
  std::string table_;         // INSERT target, unescaped
  std::string last_table_;    // of the previous INSERT, whose counter is rows_
  uint64_t* rows_ = nullptr;  // counter of last_table_ in rows_inserted_
  std::string word_;          // the keyword after an INSERT column list
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_DUMP_SCANNER_H_
