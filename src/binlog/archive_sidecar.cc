#include "binlog/archive_sidecar.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "binlog/archive.h"

namespace mysql_backup {

Result<JsonValue> ReadArchiveJson(const DirFd& dir, const std::string& name) {
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
    // Checked while reading, not from st_size: the file may grow (or be /dev/zero-like).
    if (text.size() > kMaxArchiveJsonBytes) {
      return Status(ErrorKind::kIntegrity, "'" + dir.PathOf(name) + "' is too large for a sidecar");
    }
  }
  auto v = ParseJson(text);
  if (!v.ok()) return Status(v.status()).AddContext("Cannot read '" + dir.PathOf(name) + "'");
  return v;
}

std::string JsonString(const JsonValue& v, const char* key) {
  const JsonValue* m = v.Find(key);
  return m != nullptr && m->AsString() != nullptr ? *m->AsString() : "";
}

std::time_t ParseIsoTime(const std::string& text) {
  struct tm tm = {};
  if (text.size() != 20 || strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) return 0;
  return timegm(&tm);
}

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

Result<ArchivedBinlog> ReadSidecar(const DirFd& dir, const std::string& name, bool partial) {
  ArchivedBinlog f;
  f.name = name;
  f.partial = partial;
  if (!SplitBinlogName(name, &f.base, &f.number)) {
    return Status(ErrorKind::kIntegrity, "'" + dir.PathOf(name) + "' is not a binlog name");
  }
  auto v = ReadArchiveJson(dir, name + kSidecarSuffix);
  if (!v.ok()) return v.status();
  const JsonValue* complete = v->Find("complete");
  f.complete = complete != nullptr && complete->AsBool().value_or(false);
  const JsonValue* size = v->Find("size");
  f.size = size != nullptr ? size->AsUint64().value_or(0) : 0;
  f.first_time = ParseIsoTime(JsonString(*v, "first_event_time"));
  f.last_time = ParseIsoTime(JsonString(*v, "last_event_time"));
  f.archived_time = ParseIsoTime(JsonString(*v, "archived"));
  f.last_gtid = JsonString(*v, "last_gtid");
  f.state_start = ParseGtidState(JsonString(*v, "gtid_state_start"));
  f.state_end = ParseGtidState(JsonString(*v, "gtid_state_end"));
  f.next_file = JsonString(*v, "next_file");
  return f;
}

Result<std::vector<RecordedGap>> ReadGapsFile(const DirFd& dir) {
  std::vector<RecordedGap> out;
  auto st = StatAt(dir, kGapsFileName);
  if (!st.ok()) return st.status();
  if (!st->has_value()) return out;
  auto v = ReadArchiveJson(dir, kGapsFileName);
  if (!v.ok()) return v.status();
  if (v->AsArray() == nullptr) return out;
  for (const auto& g : *v->AsArray()) {
    out.push_back({JsonString(g, "missing_from"), JsonString(g, "missing_to"),
                   JsonString(g, "resumes_at"), JsonString(g, "reason")});
  }
  return out;
}

}  // namespace mysql_backup
