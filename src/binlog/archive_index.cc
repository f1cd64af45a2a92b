#include "binlog/archive_index.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <cerrno>
#include <set>

#include "binlog/archive.h"
#include "codec/compressor.h"
#include "codec/sha256.h"
#include "dump/verify.h"
#include "storage/backup_name.h"

namespace mysql_backup {

namespace {

// The binlog name a file in the archive folder belongs to ("mysql-bin.000012.gz.sha256" ->
// "mysql-bin.000012"), or "" for anything else.
std::string BinlogNameOf(const std::string& file, std::string* suffix) {
  for (const char* s : {".gz.sha256", ".gz", ".json"}) {
    std::string_view sv(s);
    if (file.size() > sv.size() && file.ends_with(sv)) {
      std::string name = file.substr(0, file.size() - sv.size());
      std::string base;
      uint64_t n = 0;
      if (!SplitBinlogName(name, &base, &n)) return "";
      *suffix = s;
      return name;
    }
  }
  return "";
}

}  // namespace

namespace {

// Problems with data files under our names: anything but a regular file is not ours (a link
// would point out of the folder, a FIFO would block a reader, a folder cannot be a file).
// Returns the entry's stat when it is a regular file.
std::optional<struct stat> CheckDataEntry(const DirFd& dir, const std::string& entry,
                                          const std::string& name, std::vector<Status>* problems,
                                          std::set<std::string>* tainted) {
  auto st = StatAt(dir, entry);
  if (!st.ok()) {
    problems->push_back(st.status());
    tainted->insert(name);
    return std::nullopt;
  }
  if (st->has_value() && !S_ISREG((**st).st_mode)) {
    problems->push_back(Status(ErrorKind::kIntegrity,
                               "'" + dir.PathOf(entry) + "' is " + KindOf((**st).st_mode) +
                                   ", not a file the archiver writes; mysql-backup neither "
                                   "reads nor deletes it: move it out of '" + dir.path + "'"));
    tainted->insert(name);
    return std::nullopt;
  }
  return *st;
}

}  // namespace

Status ServerEntryProblem(const DirFd& binlog, const std::string& name, mode_t mode) {
  if (S_ISDIR(mode)) return Status::Ok();
  bool server_id = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
  if (!S_ISLNK(mode) && !server_id) return Status::Ok();  // someone's notes: not our business
  return Status(ErrorKind::kIntegrity,
                "'" + binlog.PathOf(name) + "' is " + KindOf(mode) +
                    " where a server's archive folder belongs; mysql-backup neither follows nor "
                    "deletes it: move it out of '" + binlog.path + "'");
}

Result<ServerArchive> ReadServerArchive(const DirFd& binlog, const std::string& server) {
  ServerArchive a;
  a.server = server;
  auto dir = OpenSubdirectory(binlog, server);
  if (!dir.ok()) return dir.status();
  if (!dir->has_value()) return ErrnoError(ErrorKind::kStorage, "open", binlog.PathOf(server), ENOENT);
  a.dir = std::move(**dir);
  auto names = ListDirectory(a.dir);
  if (!names.ok()) return names.status();
  std::set<std::string> sidecars, data, tainted;
  for (const auto& n : *names) {
    std::string suffix;
    std::string name = BinlogNameOf(n, &suffix);
    if (name.empty()) continue;
    if (suffix == ".json") {
      sidecars.insert(name);
    } else {
      data.insert(name);
      (void)CheckDataEntry(a.dir, n, name, &a.problems, &tainted);
    }
  }
  for (const auto& name : sidecars) {
    auto f = ReadSidecar(a.dir, name, false);
    if (!f.ok()) {
      a.problems.push_back(f.status());
      tainted.insert(name);
      continue;
    }
    if (!tainted.count(name)) a.files.push_back(std::move(*f));
  }
  std::sort(a.files.begin(), a.files.end(), [](const ArchivedBinlog& x, const ArchivedBinlog& y) {
    return x.base != y.base ? x.base < y.base : x.number < y.number;
  });
  for (const auto& name : data) {
    if (!sidecars.count(name) && !tainted.count(name)) a.unpublished.push_back(name);
  }

  auto partial = OpenSubdirectory(a.dir, kPartialFolderName);
  if (!partial.ok()) {
    a.problems.push_back(partial.status());
  } else if (partial->has_value()) {
    auto pnames = ListDirectory(**partial);
    if (!pnames.ok()) return pnames.status();
    std::set<std::string> ptainted;
    for (const auto& n : *pnames) {
      std::string suffix;
      std::string name = BinlogNameOf(n, &suffix);
      if (name.empty() || suffix == ".json") continue;
      auto st = CheckDataEntry(**partial, n, name, &a.problems, &ptainted);
      if (suffix == ".gz" && st.has_value()) {
        a.partial_data_mtime = std::max(a.partial_data_mtime, st->st_mtime);
      }
    }
    for (const auto& n : *pnames) {
      std::string suffix;
      std::string name = BinlogNameOf(n, &suffix);
      if (name.empty() || suffix != ".json") continue;
      auto f = ReadSidecar(**partial, name, true);
      if (!f.ok()) {
        a.problems.push_back(f.status());
        continue;
      }
      if (ptainted.count(name)) continue;
      if (!a.partial || f->number > a.partial->number) a.partial = std::move(*f);
    }
  }

  auto gaps = ReadGapsFile(a.dir);
  if (gaps.ok()) {
    a.gaps = std::move(*gaps);
  } else {
    a.problems.push_back(gaps.status());
  }
  return a;
}

Status ArchiveProblems(const ServerArchive& archive) {
  std::string list;
  for (const auto& p : archive.problems) list += (list.empty() ? "" : " | ") + p.ToString();
  return Status(ErrorKind::kIntegrity, "the binlog archive '" + archive.dir.path + "' holds " +
                                           std::to_string(archive.problems.size()) +
                                           " entr" + (archive.problems.size() == 1 ? "y" : "ies") +
                                           " that mysql-backup did not write: " + list);
}

bool SameSeries(const std::string& a, const std::string& b) {
  std::string base_a, base_b;
  uint64_t n = 0;
  return SplitBinlogName(a, &base_a, &n) && SplitBinlogName(b, &base_b, &n) && base_a == base_b;
}

Result<std::optional<DirFd>> OpenBinlogFolder(const std::string& backup_dir) {
  auto top = OpenTopDirectory(backup_dir);
  if (!top.ok()) return top.status();
  return OpenSubdirectory(*top, kBinlogFolderName);
}

Result<std::vector<ServerArchive>> ReadServerArchives(const DirFd& binlog) {
  std::vector<ServerArchive> out;
  auto servers = ListDirectory(binlog);
  if (!servers.ok()) return servers.status();
  for (const auto& server : *servers) {
    if (server.empty() || server[0] == '.') continue;
    auto st = StatAt(binlog, server);
    if (!st.ok()) return st.status();
    if (!st->has_value()) continue;
    if (Status bad = ServerEntryProblem(binlog, server, (**st).st_mode); !bad.ok()) {
      // Listed, never opened: its folder stays closed, so nothing reads or deletes through it.
      ServerArchive a;
      a.server = server;
      a.dir.path = binlog.PathOf(server);
      a.problems.push_back(bad);
      out.push_back(std::move(a));
      continue;
    }
    if (!S_ISDIR((**st).st_mode)) continue;
    auto a = ReadServerArchive(binlog, server);
    if (!a.ok()) return a.status();
    out.push_back(std::move(*a));
  }
  return out;
}

Result<std::vector<ServerArchive>> ReadArchiveIndex(const std::string& backup_dir) {
  auto binlog = OpenBinlogFolder(backup_dir);
  if (!binlog.ok()) return binlog.status();
  if (!binlog->has_value()) return std::vector<ServerArchive>();
  return ReadServerArchives(**binlog);
}

Result<BinlogSummary> ReadArchivedBinlog(const DirFd& dir, const std::string& name) {
  std::string gz = name + ".gz";
  std::string path = dir.PathOf(gz);
  auto want_sha = ReadChecksumFileAt(dir, gz + kChecksumSuffix, gz);
  if (!want_sha.ok()) return Status(want_sha.status()).AddContext("'" + path + "'");
  auto fd = OpenRegularFileAt(dir, gz, ErrorKind::kIntegrity, ErrorKind::kIntegrity);
  if (!fd.ok()) return Status(fd.status()).AddContext("'" + path + "'");
  BinlogReader reader;
  Sha256 hash;
  auto decompressor = MakeDecompressor(Compression::kGzip, &reader);
  std::vector<uint8_t> buf(256 * 1024);
  Status s;
  for (;;) {
    ssize_t n = read(fd->get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", path);
    if (n == 0) break;
    hash.Update({buf.data(), static_cast<size_t>(n)});
    // After a decode error the rest is still hashed: a checksum mismatch, when there is one,
    // says more than the decode error it likely caused.
    if (s.ok()) s = decompressor->Write({buf.data(), static_cast<size_t>(n)});
  }
  if (s.ok()) s = decompressor->Finish();
  std::string sha = hash.FinishHex();
  if (sha != *want_sha) {
    return Status(ErrorKind::kIntegrity,
                  "'" + path + "': SHA-256 is " + sha + ", its .sha256 says " + *want_sha);
  }
  auto summary = s.ok() ? reader.Finish() : Result<BinlogSummary>(s);
  if (!summary.ok()) {
    Status e = summary.status();
    if (e.kind() != ErrorKind::kStorage) e = Status(ErrorKind::kIntegrity, e.message());
    return e.AddContext("'" + path + "'");
  }
  return summary;
}

}  // namespace mysql_backup
