#include "util/json_value.h"

#include <charconv>

namespace mysql_backup {

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}

JsonValue JsonValue::Number(std::string text) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type_ = Type::kString;
  v.text_ = std::move(s);
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}

JsonValue JsonValue::Object(std::map<std::string, JsonValue> members) {
  JsonValue v;
  v.type_ = Type::kObject;
  v.members_ = std::move(members);
  return v;
}

std::optional<bool> JsonValue::AsBool() const {
  if (type_ != Type::kBool) return std::nullopt;
  return bool_;
}

std::optional<uint64_t> JsonValue::AsUint64() const {
  if (type_ != Type::kNumber) return std::nullopt;
  uint64_t out = 0;
  auto [end, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), out);
  if (ec != std::errc() || end != text_.data() + text_.size()) return std::nullopt;
  return out;
}

std::optional<int64_t> JsonValue::AsInt64() const {
  if (type_ != Type::kNumber) return std::nullopt;
  int64_t out = 0;
  auto [end, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), out);
  if (ec != std::errc() || end != text_.data() + text_.size()) return std::nullopt;
  return out;
}

const std::string* JsonValue::AsString() const {
  return type_ == Type::kString ? &text_ : nullptr;
}

const std::vector<JsonValue>* JsonValue::AsArray() const {
  return type_ == Type::kArray ? &items_ : nullptr;
}

const std::map<std::string, JsonValue>* JsonValue::AsObject() const {
  return type_ == Type::kObject ? &members_ : nullptr;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  auto it = members_.find(std::string(key));
  return it == members_.end() ? nullptr : &it->second;
}

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<JsonValue> Document() {
    SkipBlanks();
    auto v = Value(0);
    if (!v.ok()) return v;
    SkipBlanks();
    if (pos_ != text_.size()) return Error("the end of the document");
    return v;
  }

 private:
  Status Error(const std::string& expected) const {
    return Status(ErrorKind::kIntegrity,
                  "invalid JSON at byte " + std::to_string(pos_) + ": expected " + expected);
  }

  void SkipBlanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<JsonValue> Value(int depth) {
    if (depth > kMaxDepth) return Error("less nesting (at most 64 levels)");
    if (pos_ >= text_.size()) return Error("a value");
    char c = text_[pos_];
    if (c == '{') return ObjectValue(depth);
    if (c == '[') return ArrayValue(depth);
    if (c == '"') {
      auto s = StringText();
      if (!s.ok()) return s.status();
      return JsonValue::String(std::move(*s));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return NumberValue();
    if (Literal("true")) return JsonValue::Bool(true);
    if (Literal("false")) return JsonValue::Bool(false);
    if (Literal("null")) return JsonValue::Null();
    return Error("a value");
  }

  Result<JsonValue> ObjectValue(int depth) {
    ++pos_;  // '{'
    std::map<std::string, JsonValue> members;
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return JsonValue::Object(std::move(members));
    }
    for (;;) {
      SkipBlanks();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("a member name");
      auto key = StringText();
      if (!key.ok()) return key.status();
      SkipBlanks();
      if (pos_ >= text_.size() || text_[pos_] != ':') return Error("':'");
      ++pos_;
      SkipBlanks();
      auto v = Value(depth + 1);
      if (!v.ok()) return v;
      if (!members.emplace(std::move(*key), std::move(*v)).second) {
        return Error("no duplicate member names");
      }
      SkipBlanks();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return JsonValue::Object(std::move(members));
      }
      return Error("',' or '}'");
    }
  }

  Result<JsonValue> ArrayValue(int depth) {
    ++pos_;  // '['
    std::vector<JsonValue> items;
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return JsonValue::Array(std::move(items));
    }
    for (;;) {
      SkipBlanks();
      auto v = Value(depth + 1);
      if (!v.ok()) return v;
      items.push_back(std::move(*v));
      SkipBlanks();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return JsonValue::Array(std::move(items));
      }
      return Error("',' or ']'");
    }
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  Result<JsonValue> NumberValue() {
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return Error("a digit");
    if (text_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return Error("a digit after '.'");
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return Error("an exponent");
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    }
    return JsonValue::Number(std::string(text_.substr(start, pos_ - start)));
  }

  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  Result<unsigned> Hex4() {
    if (pos_ + 4 > text_.size()) return Error("four hex digits");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      int d = HexDigit(text_[pos_ + i]);
      if (d < 0) return Error("four hex digits");
      v = v * 16 + static_cast<unsigned>(d);
    }
    pos_ += 4;
    return v;
  }

  static void AppendUtf8(std::string* out, unsigned cp) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  Result<std::string> StringText() {
    ++pos_;  // '"'
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) return Error("the closing '\"'");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return Error("no control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) return Error("an escape");
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          auto cp = Hex4();
          if (!cp.ok()) return cp.status();
          unsigned code = *cp;
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (!Literal("\\u")) return Error("a low surrogate");
            auto low = Hex4();
            if (!low.ok()) return low.status();
            if (*low < 0xDC00 || *low > 0xDFFF) return Error("a low surrogate");
            code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            return Error("a high surrogate before a low one");
          }
          AppendUtf8(&out, code);
          break;
        }
        default:
          return Error("a valid escape");
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<JsonValue> ParseJson(std::string_view text) { return Parser(text).Document(); }

}  // namespace mysql_backup
