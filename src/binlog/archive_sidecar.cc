#include "binlog/archive_sidecar.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "binlog/archive.h"
#include "binlog/replay_cut.h"

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

namespace {

// "0-1-5,1-2-7" (or "") -> GTIDs; false when any item is malformed.
bool ParseGtidStateStrictly(const std::string& text, std::vector<Gtid>* out) {
  out->clear();
  if (text.empty()) return true;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    Gtid g;
    if (!ParseGtid(item, &g)) return false;
    out->push_back(g);
    pos = end + 1;
  }
  return true;
}

// A name the archive could hold: a binlog name, no folder part.
bool IsPlainBinlogName(const std::string& name) {
  std::string base;
  uint64_t n = 0;
  return name.find('/') == std::string::npos && SplitBinlogName(name, &base, &n) && base != "." &&
         base != "..";
}

}  // namespace

Result<ArchivedBinlog> ReadSidecar(const DirFd& dir, const std::string& name, bool partial) {
  ArchivedBinlog f;
  f.name = name;
  f.partial = partial;
  std::string path = dir.PathOf(name + kSidecarSuffix);
  if (!IsPlainBinlogName(name) || !SplitBinlogName(name, &f.base, &f.number)) {
    return Status(ErrorKind::kIntegrity, "'" + path + "' is not named after a binary log");
  }
  // Every key the archiver writes is required and checked, and all that is wrong is said at
  // once: a sidecar decides what cleanup deletes and what a restore replays, so one that is not
  // exactly ours is refused rather than read with defaults.
  std::string what_to_do =
      ": not a sidecar that mysql-backup wrote. Move '" + dir.PathOf(name) +
      ".*' out of the archive folder (the restore drill then names the gap it leaves; the next "
      "--archive-binlogs run copies the file again while the server still has it)";
  auto v = ReadArchiveJson(dir, name + kSidecarSuffix);
  if (!v.ok()) return v.status();
  if (v->AsObject() == nullptr) {
    return Status(ErrorKind::kIntegrity, "'" + path + "': not a JSON object" + what_to_do);
  }
  std::vector<std::string> problems;
  auto member = [&](const char* key) -> const JsonValue* {
    const JsonValue* m = v->Find(key);
    if (m == nullptr) problems.push_back(std::string(key) + " missing");
    return m;
  };
  // Strings; `nullable`: the archiver writes null for "none", read as "".
  auto text = [&](const char* key, bool nullable, std::string* out) {
    const JsonValue* m = member(key);
    if (m == nullptr) return false;
    if (nullable && m->is_null()) return true;
    if (m->AsString() == nullptr) {
      problems.push_back(std::string(key) + " not a string");
      return false;
    }
    *out = *m->AsString();
    return true;
  };
  auto time = [&](const char* key, bool nullable, std::time_t* out) {
    std::string t;
    if (!text(key, nullable, &t) || (nullable && t.empty())) return;
    *out = ParseIsoTime(t);
    if (*out == 0) problems.push_back(std::string(key) + " not a time (YYYY-MM-DDTHH:MM:SSZ)");
  };
  auto gtid_state = [&](const char* key, std::vector<Gtid>* out) {
    std::string t;
    if (text(key, false, &t) && !ParseGtidStateStrictly(t, out)) {
      problems.push_back(std::string(key) + " not a GTID state (D-S-N,...)");
    }
  };

  std::string file;
  if (text("file", false, &file) && file != name) {
    problems.push_back("file names '" + file + "', not '" + name + "'");
  }
  if (const JsonValue* m = member("complete")) {
    if (!m->AsBool()) {
      problems.push_back("complete not true or false");
    } else if (*m->AsBool() == partial) {
      problems.push_back(partial ? "complete is true in partial/"
                                 : "complete is false outside partial/");
    } else {
      f.complete = *m->AsBool();
    }
  }
  if (const JsonValue* m = member("size")) {
    if (!m->AsUint64()) {
      problems.push_back("size not a byte count");
    } else {
      f.size = *m->AsUint64();
    }
  }
  time("first_event_time", true, &f.first_time);
  time("last_event_time", true, &f.last_time);
  time("archived", false, &f.archived_time);
  Gtid gtid;
  if (text("last_gtid", true, &f.last_gtid) && !f.last_gtid.empty() &&
      !ParseGtid(f.last_gtid, &gtid)) {
    problems.push_back("last_gtid not a GTID (D-S-N)");
  }
  gtid_state("gtid_state_start", &f.state_start);
  gtid_state("gtid_state_end", &f.state_end);
  if (text("next_file", true, &f.next_file) && !f.next_file.empty() &&
      !IsPlainBinlogName(f.next_file)) {
    problems.push_back("next_file '" + f.next_file + "' not a binary log name");
  }
  if (!problems.empty()) {
    std::string list;
    for (const auto& p : problems) list += (list.empty() ? "" : "; ") + p;
    return Status(ErrorKind::kIntegrity, "'" + path + "': " + list + what_to_do);
  }
  return f;
}

Result<std::vector<JsonValue>> ReadGapsJson(const DirFd& dir) {
  std::vector<JsonValue> out;
  auto st = StatAt(dir, kGapsFileName);
  if (!st.ok()) return st.status();
  if (!st->has_value()) return out;
  auto v = ReadArchiveJson(dir, kGapsFileName);
  if (!v.ok()) return v.status();
  if (v->AsArray() == nullptr) return out;
  return *v->AsArray();
}

Result<std::vector<RecordedGap>> ReadGapsFile(const DirFd& dir) {
  auto gaps = ReadGapsJson(dir);
  if (!gaps.ok()) return gaps.status();
  std::vector<RecordedGap> out;
  for (const auto& g : *gaps) {
    out.push_back({JsonString(g, "missing_from"), JsonString(g, "missing_to"),
                   JsonString(g, "resumes_at"), JsonString(g, "reason")});
  }
  return out;
}

}  // namespace mysql_backup
