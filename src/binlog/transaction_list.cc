#include "binlog/transaction_list.h"

#include <algorithm>

namespace mysql_backup {

namespace {

constexpr uint8_t kQueryEvent = 2;
constexpr uint8_t kXidEvent = 16;
constexpr uint8_t kTableMapEvent = 19;
constexpr uint8_t kXaPrepareEvent = 38;
constexpr size_t kMaxStatement = 200;

uint64_t Le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::string QueryText(std::span<const uint8_t> body) {
  if (body.size() < 13) return "";
  size_t at = 13 + Le(body.data() + 11, 2) + body[8] + 1;
  if (at > body.size()) return "";
  return std::string(reinterpret_cast<const char*>(body.data() + at), body.size() - at);
}

bool Is(const std::string& text, const char* word) {
  std::string head = text.substr(0, std::char_traits<char>::length(word));
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) {
    return static_cast<char>(std::toupper(c));
  });
  return head == word && (text.size() == head.size() || text[head.size()] == ' ' ||
                          text[head.size()] == ';');
}

// The row event kinds, v1 (MariaDB's default), v2 and MariaDB's compressed ones.
const char* RowKind(uint8_t type) {
  switch (type) {
    case 23: case 30: case 166: case 169: return "INSERT";
    case 24: case 31: case 167: case 170: return "UPDATE";
    case 25: case 32: case 168: case 171: return "DELETE";
    default: return nullptr;
  }
}

}  // namespace

void TransactionLister::BeginFile(const std::string& name) {
  file_ = name;
  in_group_ = false;
  tables_.clear();
}

void TransactionLister::Add(const std::string& item) {
  if (std::find(t_.what.begin(), t_.what.end(), item) == t_.what.end()) t_.what.push_back(item);
}

void TransactionLister::Event(const BinlogEventView& e) {
  const auto& b = e.body;
  if (e.type == kGtidEvent || (!in_group_ && e.type == kQueryEvent && Is(QueryText(b), "BEGIN"))) {
    t_ = ListedTransaction();
    t_.file = file_;
    t_.start = e.offset;
    t_.time = e.time;
    standalone_ = false;
    if (e.type == kGtidEvent && b.size() >= 13) {
      t_.has_gtid = true;
      t_.gtid = {static_cast<uint32_t>(Le(b.data() + 8, 4)), e.server_id, Le(b.data(), 8)};
      standalone_ = (b[12] & 1) != 0;
    }
    in_group_ = true;
    return;
  }
  if (e.type == kTableMapEvent && b.size() > 9 && 9u + b[8] < b.size()) {
    size_t db_len = b[8];
    size_t at = 9 + db_len + 1;
    if (at < b.size() && at + 1 + b[at] <= b.size()) {
      tables_[Le(b.data(), 6)] =
          "`" + std::string(reinterpret_cast<const char*>(b.data() + 9), db_len) + "`.`" +
          std::string(reinterpret_cast<const char*>(b.data() + at + 1), b[at]) + "`";
    }
  }
  if (!in_group_) return;
  if (e.time > t_.time) t_.time = e.time;
  if (const char* kind = RowKind(e.type); kind != nullptr && b.size() >= 6) {
    auto it = tables_.find(Le(b.data(), 6));
    Add(std::string(kind) + " " + (it != tables_.end() ? it->second : "(unknown table)"));
  }
  bool ends = e.type == kXidEvent || e.type == kXaPrepareEvent;
  if (e.type == kQueryEvent) {
    std::string text = QueryText(b);
    bool commit = Is(text, "COMMIT") || Is(text, "ROLLBACK");
    if (!commit) {
      std::replace(text.begin(), text.end(), '\n', ' ');
      std::replace(text.begin(), text.end(), '\r', ' ');
      if (text.size() > kMaxStatement) text = text.substr(0, kMaxStatement) + "...";
      Add(text);
    }
    ends = commit || standalone_;
  }
  if (ends) {
    in_group_ = false;
    emit_(t_);
  }
}

}  // namespace mysql_backup
