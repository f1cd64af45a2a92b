#include "sql/binlog_position.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mysql_backup {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The '...' value after `key=` in `line`, if there is one without quotes or backslashes in it.
std::optional<std::string> QuotedValue(std::string_view line, std::string_view key) {
  size_t at = line.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + key.size());
  if (rest.empty() || rest.front() != '\'') return std::nullopt;
  rest.remove_prefix(1);
  size_t end = rest.find('\'');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view value = rest.substr(0, end);
  if (value.find('\\') != std::string_view::npos) return std::nullopt;
  return std::string(value);
}

std::optional<uint64_t> NumberValue(std::string_view line, std::string_view key) {
  size_t at = line.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + key.size());
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
  if (ec != std::errc() || end == rest.data()) return std::nullopt;
  return v;
}

}  // namespace

void BinlogPositionTap::Line(std::string_view line) {
  // With --master-data=1 the same statements come without the comment marker.
  if (StartsWith(line, "-- ")) line.remove_prefix(3);
  // MariaDB and MySQL < 8.0.23 write CHANGE MASTER, MySQL 8 CHANGE REPLICATION SOURCE.
  static constexpr struct {
    std::string_view head, file_key, position_key;
  } kForms[] = {
      {"CHANGE MASTER TO MASTER_LOG_FILE=", "MASTER_LOG_FILE=", "MASTER_LOG_POS="},
      {"CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE=", "SOURCE_LOG_FILE=", "SOURCE_LOG_POS="},
  };
  for (const auto& form : kForms) {
    if (have_file_ || !StartsWith(line, form.head)) continue;
    auto file = QuotedValue(line, form.file_key);
    auto pos = NumberValue(line, form.position_key);
    if (file && pos) {
      position_.file = *file;
      position_.position = *pos;
      have_file_ = true;
    }
    return;
  }
  if (StartsWith(line, "SET GLOBAL gtid_slave_pos=")) {
    auto gtid = QuotedValue(line, "gtid_slave_pos=");
    if (gtid) position_.gtid = *gtid;
  }
}

Status BinlogPositionTap::Write(std::span<const uint8_t> data) {
  const char* p = reinterpret_cast<const char*>(data.data());
  const char* end = p + data.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* stop = nl != nullptr ? nl : end;
    if (!line_full_) {
      size_t room = kMaxLine - line_.size();
      size_t take = std::min(room, static_cast<size_t>(stop - p));
      line_.append(p, take);
      if (line_.size() == kMaxLine) line_full_ = true;
    }
    if (nl == nullptr) break;
    if (!line_full_) Line(line_);
    line_.clear();
    line_full_ = false;
    p = nl + 1;
  }
  return Status::Ok();
}

std::optional<BinlogPosition> BinlogPositionTap::position() const {
  if (!have_file_) return std::nullopt;
  return position_;
}

}  // namespace mysql_backup
