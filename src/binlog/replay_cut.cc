#include "binlog/replay_cut.h"

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <string_view>

namespace mysql_backup {

namespace {

constexpr uint8_t kQueryEvent = 2;
constexpr uint8_t kXidEvent = 16;
constexpr uint8_t kXaPrepareEvent = 38;
constexpr uint8_t kTableMapEvent = 19;
constexpr uint8_t kGtidStandalone = 1;  // FL_STANDALONE in the GTID event's flags2
constexpr size_t kQueryPostHeader = 13;

uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t Le64(const uint8_t* p) {
  return static_cast<uint64_t>(Le32(p)) | (static_cast<uint64_t>(Le32(p + 4)) << 32);
}

// The statement text of a QUERY event ("" when the body is too short to hold one).
std::string_view QueryText(std::span<const uint8_t> body) {
  if (body.size() < kQueryPostHeader) return {};
  size_t db_len = body[8];
  size_t vars_len = Le16(body.data() + 11);
  size_t at = kQueryPostHeader + vars_len + db_len + 1;
  if (at > body.size()) return {};
  return {reinterpret_cast<const char*>(body.data() + at), body.size() - at};
}

bool IsWord(std::string_view text, const char* word) {
  size_t n = std::strlen(word);
  if (text.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if ((text[i] & ~0x20) != word[i]) return false;
  }
  return text.size() == n || text[n] == ' ' || text[n] == ';';
}

}  // namespace

bool ParseGtid(const std::string& text, Gtid* out) {
  unsigned long d = 0, s = 0;
  unsigned long long n = 0;
  int used = 0;
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  if (std::sscanf(text.c_str(), "%lu-%lu-%llu%n", &d, &s, &n, &used) != 3 ||
      static_cast<size_t>(used) != text.size() || d > 0xffffffffUL || s > 0xffffffffUL) {
    return false;
  }
  *out = {static_cast<uint32_t>(d), static_cast<uint32_t>(s), n};
  return true;
}

void ReplayCutter::set_later_dumps(
    std::map<std::string, std::pair<std::string, uint64_t>> positions) {
  later_.clear();
  for (const auto& [db, pos] : positions) {
    std::string base;
    uint64_t n = 0;
    if (!SplitBinlogName(pos.first, &base, &n)) continue;
    later_[db] = {n, pos.second};
    latest_ = std::max(latest_, later_[db]);
  }
}

void ReplayCutter::BeginFile(const std::string& name, uint64_t start) {
  // A transaction does not span files; one left open is cut off (not applied).
  in_group_ = false;
  file_ = name;
  std::string base;
  file_number_ = 0;
  SplitBinlogName(name, &base, &file_number_);
  skip_before_ = start;
}

void ReplayCutter::Stop(const std::string& file, uint64_t position) {
  reached_ = true;
  stop_file_ = file;
  stop_position_ = position;
}

void ReplayCutter::Close(uint64_t end) {
  in_group_ = false;
  group_.end = end;
  last_applied_ = group_;
  ++applied_;
  databases_.insert(group_databases_.begin(), group_databases_.end());
  std::pair<uint64_t, uint64_t> at{file_number_, group_.start};
  if (conflict_.empty() && !later_.empty()) {
    std::string what = group_.has_gtid ? "transaction " + group_.gtid.ToString() : "a transaction";
    what += " ('" + file_ + "' byte " + std::to_string(group_.start) + ")";
    for (const auto& db : group_databases_) {
      auto it = later_.find(db);
      if (it != later_.end() && at < it->second) {
        conflict_ = what + " writes to '" + db + "', whose dump was taken after it";
      }
    }
    if (conflict_.empty() && group_statement_ && at < latest_) {
      conflict_ = what + " holds a statement (DDL, or statement-logged DML) between the "
                  "positions its databases were dumped at";
    }
  }
  if (target_.kind == ReplayTarget::Kind::kGtid && group_.has_gtid && group_.gtid == target_.gtid) {
    Stop(file_, end);
  }
}

Status ReplayCutter::Event(const BinlogEventView& e) {
  if (e.time != 0 && e.time > last_event_time_) last_event_time_ = e.time;
  if (reached_ || e.offset < skip_before_) return Status::Ok();
  bool starts = e.type == kGtidEvent ||
                (!in_group_ && e.type == kQueryEvent && IsWord(QueryText(e.body), "BEGIN"));
  if (starts) {
    group_ = AppliedTransaction();
    group_.file = file_;
    group_.start = e.offset;
    standalone_ = false;
    group_statement_ = false;
    group_databases_.clear();
    if (e.type == kGtidEvent && e.body.size() >= 13) {
      group_.has_gtid = true;
      group_.gtid = {Le32(e.body.data() + 8), e.server_id, Le64(e.body.data())};
      standalone_ = (e.body[12] & kGtidStandalone) != 0;
      if (target_.kind == ReplayTarget::Kind::kGtid && group_.gtid.domain == target_.gtid.domain &&
          group_.gtid.seq > target_.gtid.seq) {
        return Status(ErrorKind::kUsage,
                      "GTID " + target_.gtid.ToString() + " is not in the binary log: domain " +
                          std::to_string(target_.gtid.domain) + " goes on to " +
                          group_.gtid.ToString() + " ('" + file_ + "' at byte " +
                          std::to_string(e.offset) + ") without it");
      }
    }
    in_group_ = true;
  } else if (!in_group_) {
    return Status::Ok();  // Rotate, FORMAT_DESCRIPTION, GTID_LIST, checkpoints: not replayed
  }
  if (target_.kind == ReplayTarget::Kind::kTime && e.time != 0 &&
      static_cast<std::time_t>(e.time) >= target_.time) {
    in_group_ = false;
    Stop(group_.file, group_.start);
    return Status::Ok();
  }
  if (e.time > group_.time) group_.time = e.time;
  if (starts) return Status::Ok();
  // TABLE_MAP: table id (6), flags (2), then the database name with its length byte.
  if (e.type == kTableMapEvent && e.body.size() > 9 && 9u + e.body[8] <= e.body.size()) {
    group_databases_.emplace(reinterpret_cast<const char*>(e.body.data() + 9), e.body[8]);
  }
  if (e.type == kQueryEvent) {
    std::string_view text = QueryText(e.body);
    if (!IsWord(text, "BEGIN") && !IsWord(text, "COMMIT") && !IsWord(text, "ROLLBACK")) {
      group_statement_ = true;
    }
  }
  bool ends = e.type == kXidEvent || e.type == kXaPrepareEvent ||
              (e.type == kQueryEvent &&
               (standalone_ || IsWord(QueryText(e.body), "COMMIT") ||
                IsWord(QueryText(e.body), "ROLLBACK")));
  if (ends) Close(e.end);
  return Status::Ok();
}

void ReplayCutter::Finish() {
  if (finished_) return;
  finished_ = true;
  // kEnd: everything whole is applied; a cut-off transaction is left out by stopping before it.
  if (target_.kind == ReplayTarget::Kind::kEnd && !reached_) {
    if (in_group_) {
      stop_file_ = group_.file;
      stop_position_ = group_.start;
    }
    reached_ = true;
  }
}

}  // namespace mysql_backup
