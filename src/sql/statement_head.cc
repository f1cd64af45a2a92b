#include "sql/statement_head.h"

#include <utility>

#include "sql/head_tokenizer.h"
#include "sql/statement_kind.h"

namespace mysql_backup {

namespace {

char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
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

// CREATE [OR REPLACE] [ALGORITHM=...] [DEFINER=...] [SQL SECURITY ...] [AGGREGATE] <kind>
// [IF NOT EXISTS] name. The options before the kind are skipped whatever they are, up to a bound.
void ParseCreate(HeadTokenizer& tokens, StatementHead* info) {
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
    info->verb = StatementHead::Verb::kCreate;
    info->object = kind;
    info->names.push_back(std::move(name));
    return;
  }
}

// DROP [TEMPORARY] <kind> [IF EXISTS] name [, name]...
void ParseDrop(HeadTokenizer& tokens, StatementHead* info) {
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
  info->verb = StatementHead::Verb::kDrop;
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
void ParseSet(HeadTokenizer& tokens, StatementHead* info) {
  info->verb = StatementHead::Verb::kSet;
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
        assignment.modes = SqlModeLexBits(Unquote(value));
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

}  // namespace

bool IsSqlBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsSqlWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' ||
         u == '$' || u == '@' || u >= 0x80;
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
         (text.size() == keyword.size() || !IsSqlWordByte(text[keyword.size()]));
}

uint8_t SqlModeLexBits(std::string_view value) {
  uint8_t modes = 0;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!item.empty() && IsSqlBlank(item.front())) item.remove_prefix(1);
    while (!item.empty() && IsSqlBlank(item.back())) item.remove_suffix(1);
    if (EqualsIgnoreCase(item, "NO_BACKSLASH_ESCAPES")) modes |= kSqlModeNoBackslashEscapes;
    for (std::string_view ansi :
         {"ANSI_QUOTES", "ANSI", "DB2", "MAXDB", "MSSQL", "ORACLE", "POSTGRESQL"}) {
      if (EqualsIgnoreCase(item, ansi)) modes |= kSqlModeAnsiQuotes;
    }
  }
  return modes;
}

StatementHead ParseStatementHead(std::string_view head, uint8_t modes) {
  StatementHead info;
  HeadTokenizer tokens(head, modes);
  switch (ReadStatementKind(tokens)) {
    case StatementKind::kCreate:
      ParseCreate(tokens, &info);
      break;
    case StatementKind::kDrop:
      ParseDrop(tokens, &info);
      break;
    case StatementKind::kSet:
      ParseSet(tokens, &info);
      break;
    default:
      break;  // nothing the drill counts
  }
  return info;
}

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

}  // namespace mysql_backup
