#include "restore/dump_scanner.h"

#include <cstring>
#include <utility>
#include <vector>

namespace mysql_backup {

namespace {

// sql_mode bits that change how the client and server lex.
constexpr uint8_t kNoBackslashEscapes = 1;
constexpr uint8_t kAnsiQuotes = 2;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Bytes of an unquoted identifier or keyword; '@' too, so that @var and @@sql_mode are words.
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' ||
         u == '$' || u == '@' || u >= 0x80;
}

char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

bool StartsWithKeyword(std::string_view text, std::string_view keyword) {
  return text.size() >= keyword.size() &&
         EqualsIgnoreCase(text.substr(0, keyword.size()), keyword) &&
         (text.size() == keyword.size() || !IsWordByte(text[keyword.size()]));
}

// The lexing bits of a sql_mode value such as 'NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES'. The
// combination modes that include ANSI_QUOTES count as it.
uint8_t ModesFromSqlMode(std::string_view value) {
  uint8_t modes = 0;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!item.empty() && IsSpace(item.front())) item.remove_prefix(1);
    while (!item.empty() && IsSpace(item.back())) item.remove_suffix(1);
    if (EqualsIgnoreCase(item, "NO_BACKSLASH_ESCAPES")) modes |= kNoBackslashEscapes;
    for (std::string_view ansi :
         {"ANSI_QUOTES", "ANSI", "DB2", "MAXDB", "MSSQL", "ORACLE", "POSTGRESQL"}) {
      if (EqualsIgnoreCase(item, ansi)) modes |= kAnsiQuotes;
    }
  }
  return modes;
}

struct Token {
  enum class Kind { kEnd, kWord, kName, kString, kPunct };
  Kind kind = Kind::kEnd;
  std::string_view raw;  // as written, quotes included
  bool escapes = false;  // backslash escapes inside this quoted token

  bool Is(std::string_view keyword) const {
    return kind == Kind::kWord && EqualsIgnoreCase(raw, keyword);
  }
  bool IsPunct(char c) const { return kind == Kind::kPunct && raw[0] == c; }
  // A "name" is a string when ANSI_QUOTES is off, but where a name must be it can only be one.
  bool IsNameLike() const {
    return kind == Kind::kWord || kind == Kind::kName || (kind == Kind::kString && raw[0] == '"');
  }
};

// The value of a word, identifier or string token: quotes removed, doubled quotes and backslash
// escapes undone. A token cut off by the end of the head yields what it has.
std::string Unquote(const Token& token) {
  if (token.kind != Token::Kind::kName && token.kind != Token::Kind::kString) {
    return std::string(token.raw);
  }
  const std::string_view raw = token.raw;
  const char quote = raw[0];
  std::string out;
  for (size_t i = 1; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && token.escapes && i + 1 < raw.size()) {
      switch (raw[++i]) {
        case 'n':
          c = '\n';
          break;
        case 't':
          c = '\t';
          break;
        case 'r':
          c = '\r';
          break;
        case '0':
          c = '\0';
          break;
        case 'Z':
          c = '\x1a';
          break;
        case 'b':
          c = '\b';
          break;
        default:
          c = raw[i];
      }
    } else if (c == quote) {
      if (i + 1 < raw.size() && raw[i + 1] == quote) {
        ++i;
      } else {
        break;
      }
    }
    out += c;
  }
  return out;
}

// Splits a statement head into tokens. The markers of versioned comments ("/*!50003", "/*M!100101",
// "*/") are dropped: the server runs what they enclose, so that is the statement.
class HeadTokenizer {
 public:
  HeadTokenizer(std::string_view text, uint8_t modes) : text_(text), modes_(modes) {}

  Token Next() {
    if (has_peeked_) {
      has_peeked_ = false;
      return peeked_;
    }
    return Read();
  }
  const Token& Peek() {
    if (!has_peeked_) {
      peeked_ = Read();
      has_peeked_ = true;
    }
    return peeked_;
  }

 private:
  Token Read();

  std::string_view text_;
  size_t pos_ = 0;
  uint8_t modes_;
  Token peeked_;
  bool has_peeked_ = false;
};

Token HeadTokenizer::Read() {
  const size_t size = text_.size();
  for (;;) {
    while (pos_ < size && IsSpace(text_[pos_])) ++pos_;
    if (pos_ >= size) return Token{};
    const std::string_view rest = text_.substr(pos_);
    if (rest.starts_with("/*!") || rest.starts_with("/*M!")) {
      pos_ += rest[2] == '!' ? 3 : 4;
      while (pos_ < size && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      continue;
    }
    if (rest.starts_with("*/")) {
      pos_ += 2;
      continue;
    }
    break;
  }
  const size_t start = pos_;
  const char c = text_[pos_];
  Token token;
  if (c == '\'' || c == '"' || c == '`') {
    const bool name = c == '`' || (c == '"' && (modes_ & kAnsiQuotes));
    token.kind = name ? Token::Kind::kName : Token::Kind::kString;
    token.escapes = !name && !(modes_ & kNoBackslashEscapes);
    ++pos_;
    while (pos_ < size) {
      const char d = text_[pos_++];
      if (d == '\\' && token.escapes) {
        if (pos_ < size) ++pos_;
      } else if (d == c) {
        if (pos_ < size && text_[pos_] == c) {
          ++pos_;
        } else {
          break;
        }
      }
    }
  } else if (IsWordByte(c)) {
    token.kind = Token::Kind::kWord;
    while (pos_ < size && IsWordByte(text_[pos_])) ++pos_;
  } else {
    token.kind = Token::Kind::kPunct;
    ++pos_;
  }
  token.raw = text_.substr(start, pos_ - start);
  return token;
}

// Reads `name` or `db`.`name` and returns the last part, unquoted; "" when no name is there.
std::string ReadQualifiedName(HeadTokenizer& tokens) {
  Token token = tokens.Next();
  if (!token.IsNameLike()) return "";
  std::string name = Unquote(token);
  while (tokens.Peek().IsPunct('.')) {
    tokens.Next();
    token = tokens.Next();
    if (!token.IsNameLike()) break;
    name = Unquote(token);
  }
  return name;
}

void SkipIfExists(HeadTokenizer& tokens) {
  if (!tokens.Peek().Is("IF")) return;
  tokens.Next();
  if (tokens.Peek().Is("NOT")) tokens.Next();
  if (tokens.Peek().Is("EXISTS")) tokens.Next();
}

enum class ObjectKind { kNone, kTable, kView, kProcedure, kFunction, kTrigger, kEvent, kSequence };

ObjectKind ObjectKeyword(const Token& token) {
  if (token.kind != Token::Kind::kWord) return ObjectKind::kNone;
  static const std::pair<std::string_view, ObjectKind> kKeywords[] = {
      {"TABLE", ObjectKind::kTable},         {"VIEW", ObjectKind::kView},
      {"PROCEDURE", ObjectKind::kProcedure}, {"FUNCTION", ObjectKind::kFunction},
      {"TRIGGER", ObjectKind::kTrigger},     {"EVENT", ObjectKind::kEvent},
      {"SEQUENCE", ObjectKind::kSequence},
  };
  for (const auto& [keyword, kind] : kKeywords) {
    if (token.Is(keyword)) return kind;
  }
  return ObjectKind::kNone;
}

// One `target = value` of a SET statement, as far as sql_mode goes.
struct SetAssignment {
  enum class Value { kUnknown, kModes, kCurrentModes, kVariable };
  std::string target;  // "sql_mode" or "@var", lower case
  Value value = Value::kUnknown;
  uint8_t modes = 0;     // kModes: from a literal
  std::string variable;  // kVariable: "@var", lower case
};

// What a statement head (of a statement that is no INSERT) does to what we track.
struct HeadInfo {
  enum class Verb { kOther, kCreate, kDrop, kSet };
  Verb verb = Verb::kOther;
  ObjectKind object = ObjectKind::kNone;
  std::vector<std::string> names;  // CREATE: one; DROP: the list
  std::vector<SetAssignment> assignments;
};

// CREATE [OR REPLACE] [ALGORITHM=...] [DEFINER=...] [SQL SECURITY ...] [AGGREGATE] <kind>
// [IF NOT EXISTS] name. The options before the kind are skipped whatever they are, up to a bound.
void ParseCreate(HeadTokenizer& tokens, HeadInfo* info) {
  bool temporary = false;
  for (int i = 0; i < 64; ++i) {
    const Token token = tokens.Next();
    if (token.kind == Token::Kind::kEnd) return;
    if (token.Is("TEMPORARY")) temporary = true;
    for (std::string_view other :
         {"DATABASE", "SCHEMA", "INDEX", "USER", "ROLE", "SERVER", "PACKAGE", "TABLESPACE"}) {
      if (token.Is(other)) return;
    }
    const ObjectKind kind = ObjectKeyword(token);
    if (kind == ObjectKind::kNone) continue;
    if (temporary && kind == ObjectKind::kTable) return;
    SkipIfExists(tokens);
    std::string name = ReadQualifiedName(tokens);
    if (name.empty()) return;
    info->verb = HeadInfo::Verb::kCreate;
    info->object = kind;
    info->names.push_back(std::move(name));
    return;
  }
}

// DROP [TEMPORARY] <kind> [IF EXISTS] name [, name]...
void ParseDrop(HeadTokenizer& tokens, HeadInfo* info) {
  Token token = tokens.Next();
  if (token.Is("TEMPORARY")) return;
  const ObjectKind kind = ObjectKeyword(token);
  if (kind == ObjectKind::kNone) return;
  SkipIfExists(tokens);
  for (;;) {
    std::string name = ReadQualifiedName(tokens);
    if (name.empty()) break;
    info->names.push_back(std::move(name));
    if (!tokens.Peek().IsPunct(',')) break;
    tokens.Next();
  }
  if (info->names.empty()) return;
  info->verb = HeadInfo::Verb::kDrop;
  info->object = kind;
}

// Reads a variable reference after its first word ("@@session" "." "sql_mode"): returns it lower
// case without scope ("@@sql_mode", "@x", "sql_mode"), and whether the scope is global.
std::string ReadVariable(HeadTokenizer& tokens, const Token& first, bool* global) {
  std::string word = ToLower(first.raw);
  if (!word.starts_with("@@")) return word;
  if (!tokens.Peek().IsPunct('.')) return word;
  tokens.Next();
  const Token var = tokens.Next();
  if (word == "@@global") *global = true;
  return "@@" + ToLower(var.raw);
}

// SET [GLOBAL|SESSION|LOCAL] var = value [, ...]: the assignments whose values we understand (a
// string literal, @var, @@sql_mode, DEFAULT); anything else is kUnknown.
void ParseSet(HeadTokenizer& tokens, HeadInfo* info) {
  info->verb = HeadInfo::Verb::kSet;
  for (;;) {
    Token token = tokens.Next();
    if (token.kind == Token::Kind::kEnd) return;
    bool global = false;
    if (token.Is("GLOBAL")) {
      global = true;
      token = tokens.Next();
    } else if (token.Is("SESSION") || token.Is("LOCAL")) {
      token = tokens.Next();
    }
    SetAssignment assignment;
    if (token.kind == Token::Kind::kWord) {
      assignment.target = ReadVariable(tokens, token, &global);
      if (assignment.target.starts_with("@@")) assignment.target.erase(0, 2);
    }
    if (tokens.Peek().IsPunct(':')) tokens.Next();
    bool understood = false;
    if (tokens.Peek().IsPunct('=')) {
      tokens.Next();
      const Token value = tokens.Next();
      if (value.kind == Token::Kind::kString) {
        assignment.value = SetAssignment::Value::kModes;
        assignment.modes = ModesFromSqlMode(Unquote(value));
        understood = true;
      } else if (value.Is("DEFAULT")) {
        assignment.value = SetAssignment::Value::kModes;
        understood = true;
      } else if (value.kind == Token::Kind::kWord && value.raw[0] == '@') {
        bool value_global = false;
        std::string variable = ReadVariable(tokens, value, &value_global);
        if (variable == "@@sql_mode") {
          assignment.value = SetAssignment::Value::kCurrentModes;
          understood = !value_global;
        } else if (!variable.starts_with("@@")) {
          assignment.value = SetAssignment::Value::kVariable;
          assignment.variable = std::move(variable);
          understood = true;
        }
      }
    }
    // The rest of this assignment: anything there makes the value an expression we don't know.
    int depth = 0;
    for (;;) {
      const Token& next = tokens.Peek();
      if (next.kind == Token::Kind::kEnd) break;
      if (depth == 0 && next.IsPunct(',')) {
        tokens.Next();
        break;
      }
      if (next.IsPunct('(')) ++depth;
      if (next.IsPunct(')')) --depth;
      understood = false;
      tokens.Next();
    }
    if (!understood) assignment.value = SetAssignment::Value::kUnknown;
    if (!global && !assignment.target.empty()) info->assignments.push_back(std::move(assignment));
  }
}

HeadInfo ParseHead(std::string_view head, uint8_t modes) {
  HeadInfo info;
  HeadTokenizer tokens(head, modes);
  const Token first = tokens.Next();
  if (first.Is("CREATE")) {
    ParseCreate(tokens, &info);
  } else if (first.Is("DROP")) {
    ParseDrop(tokens, &info);
  } else if (first.Is("SET")) {
    ParseSet(tokens, &info);
  }
  return info;
}

// INSERT|REPLACE [LOW_PRIORITY|DELAYED|HIGH_PRIORITY] [IGNORE] [INTO] name, then "VALUES" (the
// '(' that ended the head opens the first tuple) or nothing (it opens the column list).
struct InsertHead {
  enum class Kind { kOther, kColumns, kValues };
  Kind kind = Kind::kOther;
  std::string table;
};

InsertHead ParseInsertHead(std::string_view head, uint8_t modes) {
  InsertHead result;
  HeadTokenizer tokens(head, modes);
  tokens.Next();  // INSERT or REPLACE
  while (tokens.Peek().Is("LOW_PRIORITY") || tokens.Peek().Is("DELAYED") ||
         tokens.Peek().Is("HIGH_PRIORITY") || tokens.Peek().Is("IGNORE")) {
    tokens.Next();
  }
  if (tokens.Peek().Is("INTO")) tokens.Next();
  std::string table = ReadQualifiedName(tokens);
  if (table.empty()) return result;
  const Token after = tokens.Next();
  if (after.kind == Token::Kind::kEnd) {
    result.kind = InsertHead::Kind::kColumns;
  } else if ((after.Is("VALUES") || after.Is("VALUE")) && tokens.Next().kind == Token::Kind::kEnd) {
    result.kind = InsertHead::Kind::kValues;
  } else {
    return result;
  }
  result.table = std::move(table);
  return result;
}

}  // namespace

DumpScanner::DumpScanner() {
  head_.reserve(kMaxHeadBytes);
  SetDelimiter(";");
}

Status DumpScanner::Write(std::span<const uint8_t> data) {
  Scan(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  return Status::Ok();
}

void DumpScanner::Scan(std::string_view data) {
  bytes_ += data.size();
  ScanBytes(data.data(), data.data() + data.size());
}

void DumpScanner::ScanBytes(const char* p, const char* end) {
  while (p != end) {
    switch (lex_) {
      case Lex::kCode:
        p = ScanCode(p, end);
        break;
      case Lex::kQuoted:
        p = ScanQuoted(p, end);
        break;
      case Lex::kLineComment: {
        const void* newline = std::memchr(p, '\n', end - p);
        if (newline == nullptr) return;
        // The newline itself is code again: blank, it separates tokens.
        p = static_cast<const char*>(newline);
        lex_ = Lex::kCode;
        break;
      }
      case Lex::kBlockComment: {
        const void* star = std::memchr(p, '*', end - p);
        if (star == nullptr) return;
        p = static_cast<const char*>(star) + 1;
        lex_ = Lex::kBlockCommentStar;
        break;
      }
      default:
        Step(*p++);
    }
  }
}

// The bulk of a dump is the inside of tuples and the rest of long statements; there only the
// bytes in the stop tables need a look.
const char* DumpScanner::ScanCode(const char* p, const char* end) {
  if (phase_ == Phase::kValues && depth_ > 0) {
    while (p != end) {
      const char c = *p;
      if (!stops_values_[static_cast<unsigned char>(c)]) {
        ++p;
      } else if (c == '(') {
        ++depth_;
        ++p;
      } else if (c == ')') {
        ++p;
        if (--depth_ == 0) return p;
      } else if (c == '-' && end - p >= 2 && p[1] != '-' && c != delimiter_[0]) {
        p += 1;  // a minus sign, not a comment
      } else {
        break;
      }
    }
    if (p == end) return p;
  } else if (phase_ == Phase::kOther) {
    while (p != end && !stops_other_[static_cast<unsigned char>(*p)]) ++p;
    if (p == end) return p;
  }
  CodeByte(*p);
  return p + 1;
}

const char* DumpScanner::ScanQuoted(const char* p, const char* end) {
  if (phase_ != Phase::kHead) {
    const char quote = quote_;
    const char escape = quote_escapes_ ? '\\' : quote;
    while (p != end && *p != quote && *p != escape) ++p;
    if (p == end) return p;
  }
  QuotedByte(*p);
  return p + 1;
}

void DumpScanner::QuotedByte(char c) {
  if (phase_ == Phase::kHead) AppendHead(c);
  if (c == '\\' && quote_escapes_) {
    lex_ = Lex::kQuotedEscape;
  } else if (c == quote_) {
    // A doubled quote ('it''s') then reads as two adjacent strings, which splits and counts
    // the same.
    lex_ = Lex::kCode;
  }
}

void DumpScanner::Step(char c) {
  switch (lex_) {
    case Lex::kQuotedEscape:
      if (phase_ == Phase::kHead) AppendHead(c);
      lex_ = Lex::kQuoted;
      break;
    case Lex::kBlockCommentStar:
      if (c == '/') {
        lex_ = Lex::kCode;
        Text(' ');  // a comment separates tokens like a blank
      } else if (c != '*') {
        lex_ = Lex::kBlockComment;
      }
      break;
    case Lex::kSlash:
      if (c == '*') {
        lex_ = Lex::kSlashStar;
      } else {
        lex_ = Lex::kCode;
        Text('/');
        CodeByte(c);
      }
      break;
    case Lex::kSlashStar:
      if (c == '!') {
        lex_ = Lex::kCode;
        for (char t : {'/', '*', '!'}) Text(t);
      } else if (c == 'M') {
        lex_ = Lex::kSlashStarM;
      } else {
        lex_ = c == '*' ? Lex::kBlockCommentStar : Lex::kBlockComment;
      }
      break;
    case Lex::kSlashStarM:
      if (c == '!') {
        lex_ = Lex::kCode;
        for (char t : {'/', '*', 'M', '!'}) Text(t);
      } else {
        lex_ = c == '*' ? Lex::kBlockCommentStar : Lex::kBlockComment;
      }
      break;
    case Lex::kDash:
      if (c == '-') {
        lex_ = Lex::kDashDash;
      } else {
        lex_ = Lex::kCode;
        Text('-');
        CodeByte(c);
      }
      break;
    case Lex::kDashDash:
      // As the client: "--" then a blank or the end of the line starts a comment.
      if (IsSpace(c)) {
        lex_ = Lex::kLineComment;
        if (c == '\n') {
          lex_ = Lex::kCode;
          Text('\n');
        }
      } else {
        lex_ = Lex::kCode;
        Text('-');
        Text('-');
        CodeByte(c);
      }
      break;
    case Lex::kDelimiter:
      if (c == delimiter_[delimiter_matched_]) {
        if (++delimiter_matched_ == delimiter_.size()) EndStatement();
      } else {
        lex_ = Lex::kCode;
        const size_t matched = std::exchange(delimiter_matched_, 0);
        for (size_t i = 0; i < matched; ++i) Text(delimiter_[i]);
        CodeByte(c);
      }
      break;
    case Lex::kDelimiterCommand:
      if (c == '\n') {
        FinishDelimiterCommand();
      } else if (delimiter_command_.size() < 64) {
        delimiter_command_ += c;
      }
      break;
    case Lex::kCode:
    case Lex::kQuoted:
    case Lex::kLineComment:
    case Lex::kBlockComment:
      break;  // handled by ScanBytes
  }
}

void DumpScanner::CodeByte(char c) {
  if (c == delimiter_[0]) {
    if (delimiter_.size() == 1) {
      EndStatement();
    } else {
      delimiter_matched_ = 1;
      lex_ = Lex::kDelimiter;
    }
    return;
  }
  switch (c) {
    case '\'':
    case '"':
    case '`':
      BeginQuote(c);
      break;
    case '/':
      lex_ = Lex::kSlash;
      break;
    case '-':
      lex_ = Lex::kDash;
      break;
    case '#':
      lex_ = Lex::kLineComment;
      break;
    default:
      Text(c);
  }
}

void DumpScanner::BeginQuote(char q) {
  Text(q);
  quote_ = q;
  // The client's rules: backticks never escape; "..." is an identifier under ANSI_QUOTES.
  if (q == '`' || (q == '"' && (modes_ & kAnsiQuotes))) {
    quote_escapes_ = false;
  } else {
    quote_escapes_ = !(modes_ & kNoBackslashEscapes);
  }
  lex_ = Lex::kQuoted;
}

void DumpScanner::Text(char c) {
  if (!started_) {
    if (IsSpace(c)) return;
    started_ = true;
  }
  switch (phase_) {
    case Phase::kHead:
      HeadByte(c);
      break;
    case Phase::kInsertColumns:
      if (c == '(') {
        ++depth_;
      } else if (c == ')' && --depth_ == 0) {
        phase_ = Phase::kAfterColumns;
        word_.clear();
      }
      break;
    case Phase::kAfterColumns:
      if (c == '(') {
        if (EqualsIgnoreCase(word_, "VALUES") || EqualsIgnoreCase(word_, "VALUE")) {
          BeginValues();
        } else {
          phase_ = Phase::kOther;
        }
      } else if (IsWordByte(c) && word_.size() < 8) {
        word_ += c;
      } else if (!IsSpace(c)) {
        phase_ = Phase::kOther;
      }
      break;
    case Phase::kValues:
      if (depth_ > 0) {
        if (c == '(') {
          ++depth_;
        } else if (c == ')') {
          --depth_;
        }
      } else if (c == '(') {
        depth_ = 1;
        ++*rows_;
        ++total_rows_;
      } else if (c != ',' && !IsSpace(c)) {
        // ON DUPLICATE KEY UPDATE and the like: no more tuples.
        phase_ = Phase::kOther;
      }
      break;
    case Phase::kOther:
      break;
  }
}

void DumpScanner::HeadByte(char c) {
  if (c == '(' && !insert_checked_) {
    insert_checked_ = true;
    if (StartsWithKeyword(head_, "INSERT") || StartsWithKeyword(head_, "REPLACE")) {
      ClassifyInsert();
      return;
    }
  }
  AppendHead(c);
  if (phase_ != Phase::kHead) return;
  // The client's DELIMITER command, at the start of a statement: the rest of the line.
  if (head_.size() == 10 && (c == ' ' || c == '\t') &&
      EqualsIgnoreCase(std::string_view(head_).substr(0, 9), "delimiter")) {
    lex_ = Lex::kDelimiterCommand;
    delimiter_command_.clear();
    return;
  }
  // MariaDB's first line, "/*M!999999\- enable the sandbox mode */", is a client command (\-)
  // in a comment that no server runs; nothing of it reaches the server.
  if (c == '\n' && head_.starts_with("/*M!999999\\-")) {
    std::string_view line = head_;
    while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
    if (line.ends_with("*/")) ResetStatement();
  }
}

void DumpScanner::AppendHead(char c) {
  if (head_.size() < kMaxHeadBytes) {
    head_ += c;
    return;
  }
  // What a statement is shows in its first kilobyte; the rest is not kept.
  ClassifyHead();
  phase_ = Phase::kOther;
}

void DumpScanner::ClassifyInsert() {
  InsertHead insert = ParseInsertHead(head_, modes_);
  switch (insert.kind) {
    case InsertHead::Kind::kColumns:
      table_ = std::move(insert.table);
      phase_ = Phase::kInsertColumns;
      depth_ = 1;
      break;
    case InsertHead::Kind::kValues:
      table_ = std::move(insert.table);
      BeginValues();
      break;
    case InsertHead::Kind::kOther:
      phase_ = Phase::kOther;
      break;
  }
}

void DumpScanner::BeginValues() {
  // Consecutive INSERTs into the same table (the usual case) share one map lookup.
  if (rows_ == nullptr || table_ != last_table_) {
    rows_ = &rows_inserted_[table_];
    last_table_ = table_;
  }
  phase_ = Phase::kValues;
  depth_ = 1;
  ++*rows_;
  ++total_rows_;
}

void DumpScanner::ClassifyHead() {
  const HeadInfo info = ParseHead(head_, modes_);
  std::set<std::string>* objects = nullptr;
  switch (info.object) {
    case ObjectKind::kNone:
      break;
    case ObjectKind::kTable:
      objects = &tables_;
      break;
    case ObjectKind::kView:
      objects = &views_;
      break;
    case ObjectKind::kProcedure:
      objects = &procedures_;
      break;
    case ObjectKind::kFunction:
      objects = &functions_;
      break;
    case ObjectKind::kTrigger:
      objects = &triggers_;
      break;
    case ObjectKind::kEvent:
      objects = &events_;
      break;
    case ObjectKind::kSequence:
      objects = &sequences_;
      break;
  }
  // Tables, views and sequences share one namespace: creating one replaces a placeholder of
  // another kind (mysqldump's stand-in for a view). DROP TABLE drops sequences too.
  std::set<std::string>* const relations[] = {&tables_, &views_, &sequences_};
  switch (info.verb) {
    case HeadInfo::Verb::kOther:
      break;
    case HeadInfo::Verb::kCreate:
      if (objects == &tables_ || objects == &views_ || objects == &sequences_) {
        for (auto* set : relations) set->erase(info.names[0]);
      }
      objects->insert(info.names[0]);
      break;
    case HeadInfo::Verb::kDrop:
      for (const std::string& name : info.names) {
        objects->erase(name);
        if (objects == &tables_) sequences_.erase(name);
      }
      break;
    case HeadInfo::Verb::kSet:
      for (const SetAssignment& assignment : info.assignments) {
        const bool is_variable = assignment.target.starts_with("@");
        if (assignment.target != "sql_mode" && !is_variable) continue;
        uint8_t value = 0;
        switch (assignment.value) {
          case SetAssignment::Value::kUnknown:
            if (is_variable) saved_modes_.erase(assignment.target);
            continue;
          case SetAssignment::Value::kModes:
            value = assignment.modes;
            break;
          case SetAssignment::Value::kCurrentModes:
            value = modes_;
            break;
          case SetAssignment::Value::kVariable: {
            auto it = saved_modes_.find(assignment.variable);
            value = it == saved_modes_.end() ? 0 : it->second;
            break;
          }
        }
        if (is_variable) {
          saved_modes_[assignment.target] = value;
        } else {
          modes_ = value;
        }
      }
      break;
  }
}

void DumpScanner::EndStatement() {
  if (started_) {
    ++statements_;
    if (phase_ == Phase::kHead) ClassifyHead();
  }
  ResetStatement();
}

void DumpScanner::ResetStatement() {
  lex_ = Lex::kCode;
  phase_ = Phase::kHead;
  started_ = false;
  insert_checked_ = false;
  head_.clear();
  depth_ = 0;
  delimiter_matched_ = 0;
}

void DumpScanner::FinishDelimiterCommand() {
  std::string_view arg = delimiter_command_;
  while (!arg.empty() && IsSpace(arg.front())) arg.remove_prefix(1);
  size_t end = 0;
  while (end < arg.size() && !IsSpace(arg[end])) ++end;
  // The client refuses an empty delimiter and keeps the old one.
  if (end > 0) SetDelimiter(arg.substr(0, end));
  ResetStatement();
}

void DumpScanner::SetDelimiter(std::string_view delimiter) {
  delimiter_ = delimiter;
  stops_other_.fill(false);
  for (char c : {'\'', '"', '`', '/', '-', '#', delimiter_[0]}) {
    stops_other_[static_cast<unsigned char>(c)] = true;
  }
  stops_values_ = stops_other_;
  stops_values_['('] = true;
  stops_values_[')'] = true;
}

void DumpScanner::Finish() {
  switch (lex_) {
    case Lex::kSlash:
      lex_ = Lex::kCode;
      Text('/');
      break;
    case Lex::kDash:
      lex_ = Lex::kCode;
      Text('-');
      break;
    case Lex::kDashDash:
      lex_ = Lex::kLineComment;
      break;
    case Lex::kSlashStar:
    case Lex::kSlashStarM:
      lex_ = Lex::kBlockComment;
      break;
    case Lex::kDelimiter: {
      lex_ = Lex::kCode;
      const size_t matched = std::exchange(delimiter_matched_, 0);
      for (size_t i = 0; i < matched; ++i) Text(delimiter_[i]);
      break;
    }
    case Lex::kDelimiterCommand:
      FinishDelimiterCommand();
      break;
    default:
      break;
  }
  const bool outside = lex_ == Lex::kCode || lex_ == Lex::kLineComment;
  ended_cleanly_ = outside && !started_;
  // The client sends what is left at the end of its input as a last statement.
  if (outside && started_) EndStatement();
}

}  // namespace mysql_backup
