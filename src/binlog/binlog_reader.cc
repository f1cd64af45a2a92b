#include "binlog/binlog_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace mysql_backup {

namespace {

constexpr size_t kHeaderSize = 19;
constexpr size_t kChecksumSize = 4;
// Far above max_binlog_size's own limit (1 GiB) plus a row event's slack: a length beyond it
// is damage, not data, and must not make us buffer gigabytes.
constexpr uint32_t kMaxEventSize = 1u << 30;
// Set on events the server makes up while sending (the fake Rotate at the start of a dump).
constexpr uint16_t kArtificialFlag = 0x20;
constexpr uint8_t kChecksumCrc32 = 1;

uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t Le64(const uint8_t* p) {
  return static_cast<uint64_t>(Le32(p)) | (static_cast<uint64_t>(Le32(p + 4)) << 32);
}

void UpdateState(std::vector<Gtid>* state, const Gtid& g) {
  for (auto& e : *state) {
    if (e.domain == g.domain && e.server == g.server) {
      e.seq = g.seq;
      return;
    }
  }
  state->push_back(g);
}

std::string StateToString(const std::vector<Gtid>& state) {
  std::string out;
  for (const auto& g : state) out += (out.empty() ? "" : ",") + g.ToString();
  return out.empty() ? "(empty)" : out;
}

}  // namespace

std::string Gtid::ToString() const {
  return std::to_string(domain) + "-" + std::to_string(server) + "-" + std::to_string(seq);
}

Status BinlogReader::Write(std::span<const uint8_t> data) {
  if (!error_.ok()) return error_;
  pending_.insert(pending_.end(), data.begin(), data.end());
  s_.size += data.size();
  size_t pos = 0;
  if (!magic_seen_) {
    if (pending_.size() < sizeof(kBinlogMagic)) return Status::Ok();
    if (std::memcmp(pending_.data(), kBinlogMagic, sizeof(kBinlogMagic)) != 0) {
      return error_ = Status(ErrorKind::kIntegrity, "not a binary log: the file does not start "
                                                    "with the binlog magic bytes");
    }
    magic_seen_ = true;
    pos = sizeof(kBinlogMagic);
  }
  while (pending_.size() - pos >= kHeaderSize) {
    uint32_t length = Le32(pending_.data() + pos + 9);
    if (length < kHeaderSize || length > kMaxEventSize) {
      return error_ = Status(ErrorKind::kIntegrity,
                             "corrupt binary log: impossible event length " +
                                 std::to_string(length) + " at byte " +
                                 std::to_string(offset_ + pos));
    }
    if (pending_.size() - pos < length) break;
    Status st = Event({pending_.data() + pos, length}, offset_ + pos);
    if (!st.ok()) {
      return error_ = st.AddContext("at byte " + std::to_string(offset_ + pos));
    }
    pos += length;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(pos));
  offset_ += pos;
  return Status::Ok();
}

Status BinlogReader::Event(std::span<const uint8_t> e, uint64_t offset) {
  const uint8_t* h = e.data();
  uint32_t when = Le32(h);
  uint8_t type = h[4];
  uint16_t flags = Le16(h + 17);
  size_t body_end = e.size();
  if (type == kFormatDescriptionEvent) {
    // The checksum algorithm is the byte before the footer; a server without checksum support
    // (before 5.6.1 / 10.0) has neither, which the CRC then fails to match.
    checksum_known_ = true;
    s_.server_id = Le32(h + 5);
    if (e.size() >= kHeaderSize + 57 + 5 && e[e.size() - 5] == kChecksumCrc32) {
      s_.checksums = true;
    }
  } else if (!checksum_known_) {
    return Status(ErrorKind::kIntegrity,
                  "corrupt binary log: event type " + std::to_string(type) +
                      " before the FORMAT_DESCRIPTION event");
  }
  if (s_.checksums) {
    if (e.size() < kHeaderSize + kChecksumSize) {
      return Status(ErrorKind::kIntegrity, "corrupt binary log: event too short for its checksum");
    }
    body_end = e.size() - kChecksumSize;
    uint32_t want = Le32(e.data() + body_end);
    uint32_t got = static_cast<uint32_t>(crc32(0L, e.data(), static_cast<uInt>(body_end)));
    if (want != got) {
      return Status(ErrorKind::kIntegrity,
                    "corrupt binary log: CRC32 mismatch in an event of type " +
                        std::to_string(type));
    }
  }
  if (flags & kArtificialFlag) return Status::Ok();
  ++s_.events;
  if (when != 0) {
    if (s_.first_time == 0) s_.first_time = when;
    s_.last_time = when;
  }
  const uint8_t* b = h + kHeaderSize;
  size_t blen = body_end - kHeaderSize;
  s_.next_file.clear();
  s_.stopped = false;
  switch (type) {
    case kRotateEvent:
      if (blen < 8) return Status(ErrorKind::kIntegrity, "corrupt binary log: short Rotate event");
      s_.next_file.assign(reinterpret_cast<const char*>(b + 8), blen - 8);
      if (s_.next_file.empty()) {
        return Status(ErrorKind::kIntegrity, "corrupt binary log: Rotate event without a name");
      }
      break;
    case kStopEvent:
      s_.stopped = true;
      break;
    case kGtidEvent: {
      if (blen < 13) return Status(ErrorKind::kIntegrity, "corrupt binary log: short GTID event");
      Gtid g{Le32(b + 8), Le32(h + 5), Le64(b)};
      if (!s_.has_gtids) s_.first_gtid = g;
      s_.has_gtids = true;
      s_.last_gtid = g;
      UpdateState(&s_.end_state, g);
      break;
    }
    case kGtidListEvent: {
      if (blen < 4) return Status(ErrorKind::kIntegrity, "corrupt binary log: short GTID list");
      uint32_t count = Le32(b) & 0x0fffffff;
      if (blen < 4 + static_cast<size_t>(count) * 16) {
        return Status(ErrorKind::kIntegrity, "corrupt binary log: GTID list longer than its event");
      }
      // Only the first list (at the start of the file) is the state before the file.
      if (s_.gtid_list.empty() && !s_.has_gtids) {
        for (uint32_t i = 0; i < count; ++i) {
          const uint8_t* p = b + 4 + i * 16;
          s_.gtid_list.push_back({Le32(p), Le32(p + 4), Le64(p + 8)});
        }
        s_.end_state = s_.gtid_list;
      }
      break;
    }
    default:
      break;
  }
  last_type_ = type;
  if (observer_) {
    BinlogEventView view;
    view.offset = offset;
    view.end = offset + e.size();
    view.type = type;
    view.time = when;
    view.server_id = Le32(h + 5);
    view.body = {b, blen};
    return observer_(view);
  }
  return Status::Ok();
}

Result<BinlogSummary> BinlogReader::Finish() {
  if (!error_.ok()) return error_;
  if (!magic_seen_) {
    return Status(ErrorKind::kIntegrity, "not a binary log: shorter than the magic bytes");
  }
  if (!pending_.empty()) {
    return Status(ErrorKind::kIntegrity, "truncated binary log: it stops inside an event at byte " +
                                             std::to_string(offset_));
  }
  if (!checksum_known_) {
    return Status(ErrorKind::kIntegrity, "truncated binary log: no FORMAT_DESCRIPTION event");
  }
  return s_;
}

Result<BinlogSummary> ReadBinlog(std::span<const uint8_t> bytes) {
  BinlogReader reader;
  Status s = reader.Write(bytes);
  if (!s.ok()) return s;
  return reader.Finish();
}

Status CheckFollowsOn(const std::string& a_name, const BinlogSummary& a, const std::string& b_name,
                      const BinlogSummary& b) {
  // A Stop (a clean shutdown) names no successor: the restarted server opens the next number.
  bool restarted = false;
  if (a.stopped && a.next_file.empty()) {
    std::string a_base, b_base;
    uint64_t a_n = 0, b_n = 0;
    restarted = SplitBinlogName(a_name, &a_base, &a_n) && SplitBinlogName(b_name, &b_base, &b_n) &&
                a_base == b_base && b_n == a_n + 1;
  }
  if (!restarted && a.next_file != b_name) {
    return Status(ErrorKind::kGap, "'" + a_name + "' rotates to '" +
                                       (a.next_file.empty() ? "(nothing)" : a.next_file) +
                                       "', not to '" + b_name + "'");
  }
  for (const auto& g : a.end_state) {
    auto it = std::find_if(b.gtid_list.begin(), b.gtid_list.end(), [&](const Gtid& x) {
      return x.domain == g.domain && x.server == g.server;
    });
    if (it == b.gtid_list.end() || it->seq != g.seq) {
      return Status(ErrorKind::kGap, "'" + b_name + "' starts at GTID state " +
                                         StateToString(b.gtid_list) + " but '" + a_name +
                                         "' ends at " + StateToString(a.end_state));
    }
  }
  return Status::Ok();
}

bool SplitBinlogName(const std::string& name, std::string* base, uint64_t* number) {
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) return false;
  uint64_t n = 0;
  for (size_t i = dot + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || i - dot > 10) return false;
    n = n * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *base = name.substr(0, dot);
  *number = n;
  return true;
}

}  // namespace mysql_backup
