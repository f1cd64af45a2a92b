// Tokens of an SQL statement head, for reading what a statement is (statement_head) and for
// judging and rewriting it in place (statement_policy): words, `names`, 'strings', punctuation.
// Tokens are views into the text, so their offsets can be rewritten. The markers of versioned
// comments ("/*!50003", "/*M!100101", "*/") are dropped: the server runs what they enclose, so
// that is the statement. Comments ("-- ", "#", "/* */") are skipped as the client skips them,
// so the raw bytes of a dump read the same as the scanner's head of them.
#ifndef MYSQL_BACKUP_SQL_HEAD_TOKENIZER_H_
#define MYSQL_BACKUP_SQL_HEAD_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sql/statement_head.h"

namespace mysql_backup {

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
std::string Unquote(const Token& token);

// Splits a statement head, or the raw bytes of a statement, into tokens.
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

std::string ToLowerAscii(std::string_view s);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_HEAD_TOKENIZER_H_
