#include "binlog/archive.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>

#include "binlog/archive_index.h"
#include "binlog/archive_sidecar.h"
#include "binlog/binlog_reader.h"
#include "codec/compressor.h"
#include "codec/sha256.h"
#include "dump/verify.h"
#include "mysql/mysql_client.h"
#include "mysql/sql_client.h"
#include "storage/atomic_file.h"
#include "storage/backup_dir.h"
#include "storage/dir_fd.h"
#include "util/child_process.h"
#include "util/file_util.h"
#include "util/json.h"
#include "util/json_value.h"

namespace mysql_backup {

namespace {

constexpr char kArchiveSuffix[] = ".gz";
constexpr size_t kMaxStderrBytes = 64 << 10;

struct ServerLog {
  std::string name;
  uint64_t size = 0;
};

// What an archived file's sidecar says, as far as the next run needs it.
struct ArchivedFile {
  std::string name;
  uint64_t number = 0;
  BinlogSummary summary;  // next_file and end_state only
};

std::string IsoTime(uint32_t t) {
  if (t == 0) return "";
  time_t tt = t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string JsonOrNull(const std::string& s) { return s.empty() ? "null" : JsonQuote(s); }

std::string SidecarJson(const std::string& name, unsigned long server_id, bool complete,
                        const BinlogSummary& s, uint64_t compressed_size,
                        const std::string& sha256) {
  std::string j = "{\n";
  j += "  \"file\": " + JsonQuote(name) + ",\n";
  j += "  \"server_id\": " + std::to_string(server_id) + ",\n";
  j += "  \"complete\": " + std::string(complete ? "true" : "false") + ",\n";
  j += "  \"size\": " + std::to_string(s.size) + ",\n";
  j += "  \"compressed_size\": " + std::to_string(compressed_size) + ",\n";
  j += "  \"sha256\": " + JsonQuote(sha256) + ",\n";
  j += "  \"events\": " + std::to_string(s.events) + ",\n";
  j += "  \"first_event_time\": " + JsonOrNull(IsoTime(s.first_time)) + ",\n";
  j += "  \"last_event_time\": " + JsonOrNull(IsoTime(s.last_time)) + ",\n";
  j += "  \"first_gtid\": " + JsonOrNull(s.has_gtids ? s.first_gtid.ToString() : "") + ",\n";
  j += "  \"last_gtid\": " + JsonOrNull(s.has_gtids ? s.last_gtid.ToString() : "") + ",\n";
  j += "  \"gtid_state_start\": " + JsonQuote(GtidStateText(s.gtid_list)) + ",\n";
  j += "  \"gtid_state_end\": " + JsonQuote(GtidStateText(s.end_state)) + ",\n";
  j += "  \"next_file\": " + JsonOrNull(s.next_file) + ",\n";
  j += "  \"archived\": " + JsonQuote(IsoTime(static_cast<uint32_t>(std::time(nullptr)))) + "\n";
  j += "}\n";
  return j;
}

// The archived files (those with a sidecar), oldest first by their number.
Result<std::vector<ArchivedFile>> ListArchived(const DirFd& dir) {
  auto names = ListDirectory(dir);
  if (!names.ok()) return names.status();
  std::vector<ArchivedFile> out;
  for (const auto& n : *names) {
    if (n == kGapsFileName || n.size() <= 5 || !n.ends_with(kSidecarSuffix)) continue;
    ArchivedFile f;
    f.name = n.substr(0, n.size() - 5);
    std::string base;
    if (!SplitBinlogName(f.name, &base, &f.number)) continue;
    auto sidecar = ReadSidecar(dir, f.name, false);
    if (!sidecar.ok()) return sidecar.status();
    f.summary.next_file = sidecar->next_file;
    f.summary.end_state = sidecar->state_end;
    f.summary.gtid_list = sidecar->state_start;
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(),
            [](const ArchivedFile& a, const ArchivedFile& b) { return a.number < b.number; });
  return out;
}

// Whether `name` in partial/ is a file the archiver wrote there: a regular file named
// <binlog>.gz, <binlog>.gz.sha256 or <binlog>.json. Anything else is left alone.
bool IsOurPartialFile(const DirFd& partial, const std::string& name) {
  for (const char* suffix : {".gz", ".gz.sha256", ".json"}) {
    std::string_view sv(suffix);
    if (name.size() <= sv.size() || !name.ends_with(sv)) continue;
    std::string base;
    uint64_t n = 0;
    if (!SplitBinlogName(name.substr(0, name.size() - sv.size()), &base, &n)) return false;
    auto st = StatAt(partial, name);
    return st.ok() && st->has_value() && S_ISREG((**st).st_mode);
  }
  return false;
}

// The successor's name by number, keeping the width: mysql-bin.000009 -> mysql-bin.000010.
std::string SuccessorName(const std::string& name) {
  std::string base;
  uint64_t n = 0;
  if (!SplitBinlogName(name, &base, &n)) return "";
  std::string digits = std::to_string(n + 1);
  size_t width = name.size() - base.size() - 1;
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return base + "." + digits;
}

// The folder mariadb-binlog writes into, emptied and removed when the run ends.
class FetchFolder {
 public:
  static Result<std::unique_ptr<FetchFolder>> Create(const DirFd& parent, const std::string& name) {
    auto f = std::unique_ptr<FetchFolder>(new FetchFolder(parent, name));
    f->Remove();  // the debris of a killed run (the name is ours under the archive lock)
    if (mkdirat(parent.get(), name.c_str(), 0700) != 0) {
      return ErrnoError(ErrorKind::kStorage, "create", parent.PathOf(name));
    }
    auto dir = OpenSubdirectory(parent, name);
    if (!dir.ok()) return dir.status();
    if (!dir->has_value()) return ErrnoError(ErrorKind::kStorage, "open", parent.PathOf(name), ENOENT);
    f->dir_ = std::move(**dir);
    return f;
  }
  ~FetchFolder() { Remove(); }
  const DirFd& dir() const { return dir_; }

 private:
  FetchFolder(const DirFd& parent, std::string name) : parent_(parent), name_(std::move(name)) {}
  void Remove() {
    auto sub = OpenSubdirectory(parent_, name_);
    if (sub.ok() && sub->has_value()) {
      auto names = ListDirectory(**sub);
      if (names.ok()) {
        for (const auto& n : *names) unlinkat((*sub)->get(), n.c_str(), 0);
      }
      unlinkat(parent_.get(), name_.c_str(), AT_REMOVEDIR);
    }
  }
  const DirFd& parent_;
  std::string name_;
  DirFd dir_;
};

std::string ReadAllBounded(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() < kMaxStderrBytes) out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// mariadb-binlog --read-from-remote-server --raw --to-last-log FIRST, into `into`.
Status FetchBinlogs(const ConnectionConfig& conn, const std::string& first, const DirFd& into) {
  auto program = FindBinlogProgram();
  if (!program.ok()) return program.status();
  auto option_fd = MakeOptionFilePipe(ClientOptionFile(conn));
  if (!option_fd.ok()) return option_fd.status();
  int err_fds[2];
  if (pipe2(err_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd err_r(err_fds[0]), err_w(err_fds[1]);
  UniqueFd null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd.valid()) return ErrnoError(ErrorKind::kProcess, "open", "/dev/null");
  constexpr int kResultDirChildFd = 4;
  ChildSpec spec;
  // The result folder is passed as an open descriptor: the child writes through
  // /proc/self/fd/4, so no path inside backup_dir is resolved again (and no link followed).
  spec.argv = {*program, "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd),
               "--read-from-remote-server", "--raw", "--to-last-log",
               "--result-file=/proc/self/fd/" + std::to_string(kResultDirChildFd) + "/", first};
  spec.fds = {{0, null_fd.get()},
              {1, null_fd.get()},
              {2, err_w.get()},
              {kOptionFileChildFd, option_fd->get()},
              {kResultDirChildFd, into.get()}};
  auto child = ChildProcess::Spawn(spec);
  if (!child.ok()) return child.status();
  err_w.Reset();
  std::string err_text = ReadAllBounded(err_r.get());
  auto exit = child->Wait();
  if (!exit.ok()) return exit.status();
  if (exit->success()) return Status::Ok();
  if (err_text.find("Could not find first log file name") != std::string::npos) {
    return Status(ErrorKind::kGap, "the server no longer has '" + first +
                                       "' (purged while this run fetched it); the next run "
                                       "reports the gap");
  }
  std::string line = ClientErrorLine(err_text);
  return Status(ClassifyClientFailure(err_text),
                "mariadb-binlog failed (" + exit->ToString() + ")" +
                    (line.empty() ? std::string() : ": " + line))
      .SetDetail(err_text);
}

// Feeds compressed bytes to an AtomicFile and a running SHA-256.
class HashingFileSink : public ByteSink {
 public:
  explicit HashingFileSink(AtomicFile* file) : file_(file) {}
  Status Write(std::span<const uint8_t> data) override {
    hash_.Update(data);
    size_ += data.size();
    return file_->Write(data);
  }
  std::string FinishHex() { return hash_.FinishHex(); }
  uint64_t size() const { return size_; }

 private:
  AtomicFile* file_;
  Sha256 hash_;
  uint64_t size_ = 0;
};

// Reads `fd` from its start through `reader` (and, if given, `compressor`).
Status StreamFile(int fd, const std::string& path, ByteSink* reader, Compressor* compressor) {
  if (lseek(fd, 0, SEEK_SET) != 0) return ErrnoError(ErrorKind::kStorage, "seek in", path);
  std::vector<uint8_t> buf(256 * 1024);
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", path);
    if (n == 0) break;
    std::span<const uint8_t> chunk(buf.data(), static_cast<size_t>(n));
    if (reader != nullptr) {
      Status s = reader->Write(chunk);
      if (!s.ok()) return s;
    }
    if (compressor != nullptr) {
      Status s = compressor->Write(chunk);
      if (!s.ok()) return s;
    }
  }
  return compressor != nullptr ? compressor->Finish() : Status::Ok();
}

// Writes `<name>.gz`, then its .sha256 and (last, as the commit point) `<name>.json` into `dest`.
Status Publish(const DirFd& work, const DirFd& dest, int fd, const std::string& fetched_path,
               const std::string& name, unsigned long server_id, bool complete,
               const BinlogSummary& summary) {
  // Without its sidecar the file does not count: drop an old sidecar first (partial/ refresh).
  unlinkat(dest.get(), (name + kSidecarSuffix).c_str(), 0);
  std::string gz = name + kArchiveSuffix;
  auto file = AtomicFile::Create(work, dest, gz);
  if (!file.ok()) return file.status();
  HashingFileSink sink(&*file);
  CompressionSettings settings;
  settings.algorithm = Compression::kGzip;
  settings.level = 6;
  settings.threads = 1;
  auto compressor = MakeCompressor(settings, &sink);
  Status s = StreamFile(fd, fetched_path, nullptr, compressor.get());
  if (!s.ok()) return s;
  std::string sha = sink.FinishHex();
  // The file before its checksum: a run killed in between leaves a file without a .sha256
  // (ignored, as it has no sidecar either), never a .sha256 without its file, which would make
  // `sha256sum -c *.sha256` fail.
  s = file->Commit();
  if (s.ok()) {
    s = WriteFileAtomically(work, dest, gz + kChecksumSuffix, ChecksumFileContent(sha, gz));
  }
  if (s.ok()) {
    s = WriteFileAtomically(work, dest, name + kSidecarSuffix,
                            SidecarJson(name, server_id, complete, summary, sink.size(), sha));
  }
  return s;
}

// gaps.json: a JSON array of the gaps found, rewritten whole with each new one.
Result<std::vector<std::string>> ReadGaps(const DirFd& dir, std::vector<JsonValue>* raw) {
  std::vector<std::string> out;
  auto gaps = ReadGapsJson(dir);
  if (!gaps.ok()) return gaps.status();
  for (const auto& g : *gaps) {
    raw->push_back(g);
    out.push_back("binary logs '" + JsonString(g, "missing_from") + "' to '" +
                  JsonString(g, "missing_to") + "' are missing from the archive (found " +
                  JsonString(g, "detected") + "; " + JsonString(g, "reason") +
                  "); point-in-time recovery starts again from the first dump taken after it");
  }
  return out;
}

std::string GapEntry(const std::string& from, const std::string& to, const std::string& resumes,
                     const std::string& reason) {
  return "{\"missing_from\": " + JsonQuote(from) + ", \"missing_to\": " + JsonQuote(to) +
         ", \"resumes_at\": " + JsonQuote(resumes) + ", \"reason\": " + JsonQuote(reason) +
         ", \"detected\": " + JsonQuote(IsoTime(static_cast<uint32_t>(std::time(nullptr)))) + "}";
}

std::string JsonValueText(const JsonValue& v) {
  // Only the flat string objects we write ourselves.
  std::string out = "{";
  bool first = true;
  if (const auto* obj = v.AsObject()) {
    for (const auto& [k, m] : *obj) {
      out += (first ? "" : ", ") + JsonQuote(k) + ": " +
             (m.AsString() != nullptr ? JsonQuote(*m.AsString()) : std::string("null"));
      first = false;
    }
  }
  return out + "}";
}

Status RecordGap(const DirFd& work, const DirFd& dir, const std::string& entry) {
  std::vector<JsonValue> raw;
  auto old = ReadGaps(dir, &raw);
  if (!old.ok()) return old.status();
  std::string text = "[\n";
  for (const auto& g : raw) text += "  " + JsonValueText(g) + ",\n";
  text += "  " + entry + "\n]\n";
  return WriteFileAtomically(work, dir, kGapsFileName, text);
}

// The name before `name` in its series, same width: mysql-bin.000010 -> mysql-bin.000009.
std::string PredecessorName(const std::string& name) {
  std::string base;
  uint64_t n = 0;
  if (!SplitBinlogName(name, &base, &n) || n == 0) return "";
  std::string digits = std::to_string(n - 1);
  size_t width = name.size() - base.size() - 1;
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return base + "." + digits;
}

// For a first run: Ok when the server's logs `first`..`last` include `anchor` (the newest
// dump's binlog file); otherwise records the gap in gaps.json and returns it (kGap), or
// kStorage when it cannot be recorded.
Status CheckNewArchiveAnchor(const DirFd& work, const DirFd& dir, const std::string& anchor,
                             const std::string& first, const std::string& last) {
  std::string a_base, f_base, l_base;
  uint64_t a_n = 0, f_n = 0, l_n = 0;
  bool parsed = SplitBinlogName(anchor, &a_base, &a_n) && SplitBinlogName(first, &f_base, &f_n) &&
                SplitBinlogName(last, &l_base, &l_n);
  if (parsed && a_base == f_base && a_n >= f_n && a_n <= l_n) return Status::Ok();
  // Said once: until a complete file is archived the archive stays empty, and later runs repeat
  // the recorded gap as a warning (known_gaps) instead of failing again.
  std::vector<JsonValue> raw;
  auto known = ReadGaps(dir, &raw);
  if (!known.ok()) return known.status();
  for (const auto& g : raw) {
    if (JsonString(g, "missing_from") == anchor) return Status::Ok();
  }
  std::string missing_to = anchor;
  std::string what;
  if (parsed && a_base == f_base && a_n < f_n) {
    missing_to = PredecessorName(first);
    what = "gap: the newest dump's binlog position is in '" + anchor +
           "', but the server's oldest binary log is '" + first + "': '" + anchor + "' to '" +
           missing_to + "' were purged before the archive began. Point-in-time recovery from "
           "that dump is impossible; it starts with the next dump (take one now: mysql-backup "
           "--backup-type daily)";
  } else {
    what = "gap: the newest dump's binlog position is in '" + anchor +
           "', which is not among the server's binary logs '" + first + "' to '" + last +
           "' (a reset server, another server, or a changed log_bin name). The archive starts "
           "at '" + first + "'; point-in-time recovery starts with the next dump (take one now: "
           "mysql-backup --backup-type daily)";
  }
  Status rec = RecordGap(work, dir, GapEntry(anchor, missing_to, first,
                                             "not on the server when the archive began"));
  if (!rec.ok()) return rec;
  return Status(ErrorKind::kGap, what);
}

}  // namespace

Result<ArchiveRunReport> ArchiveBinlogs(const ConnectionConfig& conn, const std::string& backup_dir,
                                        const std::string& anchor_file,
                                        const std::atomic<bool>* cancel) {
  ArchiveRunReport report;
  auto vars = QuerySql(conn, "SELECT @@server_id, @@log_bin");
  if (!vars.ok()) return Status(vars.status()).AddContext("Cannot ask the server for its binlog settings");
  if (vars->empty() || (*vars)[0].size() < 2) {
    return Status(ErrorKind::kProcess, "The server did not answer SELECT @@server_id, @@log_bin");
  }
  if ((*vars)[0][1] != "1") {
    return Status(ErrorKind::kConfiguration,
                  "binary logging is off on the server: [pitr] needs log_bin (and server_id) set "
                  "in the server's configuration");
  }
  report.server_id = std::strtoul((*vars)[0][0].c_str(), nullptr, 10);
  auto rows = QuerySql(conn, "SHOW BINARY LOGS");
  if (!rows.ok()) {
    return Status(rows.status()).AddContext(
        "Cannot list the server's binary logs (the [pitr] account needs BINLOG MONITOR and "
        "REPLICATION SLAVE)");
  }
  std::vector<ServerLog> logs;
  for (const auto& r : *rows) {
    if (r.size() < 2) continue;
    logs.push_back({r[0], std::strtoull(r[1].c_str(), nullptr, 10)});
  }
  if (logs.empty()) return Status(ErrorKind::kProcess, "SHOW BINARY LOGS returned no file");

  auto top = OpenTopDirectory(backup_dir);
  if (!top.ok()) return top.status();
  auto work = EnsureSubdirectory(*top, kWorkFolderName, 0750);
  if (!work.ok()) return work.status();
  auto binlog = EnsureSubdirectory(*top, kBinlogFolderName, 0750);
  if (!binlog.ok()) return binlog.status();
  auto dir = EnsureSubdirectory(*binlog, std::to_string(report.server_id), 0750);
  if (!dir.ok()) return dir.status();
  auto partial = EnsureSubdirectory(*dir, kPartialFolderName, 0750);
  if (!partial.ok()) return partial.status();
  report.archive_dir = dir->path;

  // One archiver per server: a second run (a slow one overlapping the timer) waits its turn.
  UniqueFd lock(openat(dir->get(), ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640));
  if (!lock.valid()) return ErrnoError(ErrorKind::kStorage, "open", dir->PathOf(".lock"));
  if (flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    return Status(ErrorKind::kLockTimeout, "another --archive-binlogs run holds '" +
                                               dir->PathOf(".lock") + "'; this run does nothing");
  }

  std::vector<JsonValue> raw_gaps;
  auto gaps = ReadGaps(*dir, &raw_gaps);
  if (!gaps.ok()) return gaps.status();
  report.known_gaps = *gaps;

  auto archived = ListArchived(*dir);
  if (!archived.ok()) return archived.status();
  size_t start = 0;
  std::optional<ArchivedFile> prev;
  if (!archived->empty()) {
    prev = archived->back();
    std::string want = prev->summary.next_file.empty() ? SuccessorName(prev->name)
                                                       : prev->summary.next_file;
    // A recorded gap already skips to where the archive resumed (nothing complete may have
    // been archived since): continue there, without a continuity check across the gap.
    for (const auto& g : raw_gaps) {
      if (JsonString(g, "missing_from") == want && !JsonString(g, "resumes_at").empty()) {
        want = JsonString(g, "resumes_at");
        prev.reset();
      }
    }
    auto it = std::find_if(logs.begin(), logs.end(), [&](const ServerLog& l) { return l.name == want; });
    if (it != logs.end()) {
      start = static_cast<size_t>(it - logs.begin());
    } else {
      std::string want_base, first_base;
      uint64_t want_n = 0, first_n = 0;
      bool purged = SplitBinlogName(want, &want_base, &want_n) &&
                    SplitBinlogName(logs[0].name, &first_base, &first_n) &&
                    want_base == first_base && first_n > want_n;
      if (!purged) {
        return Status(ErrorKind::kGap,
                      "gap: the archive ends with '" + archived->back().name + "' (next '" + want +
                          "'), but the server's binary logs are '" + logs.front().name +
                          "' to '" + logs.back().name +
                          "': the server was reset (RESET MASTER) or replaced. Move '" +
                          dir->path + "' aside; the next run starts a new archive, and "
                          "point-in-time recovery starts again from the next dump");
      }
      std::string last_missing = first_base + "." + logs[0].name.substr(first_base.size() + 1);
      // The name before the server's first one, same width.
      {
        std::string digits = std::to_string(first_n - 1);
        size_t width = logs[0].name.size() - first_base.size() - 1;
        if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
        last_missing = first_base + "." + digits;
      }
      Status rec = RecordGap(*work, *dir,
                             GapEntry(want, last_missing, logs[0].name,
                                      "purged by the server before they were archived"));
      if (!rec.ok()) return rec;
      report.gap = Status(ErrorKind::kGap,
                          "gap: binary logs '" + want + "' to '" + last_missing +
                              "' were purged by the server before they were archived; "
                              "the archive resumes at '" + logs[0].name +
                              "'. Point-in-time recovery into that range is impossible; it "
                              "starts again from the next dump (take one now: mysql-backup "
                              "--backup-type daily)");
      prev.reset();
      start = 0;
    }
  } else if (!anchor_file.empty()) {
    // A new archive starts with everything the server still has; that must reach back to the
    // newest dump's position, or recovery from that dump is impossible from the start.
    Status anchored = CheckNewArchiveAnchor(*work, *dir, anchor_file, logs.front().name,
                                            logs.back().name);
    if (!anchored.ok() && anchored.kind() != ErrorKind::kGap) return anchored;
    report.gap = anchored;
  }

  auto fetch = FetchFolder::Create(*work, "binlog-fetch." + std::to_string(report.server_id));
  if (!fetch.ok()) return fetch.status();
  Status s = FetchBinlogs(conn, logs[start].name, (*fetch)->dir());
  if (!s.ok()) return s;

  BinlogSummary prev_summary;
  std::string prev_name;
  if (prev) {
    prev_summary = prev->summary;
    prev_name = prev->name;
  }
  for (size_t i = start; i < logs.size(); ++i) {
    if (cancel != nullptr && cancel->load()) {
      return Status(ErrorKind::kProcess, "Interrupted by a signal");
    }
    const std::string& name = logs[i].name;
    bool active = i + 1 == logs.size();
    auto fd = OpenRegularFileAt((*fetch)->dir(), name, ErrorKind::kProcess, ErrorKind::kStorage);
    if (!fd.ok()) {
      return Status(fd.status()).AddContext("mariadb-binlog did not copy '" + name + "'");
    }
    std::string fetched_path = (*fetch)->dir().PathOf(name);
    BinlogReader reader;
    Status rs = StreamFile(fd->get(), fetched_path, &reader, nullptr);
    auto summary = rs.ok() ? reader.Finish() : Result<BinlogSummary>(rs);
    if (!summary.ok()) {
      return Status(summary.status()).AddContext("The copy of '" + name + "' is not usable");
    }
    if (active) {
      s = Publish(*work, *partial, fd->get(), fetched_path, name, report.server_id, false, *summary);
      if (!s.ok()) return Status(s).AddContext("Cannot refresh the partial copy of '" + name + "'");
      report.partial = name;
      break;
    }
    if (!summary->complete()) {
      return Status(ErrorKind::kIntegrity,
                    "'" + name + "' does not end in a Rotate or Stop event although the server "
                    "has moved on to '" + logs[i + 1].name + "' (a crash of the server?); it is "
                    "not archived");
    }
    if (summary->size != logs[i].size) {
      return Status(ErrorKind::kIntegrity, "the copy of '" + name + "' has " +
                                               std::to_string(summary->size) +
                                               " bytes, SHOW BINARY LOGS says " +
                                               std::to_string(logs[i].size));
    }
    if (summary->stopped ? false : summary->next_file != logs[i + 1].name) {
      return Status(ErrorKind::kGap, "gap: '" + name + "' rotates to '" + summary->next_file +
                                         "', but the server's next file is '" +
                                         logs[i + 1].name + "'");
    }
    if (!prev_name.empty()) {
      Status f = CheckFollowsOn(prev_name, prev_summary, name, *summary);
      if (!f.ok()) return Status(f).AddContext("gap");
    }
    s = Publish(*work, *dir, fd->get(), fetched_path, name, report.server_id, true, *summary);
    if (!s.ok()) return Status(s).AddContext("Cannot archive '" + name + "'");
    report.published.push_back(name);
    prev_name = name;
    prev_summary = *summary;
  }

  // Older partial copies: their file is archived now (or gone).
  auto partial_names = ListDirectory(*partial);
  if (partial_names.ok()) {
    for (const auto& n : *partial_names) {
      if (!report.partial.empty() && n.rfind(report.partial + ".", 0) == 0) continue;
      if (!IsOurPartialFile(*partial, n)) continue;
      unlinkat(partial->get(), n.c_str(), 0);
    }
    (void)FsyncDir(*partial);
  }
  return report;
}

Result<std::vector<Status>> VerifyBinlogArchive(const std::string& backup_dir,
                                                std::vector<std::string>* checked) {
  std::vector<Status> problems;
  auto archives = ReadArchiveIndex(backup_dir);
  if (!archives.ok()) return archives.status();
  for (const auto& archive : *archives) {
    // Entries that are not ours count as checked (and failed), under their folder's name.
    for (const auto& p : archive.problems) {
      problems.push_back(p);
      checked->push_back(archive.dir.path);
    }
    const DirFd& d = archive.dir;
    std::string prev_name;
    BinlogSummary prev;
    for (const auto& a : archive.files) {
      std::string path = d.PathOf(a.name + kArchiveSuffix);
      checked->push_back(path);
      auto summary = ReadArchivedBinlog(d, a.name);
      Status s = summary.ok() ? Status::Ok() : summary.status();
      if (s.ok() && !summary->complete()) {
        s = Status(ErrorKind::kIntegrity, "'" + path + "' does not end in a Rotate or Stop event");
      } else if (s.ok() && summary->next_file != a.next_file) {
        s = Status(ErrorKind::kIntegrity, "'" + path + "' rotates to '" + summary->next_file +
                                              "', its sidecar says '" + a.next_file + "'");
      } else if (s.ok() && !prev_name.empty()) {
        bool gap_recorded = false;
        for (const auto& g : archive.gaps) gap_recorded |= g.resumes_at == a.name;
        if (!gap_recorded) {
          s = CheckFollowsOn(prev_name, prev, a.name, *summary);
          if (!s.ok()) s = Status(s).AddContext("'" + path + "'");
        }
      }
      if (!s.ok()) {
        problems.push_back(s);
        prev_name.clear();
        continue;
      }
      prev_name = a.name;
      prev = *summary;
    }
  }
  return problems;
}

}  // namespace mysql_backup
