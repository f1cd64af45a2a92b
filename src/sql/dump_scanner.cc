#include "sql/dump_scanner.h"

#include <cstring>
#include <utility>

#include "sql/statement_head.h"

namespace mysql_backup {

DumpScanner::DumpScanner() {
  head_.reserve(kMaxHeadBytes);
  SetDelimiter(";");
}

Status DumpScanner::Write(std::span<const uint8_t> data) {
  Scan(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  return Status::Ok();
}

void DumpScanner::Scan(std::string_view data) {
  chunk_offset_ = bytes_;
  chunk_begin_ = data.data();
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
        cursor_ = p;
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
  cursor_ = p;
  CodeByte(*p);
  return p + 1;
}

const char* DumpScanner::ScanQuoted(const char* p, const char* end) {
  if (phase_ != Phase::kHead) {
    // Most of a dump is string contents, where only the closing quote and (when it escapes) a
    // backslash matter: memchr finds them many bytes at a time. Escapes before the quote are
    // stepped over here (outside a statement's head they change nothing but the lexing state),
    // and the quote is looked for again only when one escapes it, so each byte of a string is
    // read at most twice however many escapes it holds.
    auto find = [end](const char* from, char c) {
      const void* at = std::memchr(from, c, static_cast<size_t>(end - from));
      return at != nullptr ? static_cast<const char*>(at) : end;
    };
    const char* quote = find(p, quote_);
    if (!quote_escapes_) {
      p = quote;
    } else {
      for (;;) {
        const void* escape = std::memchr(p, '\\', static_cast<size_t>(quote - p));
        if (escape == nullptr) {
          p = quote;
          break;
        }
        const char* backslash = static_cast<const char*>(escape);
        if (backslash + 1 == end) {  // the escaped byte comes with the next chunk
          p = backslash;
          break;
        }
        p = backslash + 2;
        if (backslash + 1 == quote) quote = find(p, quote_);
      }
    }
    if (p == end) return p;
  }
  cursor_ = p;
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
      if (IsSqlBlank(c)) {
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
  if (q == '`' || (q == '"' && (modes_ & kSqlModeAnsiQuotes))) {
    quote_escapes_ = false;
  } else {
    quote_escapes_ = !(modes_ & kSqlModeNoBackslashEscapes);
  }
  lex_ = Lex::kQuoted;
}

void DumpScanner::Text(char c) {
  if (!started_) {
    if (IsSqlBlank(c)) return;
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
      } else if (IsSqlWordByte(c) && word_.size() < 8) {
        word_ += c;
      } else if (!IsSqlBlank(c)) {
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
      } else if (c != ',' && !IsSqlBlank(c)) {
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
      if (observer_ != nullptr) observer_->OnHeadReady();
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
    while (!line.empty() && IsSqlBlank(line.back())) line.remove_suffix(1);
    if (line.ends_with("*/")) {
      ResetStatement();
      if (observer_ != nullptr) observer_->OnClientCommand();
    }
  }
}

void DumpScanner::AppendHead(char c) {
  if (head_.size() < kMaxHeadBytes) {
    head_ += c;
    return;
  }
  // What a statement is shows in its first kilobyte; the rest is not kept.
  if (observer_ != nullptr) observer_->OnHeadReady();
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
  const StatementHead info = ParseStatementHead(head_, modes_);
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
    case StatementHead::Verb::kOther:
      break;
    case StatementHead::Verb::kCreate:
      if (objects == &tables_ || objects == &views_ || objects == &sequences_) {
        for (auto* set : relations) set->erase(info.names[0]);
      }
      objects->insert(info.names[0]);
      break;
    case StatementHead::Verb::kDrop:
      for (const std::string& name : info.names) {
        objects->erase(name);
        if (objects == &tables_) sequences_.erase(name);
      }
      break;
    case StatementHead::Verb::kSet:
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
    if (phase_ == Phase::kHead) {
      if (observer_ != nullptr) observer_->OnHeadReady();
      ClassifyHead();
    }
  }
  ResetStatement();
  if (observer_ != nullptr) observer_->OnStatementEnd();
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
  while (!arg.empty() && IsSqlBlank(arg.front())) arg.remove_prefix(1);
  size_t end = 0;
  while (end < arg.size() && !IsSqlBlank(arg[end])) ++end;
  // The client refuses an empty delimiter and keeps the old one.
  if (end > 0) SetDelimiter(arg.substr(0, end));
  ResetStatement();
  if (observer_ != nullptr) observer_->OnClientCommand();
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
  // Events from here name the end of the stream: position() adds the byte being scanned.
  chunk_offset_ = bytes_ - 1;
  chunk_begin_ = cursor_ = nullptr;
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
