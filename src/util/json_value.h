// Reading JSON: the run manifests we write are read back by --restore-test, --restore latest and
// --list. A strict RFC 8259 parser into a small value tree; numbers keep their text so that
// 64-bit row counts and sizes survive exactly. Input is bounded by the caller (a manifest is
// read with a size cap) and nesting is limited, so a hostile file cannot exhaust the stack.
#ifndef MYSQL_BACKUP_UTIL_JSON_VALUE_H_
#define MYSQL_BACKUP_UTIL_JSON_VALUE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue() = default;
  static JsonValue Null() { return JsonValue(); }
  static JsonValue Bool(bool b);
  static JsonValue Number(std::string text);  // text as in the document ("42", "-1.5e3")
  static JsonValue String(std::string s);
  static JsonValue Array(std::vector<JsonValue> items);
  static JsonValue Object(std::map<std::string, JsonValue> members);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }

  // Typed reads; nullopt when the value has another type (or the number is not a
  // non-negative integer that fits).
  std::optional<bool> AsBool() const;
  std::optional<uint64_t> AsUint64() const;
  std::optional<int64_t> AsInt64() const;
  const std::string* AsString() const;
  const std::vector<JsonValue>* AsArray() const;
  const std::map<std::string, JsonValue>* AsObject() const;

  // A member of an object; nullptr when this is no object or lacks `key`.
  const JsonValue* Find(std::string_view key) const;

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;  // number text or string
  std::vector<JsonValue> items_;
  std::map<std::string, JsonValue> members_;
};

// Parses one JSON document (surrounding blanks allowed). Errors: kIntegrity with the byte
// offset and what was expected. Duplicate object keys are an error: a manifest is ours and
// never has them, so one that does was tampered with.
Result<JsonValue> ParseJson(std::string_view text);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_JSON_VALUE_H_
