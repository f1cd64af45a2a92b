#include "sql/statement_policy.h"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <utility>
#include <vector>

#include "sql/head_tokenizer.h"
#include "sql/statement_kind.h"

namespace mysql_backup {

namespace {

// `name` or `db`.`name` as written.
struct ObjectName {
  Token database;  // kEnd when unqualified
  Token name;      // kEnd when no name is there
  bool ok() const { return name.kind != Token::Kind::kEnd; }
  bool qualified() const { return database.kind != Token::Kind::kEnd; }
};

ObjectName ReadObjectName(HeadTokenizer& tokens) {
  ObjectName out;
  if (!tokens.Peek().IsNameLike()) return out;
  out.name = tokens.Next();
  if (tokens.Peek().IsPunct('.')) {
    tokens.Next();
    if (!tokens.Peek().IsNameLike()) return ObjectName{};
    out.database = out.name;
    out.name = tokens.Next();
  }
  return out;
}

std::string QuoteName(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

void SkipIfExists(HeadTokenizer& tokens) {
  if (!tokens.Peek().Is("IF")) return;
  tokens.Next();
  if (tokens.Peek().Is("NOT")) tokens.Next();
  if (tokens.Peek().Is("EXISTS")) tokens.Next();
}

bool IsAnyOf(const Token& token, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (token.Is(w)) return true;
  }
  return false;
}

// One statement's judgement in the making: the edits to its bytes and the outcome.
class Judgement {
 public:
  Judgement(std::string_view raw, uint8_t modes, const GuardSettings& settings)
      : raw_(raw), tokens_(raw, modes), settings_(settings) {}

  HeadTokenizer& tokens() { return tokens_; }

  Verdict Refuse(std::string reason) {
    Verdict v;
    v.action = Verdict::Action::kRefuse;
    v.reason = std::move(reason);
    return v;
  }
  Verdict Skip(std::string reason) {
    Verdict v;
    v.action = Verdict::Action::kSkip;
    v.reason = std::move(reason);
    return v;
  }
  Verdict LeavesTarget() {
    return Refuse("which would leave the target database '" + settings_.target + "'");
  }
  Verdict NotFromDump() {
    return Refuse("which a dump of one database does not hold, and a restore does not run");
  }
  // An object of the dump qualified with a database: only the target itself may be named.
  bool StaysInTarget(const ObjectName& name) const {
    return !name.qualified() || Unquote(name.database) == settings_.target;
  }
  // A qualifier that stands for the dumped database is renamed to the target.
  bool RetargetQualifier(const ObjectName& name) {
    if (!name.qualified()) return true;
    const std::string db = Unquote(name.database);
    if (db == settings_.target) return true;
    if (!settings_.source.empty() && db != settings_.source) return false;
    Replace(name.database, QuoteName(settings_.target));
    return true;
  }

  void Replace(const Token& token, std::string text) { ReplaceRange(token, token, std::move(text)); }
  void ReplaceRange(const Token& first, const Token& last, std::string text) {
    const size_t begin = static_cast<size_t>(first.raw.data() - raw_.data());
    const size_t end = static_cast<size_t>(last.raw.data() + last.raw.size() - raw_.data());
    edits_.push_back({begin, end - begin, std::move(text)});
  }
  void InsertBefore(const Token& token, std::string text) {
    edits_.push_back({static_cast<size_t>(token.raw.data() - raw_.data()), 0, std::move(text)});
  }
  std::string_view Text(const Token& first, const Token& last) const {
    const char* end = last.raw.data() + last.raw.size();
    return std::string_view(first.raw.data(), static_cast<size_t>(end - first.raw.data()));
  }

  Verdict Pass(std::string definer = "") {
    Verdict v;
    v.definer = std::move(definer);
    if (edits_.empty()) return v;
    std::sort(edits_.begin(), edits_.end(),
              [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
    size_t at = 0;
    for (const Edit& e : edits_) {
      v.rewritten.append(raw_.substr(at, e.offset - at));
      v.rewritten += e.text;
      at = e.offset + e.length;
    }
    v.rewritten.append(raw_.substr(at));
    return v;
  }

 private:
  struct Edit {
    size_t offset;
    size_t length;
    std::string text;
  };
  std::string_view raw_;
  HeadTokenizer tokens_;
  const GuardSettings& settings_;
  std::vector<Edit> edits_;
};

// The value of one SET assignment: up to a ',' outside parentheses. Function calls are refused
// but for those mysqldump writes; a call could run a stored function of any database.
bool SetValueIsPlain(HeadTokenizer& tokens, std::vector<Token>* value) {
  int depth = 0;
  Token previous;
  for (;;) {
    const Token& next = tokens.Peek();
    if (next.kind == Token::Kind::kEnd) return true;
    if (depth == 0 && next.IsPunct(',')) {
      tokens.Next();
      return true;
    }
    if (next.IsPunct('(')) {
      if (!previous.Is("IFNULL") && !previous.Is("COALESCE")) return false;
      ++depth;
    }
    if (next.IsPunct(')')) --depth;
    previous = tokens.Next();
    value->push_back(previous);
  }
}

// Character sets in which the second byte of a character can be '\\' (0x5C): the client and
// the server would then end a string elsewhere than the guard, and a statement could hide in it.
bool IsUnsafeCharset(const Token& token) {
  const std::string name = ToLowerAscii(Unquote(token));
  for (std::string_view unsafe : {"sjis", "cp932", "big5", "gbk", "gb18030"}) {
    if (name.starts_with(unsafe)) return true;
  }
  return false;
}

bool IsCharsetVariable(std::string_view name) {
  for (std::string_view v :
       {"character_set_client", "character_set_connection", "collation_connection"}) {
    if (EqualsIgnoreCase(name, v)) return true;
  }
  return false;
}

bool IsReplicationVariable(std::string_view name) {
  return EqualsIgnoreCase(name, "gtid_slave_pos") || EqualsIgnoreCase(name, "gtid_purged");
}

// `safe_charset_vars`: the user variables known to hold a safe character set (mysqldump saves
// @@character_set_client in one and sets it back from there).
Verdict JudgeSet(Judgement& j, std::set<std::string>* safe_charset_vars) {
  HeadTokenizer& tokens = j.tokens();
  if (IsAnyOf(tokens.Peek(), {"NAMES", "CHARACTER", "CHARSET"})) {
    for (Token t = tokens.Next(); t.kind != Token::Kind::kEnd; t = tokens.Next()) {
      if (IsUnsafeCharset(t)) return j.Refuse("which switches to a character set (" +
                                              std::string(t.raw) + ") that the restore cannot "
                                              "read statements in safely");
    }
    return j.Pass();
  }
  bool replication = false, session = false;
  while (tokens.Peek().kind != Token::Kind::kEnd) {
    Token token = tokens.Next();
    bool global = false;
    if (token.Is("GLOBAL") || token.Is("PERSIST") || token.Is("PERSIST_ONLY")) {
      global = true;
      token = tokens.Next();
    } else if (token.Is("SESSION") || token.Is("LOCAL")) {
      token = tokens.Next();
    }
    if (token.kind != Token::Kind::kWord) return j.NotFromDump();
    for (std::string_view refused : {"PASSWORD", "ROLE", "DEFAULT", "STATEMENT", "TRANSACTION"}) {
      if (token.Is(refused)) return j.NotFromDump();
    }
    std::string name(token.raw);
    if (name.starts_with("@@") && tokens.Peek().IsPunct('.')) {
      const std::string scope = ToLowerAscii(name);
      if (scope == "@@global" || scope == "@@persist" || scope == "@@persist_only") global = true;
      tokens.Next();
      name = tokens.Next().raw;
    }
    if (name.starts_with("@@")) name.erase(0, 2);
    if (global) {
      if (!IsReplicationVariable(name)) return j.NotFromDump();
      replication = true;
    } else {
      session = true;
    }
    if (tokens.Peek().IsPunct(':')) tokens.Next();
    if (!tokens.Peek().IsPunct('=')) return j.NotFromDump();
    tokens.Next();
    std::vector<Token> value;
    if (!SetValueIsPlain(tokens, &value)) return j.NotFromDump();
    // A single literal, @@variable or @variable, and what it says about the character set.
    bool safe_charset = false;
    if (value.size() == 1) {
      const std::string v = ToLowerAscii(value[0].raw);
      if (value[0].kind == Token::Kind::kString || (value[0].kind == Token::Kind::kWord &&
                                                    !v.starts_with("@"))) {
        safe_charset = !IsUnsafeCharset(value[0]);
      } else if (v.starts_with("@@")) {
        safe_charset = IsCharsetVariable(v.substr(2));
      } else {
        safe_charset = safe_charset_vars->contains(v);
      }
    }
    const std::string target = ToLowerAscii(name);
    if (IsCharsetVariable(target) && !safe_charset) {
      return j.Refuse("which switches to a character set that the restore cannot read "
                      "statements in safely");
    }
    if (target.starts_with("@")) {
      if (safe_charset) {
        safe_charset_vars->insert(target);
      } else {
        safe_charset_vars->erase(target);
      }
    }
  }
  if (replication) {
    if (session) return j.NotFromDump();
    return j.Skip("a replication position, which a restore does not set");
  }
  return j.Pass();
}

// The user after DEFINER=: `u`@`h`, 'u'@'h', u@h, CURRENT_USER[()], or a role.
bool ReadDefiner(HeadTokenizer& tokens, Token* last) {
  Token token = tokens.Next();
  if (token.kind == Token::Kind::kEnd || token.kind == Token::Kind::kPunct) return false;
  *last = token;
  if (token.Is("CURRENT_USER") && tokens.Peek().IsPunct('(')) {
    tokens.Next();
    if (!tokens.Peek().IsPunct(')')) return false;
    *last = tokens.Next();
    return true;
  }
  const Token& at = tokens.Peek();
  if (at.kind == Token::Kind::kWord && at.raw.starts_with("@") &&
      at.raw.data() == last->raw.data() + last->raw.size()) {
    *last = tokens.Next();
    if (last->raw == "@") {
      if (tokens.Peek().kind == Token::Kind::kEnd || tokens.Peek().kind == Token::Kind::kPunct) {
        return false;
      }
      *last = tokens.Next();
    }
  }
  return true;
}

}  // namespace

bool HidesFurtherStatements(std::string_view statement, uint8_t modes) {
  HeadTokenizer scan(statement, modes);
  bool any = false;
  for (Token t = scan.Next(); t.kind != Token::Kind::kEnd; t = scan.Next()) any |= t.IsPunct(';');
  if (!any) return false;

  // Where the body begins: after the parameters and characteristics of a routine, FOR EACH ROW
  // [FOLLOWS|PRECEDES t] of a trigger, the first DO of an event.
  HeadTokenizer tokens(statement, modes);
  if (!tokens.Next().Is("CREATE")) return true;
  Token kind;
  for (int i = 0; i < 32; ++i) {
    kind = tokens.Next();
    if (kind.kind == Token::Kind::kEnd) return true;
    if (IsAnyOf(kind, {"PROCEDURE", "FUNCTION", "TRIGGER", "EVENT"})) break;
  }
  int parens = 0;
  Token token;
  if (kind.Is("EVENT")) {
    for (token = tokens.Next(); !(parens == 0 && token.Is("DO")); token = tokens.Next()) {
      if (token.kind == Token::Kind::kEnd || token.IsPunct(';')) return true;
      parens += token.IsPunct('(') - token.IsPunct(')');
    }
    token = tokens.Next();
  } else if (kind.Is("TRIGGER")) {
    for (token = tokens.Next(); !token.Is("ROW"); token = tokens.Next()) {
      if (token.kind == Token::Kind::kEnd || token.IsPunct(';')) return true;
    }
    token = tokens.Next();
    if (token.Is("FOLLOWS") || token.Is("PRECEDES")) {
      tokens.Next();
      token = tokens.Next();
    }
  } else {
    // name ( parameters ) [RETURNS type] [characteristics]: only words, strings and the
    // parentheses and commas of types, up to the body.
    for (token = tokens.Next(); !token.IsPunct('('); token = tokens.Next()) {
      if (token.kind == Token::Kind::kEnd || token.IsPunct(';')) return true;
    }
    for (parens = 1; parens > 0;) {
      token = tokens.Next();
      if (token.kind == Token::Kind::kEnd || token.IsPunct(';')) return true;
      parens += token.IsPunct('(') - token.IsPunct(')');
    }
    for (token = tokens.Next(); !token.Is("BEGIN"); token = tokens.Next()) {
      if (token.kind == Token::Kind::kEnd || token.IsPunct(';')) return true;
      const bool type_punct = token.IsPunct('(') || token.IsPunct(')') || token.IsPunct(',');
      if (token.kind == Token::Kind::kPunct && !type_punct) return true;
      // A word that starts a statement: the body began without BEGIN.
      if (IsAnyOf(token, {"RETURN", "SELECT", "DO", "CALL", "INSERT", "REPLACE", "UPDATE",
                          "DELETE", "FROM", "WHERE", "IF", "CASE", "WHEN", "THEN", "ELSE",
                          "INTO", "VALUES", "LIMIT", "ON", "HAVING", "BY", "AS", "WITH", "LOOP",
                          "WHILE", "REPEAT", "LEAVE", "ITERATE", "SIGNAL", "DECLARE", "PREPARE",
                          "EXECUTE", "USE", "GRANT", "TABLE", "VALUE"})) {
        return true;
      }
    }
  }
  // A single-statement body holds no ';'. "begin:" would be a label, not a block.
  if (!token.Is("BEGIN") || tokens.Peek().IsPunct(':')) return true;

  // The body: BEGIN ... END blocks, CASE statements (END CASE) and CASE expressions (END); a
  // ';' outside them ends the CREATE. BEGIN opens a block, and CASE is a statement, only where a
  // statement starts (not as a name in an expression, not as a label, not in a CASE
  // expression's THEN), so that no name can hide a ';'.
  std::string open = "B";  // B: a block, S: a CASE statement, C: a CASE expression
  Token previous = token;
  bool previous_opened = true;
  for (token = tokens.Next(); token.kind != Token::Kind::kEnd; token = tokens.Next()) {
    const bool statement_start =
        !open.empty() && (previous.IsPunct(';') || previous.IsPunct(':') || previous_opened ||
                          (open.back() != 'C' &&
                           IsAnyOf(previous, {"THEN", "ELSE", "LOOP", "REPEAT"})));
    bool opened = false;
    if (token.IsPunct(';')) {
      if (open.empty()) return true;
    } else if (token.Is("CASE")) {
      open += statement_start ? 'S' : 'C';
    } else if (token.Is("BEGIN") && !tokens.Peek().IsPunct(':') && statement_start) {
      open += 'B';
      opened = true;
    } else if (token.Is("END") &&
               !IsAnyOf(tokens.Peek(), {"IF", "LOOP", "WHILE", "REPEAT", "FOR"})) {
      if (open.empty()) return true;
      const bool end_case = tokens.Peek().Is("CASE");
      if (end_case) tokens.Next();
      // END CASE closes a CASE statement, END a block or a CASE expression.
      if ((open.back() == 'S') != end_case) return true;
      open.pop_back();
    }
    previous = token;
    previous_opened = opened;
  }
  return false;
}

Verdict StatementPolicy::Judge(std::string_view raw, uint8_t modes) {
  Judgement j(raw, modes, settings_);
  HeadTokenizer& tokens = j.tokens();
  switch (ReadStatementKind(tokens)) {
    case StatementKind::kEmpty:
      return j.Pass();
    case StatementKind::kSet:
      return JudgeSet(j, &safe_charset_vars_);
    case StatementKind::kUse:
      return j.LeavesTarget();
    case StatementKind::kCreate: {
      std::string definer;
      for (int i = 0;; ++i) {
        const Token token = tokens.Next();
        if (i > 32 || token.kind == Token::Kind::kEnd) return j.NotFromDump();
        if (token.Is("DATABASE") || token.Is("SCHEMA")) return j.LeavesTarget();
        if (token.Is("DEFINER") && tokens.Peek().IsPunct('=')) {
          tokens.Next();
          Token last;
          if (!ReadDefiner(tokens, &last)) return j.NotFromDump();
          // The whole clause, from DEFINER to the user's last token.
          std::string_view clause = j.Text(token, last);
          const size_t user_begin = clause.find('=') + 1;
          definer = std::string(clause.substr(user_begin));
          while (!definer.empty() && IsSqlBlank(definer.front())) definer.erase(0, 1);
          if (EqualsIgnoreCase(definer, "CURRENT_USER") ||
              EqualsIgnoreCase(definer, "CURRENT_USER()")) {
            definer.clear();
          } else {
            j.ReplaceRange(token, last, "DEFINER=CURRENT_USER");
          }
          continue;
        }
        if (ObjectKeyword(token) != ObjectKind::kNone) {
          SkipIfExists(tokens);
          ObjectName name = ReadObjectName(tokens);
          if (!name.ok()) return j.NotFromDump();
          const std::string object = Unquote(name.name);
          if (token.Is("TRIGGER")) {
            if (!j.RetargetQualifier(name)) return j.LeavesTarget();
            // {BEFORE|AFTER} {INSERT|UPDATE|DELETE} ON table
            int words = 0;
            while (!tokens.Peek().Is("ON")) {
              if (++words > 4 || tokens.Next().kind == Token::Kind::kEnd) return j.NotFromDump();
            }
            tokens.Next();
            ObjectName table = ReadObjectName(tokens);
            if (!table.ok()) return j.NotFromDump();
            // mariadb-dump writes the trigger as it was created: `CREATE TRIGGER db.trg ... ON
            // db.t` when the author qualified both.
            if (!j.RetargetQualifier(table)) return j.LeavesTarget();
            trigger_tables_[object] = Unquote(table.name);
            return j.Pass(definer);
          }
          if (!j.StaysInTarget(name)) return j.LeavesTarget();
          if (token.Is("TABLE")) {
            std::erase_if(trigger_tables_, [&](const auto& t) { return t.second == object; });
          }
          if (token.Is("FUNCTION")) {
            // CREATE FUNCTION f RETURNS ... SONAME 'lib.so' loads a library into the server.
            for (Token t = tokens.Next(); t.kind != Token::Kind::kEnd; t = tokens.Next()) {
              if (t.Is("SONAME")) return j.NotFromDump();
              if (t.IsPunct('(')) break;
            }
          }
          if (token.Is("EVENT") && settings_.disable_events) {
            // ... ON SCHEDULE ... [ON COMPLETION [NOT] PRESERVE] [ENABLE|DISABLE ...] ... DO
            for (Token t = tokens.Next();; t = tokens.Next()) {
              if (t.kind == Token::Kind::kEnd) {
                return j.Refuse("whose schedule is too long to make sure the event stays disabled");
              }
              if (t.Is("DISABLE")) break;
              if (t.Is("ENABLE")) {
                j.Replace(t, "DISABLE");
                break;
              }
              if (t.Is("DO")) {
                j.InsertBefore(t, "DISABLE ");
                break;
              }
            }
          }
          return j.Pass(definer);
        }
        static constexpr std::string_view kOptions[] = {
            "OR",       "REPLACE", "ALGORITHM", "UNDEFINED", "MERGE",     "TEMPTABLE",
            "SQL",      "SECURITY", "INVOKER",  "DEFINER",   "AGGREGATE", "TEMPORARY"};
        bool option = token.IsPunct('=');
        for (std::string_view o : kOptions) option |= token.Is(o);
        if (!option) return j.NotFromDump();
      }
    }
    case StatementKind::kDrop: {
      Token kind = tokens.Next();
      if (kind.Is("DATABASE") || kind.Is("SCHEMA")) return j.LeavesTarget();
      if (kind.Is("TEMPORARY")) kind = tokens.Next();
      if (ObjectKeyword(kind) == ObjectKind::kNone) return j.NotFromDump();
      SkipIfExists(tokens);
      for (;;) {
        ObjectName name = ReadObjectName(tokens);
        if (!name.ok()) return j.NotFromDump();
        const std::string object = Unquote(name.name);
        if (kind.Is("TRIGGER")) {
          if (!j.RetargetQualifier(name)) return j.LeavesTarget();
          trigger_tables_.erase(object);
        } else {
          if (!j.StaysInTarget(name)) return j.LeavesTarget();
          if (kind.Is("TABLE")) {
            std::erase_if(trigger_tables_, [&](const auto& t) { return t.second == object; });
          }
        }
        if (!tokens.Peek().IsPunct(',')) break;
        tokens.Next();
      }
      return j.Pass();
    }
    case StatementKind::kInsert: {
      while (tokens.Peek().Is("LOW_PRIORITY") || tokens.Peek().Is("DELAYED") ||
             tokens.Peek().Is("HIGH_PRIORITY") || tokens.Peek().Is("IGNORE")) {
        tokens.Next();
      }
      if (tokens.Peek().Is("INTO")) tokens.Next();
      ObjectName table = ReadObjectName(tokens);
      if (!table.ok()) return j.NotFromDump();
      if (!j.StaysInTarget(table)) return j.LeavesTarget();
      const std::string name = Unquote(table.name);
      for (const auto& [trigger, on] : trigger_tables_) {
        if (on == name) {
          return j.Refuse("which writes into table '" + name + "' after the dump created trigger '" +
                          trigger + "' on it: the trigger would run during the restore");
        }
      }
      const Token after = tokens.Next();
      if (!after.IsPunct('(') && !after.Is("VALUES") && !after.Is("VALUE")) return j.NotFromDump();
      return j.Pass();
    }
    case StatementKind::kLock: {
      const Token tables = tokens.Next();
      if (!tables.Is("TABLES") && !tables.Is("TABLE")) return j.NotFromDump();
      for (;;) {
        ObjectName table = ReadObjectName(tokens);
        if (!table.ok()) return j.NotFromDump();
        if (!j.StaysInTarget(table)) return j.LeavesTarget();
        while (tokens.Peek().kind == Token::Kind::kWord) tokens.Next();  // [AS alias] READ|WRITE
        if (!tokens.Peek().IsPunct(',')) break;
        tokens.Next();
      }
      return j.Pass();
    }
    case StatementKind::kUnlock:
    case StatementKind::kTransaction:
      return j.Pass();
    case StatementKind::kAlter: {
      const Token what = tokens.Next();
      if (what.Is("DATABASE") || what.Is("SCHEMA")) {
        // mariadb-dump switches the database's charset around routines that were created under
        // another one: `ALTER DATABASE `db` CHARACTER SET ...`. That is the target now.
        const Token& next = tokens.Peek();
        for (std::string_view option : {"DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "COMMENT"}) {
          if (next.Is(option)) return j.Pass();
        }
        ObjectName name;
        name.name = tokens.Next();
        if (!name.name.IsNameLike()) return j.NotFromDump();
        name.database = name.name;  // judged as a qualifier
        if (!j.RetargetQualifier(name)) return j.LeavesTarget();
        return j.Pass();
      }
      if (!what.Is("TABLE")) return j.NotFromDump();
      ObjectName table = ReadObjectName(tokens);
      if (!table.ok()) return j.NotFromDump();
      if (!j.StaysInTarget(table)) return j.LeavesTarget();
      const Token action = tokens.Next();
      if (!(action.Is("DISABLE") || action.Is("ENABLE")) || !tokens.Next().Is("KEYS") ||
          tokens.Next().kind != Token::Kind::kEnd) {
        return j.NotFromDump();
      }
      return j.Pass();
    }
    case StatementKind::kSelectOrDo: {
      // mariadb-dump's sequence state: SELECT SETVAL(`s`, 1001, 0)
      if (!tokens.Next().Is("SETVAL") || !tokens.Next().IsPunct('(')) return j.NotFromDump();
      ObjectName sequence = ReadObjectName(tokens);
      if (!sequence.ok()) return j.NotFromDump();
      if (!j.StaysInTarget(sequence)) return j.LeavesTarget();
      for (Token t = tokens.Next(); !t.IsPunct(')'); t = tokens.Next()) {
        if (t.kind == Token::Kind::kEnd || t.IsPunct('(')) return j.NotFromDump();
      }
      if (tokens.Next().kind != Token::Kind::kEnd) return j.NotFromDump();
      return j.Pass();
    }
    case StatementKind::kReplicationPosition:
      return j.Skip("a replication position, which a restore does not set");
    case StatementKind::kReplicationCommand:
      return j.Skip("a replication command, which a restore does not run");
    case StatementKind::kOther:
      break;
  }
  return j.NotFromDump();
}

}  // namespace mysql_backup
