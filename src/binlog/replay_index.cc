#include "binlog/replay_index.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "binlog/archive.h"
#include "util/json_value.h"

namespace mysql_backup {

namespace {

constexpr size_t kMaxSidecarBytes = 64 << 10;

Result<JsonValue> ReadJson(const DirFd& dir, const std::string& name) {
  auto fd = OpenRegularFileAt(dir, name, ErrorKind::kIntegrity, ErrorKind::kIntegrity);
  if (!fd.ok()) return fd.status();
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd->get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", dir.PathOf(name));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxSidecarBytes) {
      return Status(ErrorKind::kIntegrity, "'" + dir.PathOf(name) + "' is too large for a sidecar");
    }
  }
  auto v = ParseJson(text);
  if (!v.ok()) return Status(v.status()).AddContext("Cannot read '" + dir.PathOf(name) + "'");
  return v;
}

std::string Str(const JsonValue& v, const char* key) {
  const JsonValue* m = v.Find(key);
  return m != nullptr && m->AsString() != nullptr ? *m->AsString() : "";
}

// "2026-12-01T13:31:00Z" -> Unix seconds; 0 when empty or malformed.
std::time_t IsoToTime(const std::string& s) {
  struct tm tm = {};
  if (s.size() != 20 || strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) return 0;
  return timegm(&tm);
}

// The archived files of one folder (those with a sidecar), by number.
Result<std::vector<IndexedBinlog>> ReadFolder(const DirFd& dir, bool partial) {
  auto names = ListDirectory(dir);
  if (!names.ok()) return names.status();
  std::vector<IndexedBinlog> out;
  for (const auto& n : *names) {
    if (n == kGapsFileName || n.size() <= 5 || !n.ends_with(".json")) continue;
    IndexedBinlog f;
    f.name = n.substr(0, n.size() - 5);
    std::string base;
    if (!SplitBinlogName(f.name, &base, &f.number)) continue;
    auto v = ReadJson(dir, n);
    if (!v.ok()) return v.status();
    f.partial = partial;
    if (const JsonValue* size = v->Find("size")) f.size = size->AsUint64().value_or(0);
    f.first_time = IsoToTime(Str(*v, "first_event_time"));
    f.last_time = IsoToTime(Str(*v, "last_event_time"));
    f.last_gtid = Str(*v, "last_gtid");
    f.state_start = ParseGtidState(Str(*v, "gtid_state_start"));
    f.state_end = ParseGtidState(Str(*v, "gtid_state_end"));
    f.next_file = Str(*v, "next_file");
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(),
            [](const IndexedBinlog& a, const IndexedBinlog& b) { return a.number < b.number; });
  return out;
}

}  // namespace

std::vector<Gtid> ParseGtidState(const std::string& text) {
  std::vector<Gtid> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    unsigned long d = 0, s = 0;
    unsigned long long n = 0;
    if (std::sscanf(item.c_str(), "%lu-%lu-%llu", &d, &s, &n) == 3) {
      out.push_back({static_cast<uint32_t>(d), static_cast<uint32_t>(s), n});
    }
    pos = end + 1;
  }
  return out;
}

std::string GtidStateText(const std::vector<Gtid>& state) {
  std::string out;
  for (const auto& g : state) out += (out.empty() ? "" : ",") + g.ToString();
  return out;
}

Result<std::vector<BinlogIndex>> ReadBinlogIndexes(const DirFd& backup_dir) {
  std::vector<BinlogIndex> out;
  auto binlog = OpenSubdirectory(backup_dir, kBinlogFolderName);
  if (!binlog.ok()) return binlog.status();
  if (!binlog->has_value()) return out;
  auto servers = ListDirectory(**binlog);
  if (!servers.ok()) return servers.status();
  for (const auto& server : *servers) {
    auto dir = OpenSubdirectory(**binlog, server);
    if (!dir.ok()) return dir.status();
    if (!dir->has_value()) continue;
    BinlogIndex index;
    index.server = server;
    index.path = (*dir)->path;
    auto files = ReadFolder(**dir, false);
    if (!files.ok()) return files.status();
    index.files = std::move(*files);
    auto partial_dir = OpenSubdirectory(**dir, kPartialFolderName);
    if (!partial_dir.ok()) return partial_dir.status();
    if (partial_dir->has_value()) {
      auto partial = ReadFolder(**partial_dir, true);
      if (!partial.ok()) return partial.status();
      // Normally one; after a killed run the newest is the one that counts.
      if (!partial->empty()) index.partial = partial->back();
    }
    auto gaps_st = StatAt(**dir, kGapsFileName);
    if (!gaps_st.ok()) return gaps_st.status();
    if (gaps_st->has_value()) {
      auto gaps = ReadJson(**dir, kGapsFileName);
      if (!gaps.ok()) return gaps.status();
      if (gaps->AsArray() != nullptr) {
        for (const auto& g : *gaps->AsArray()) {
          index.gaps.push_back({Str(g, "missing_from"), Str(g, "missing_to"), Str(g, "resumes_at"),
                                Str(g, "reason")});
        }
      }
    }
    out.push_back(std::move(index));
  }
  return out;
}

}  // namespace mysql_backup
