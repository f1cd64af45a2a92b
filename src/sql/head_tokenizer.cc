#include "sql/head_tokenizer.h"

namespace mysql_backup {

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

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

Token HeadTokenizer::Read() {
  const size_t size = text_.size();
  for (;;) {
    while (pos_ < size && IsSqlBlank(text_[pos_])) ++pos_;
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
    if (rest.starts_with("/*")) {
      const size_t close = text_.find("*/", pos_ + 2);
      pos_ = close == std::string_view::npos ? size : close + 2;
      continue;
    }
    if (rest[0] == '#' || (rest.starts_with("--") && (rest.size() == 2 || IsSqlBlank(rest[2])))) {
      const size_t newline = text_.find('\n', pos_);
      pos_ = newline == std::string_view::npos ? size : newline + 1;
      continue;
    }
    break;
  }
  const size_t start = pos_;
  const char c = text_[pos_];
  Token token;
  if (c == '\'' || c == '"' || c == '`') {
    const bool name = c == '`' || (c == '"' && (modes_ & kSqlModeAnsiQuotes));
    token.kind = name ? Token::Kind::kName : Token::Kind::kString;
    token.escapes = !name && !(modes_ & kSqlModeNoBackslashEscapes);
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
  } else if (IsSqlWordByte(c)) {
    token.kind = Token::Kind::kWord;
    while (pos_ < size && IsSqlWordByte(text_[pos_])) ++pos_;
  } else {
    token.kind = Token::Kind::kPunct;
    ++pos_;
  }
  token.raw = text_.substr(start, pos_ - start);
  return token;
}


}  // namespace mysql_backup
