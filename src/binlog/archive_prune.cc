#include "binlog/archive_prune.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "binlog/archive_index.h"
#include "binlog/binlog_retention.h"
#include "storage/backup_name.h"
#include "util/unique_fd.h"

namespace mysql_backup {

namespace {

uint64_t SizeAt(const DirFd& dir, const std::string& name) {
  auto st = StatAt(dir, name);
  return st.ok() && st->has_value() ? static_cast<uint64_t>((**st).st_size) : 0;
}

// Removes `name` when it is a regular file (gone already: fine). The reader left out entries
// that are not, but a name can change between that look and this one; unlinkat never follows
// a link, so the worst a swap can do is remove a link of ours from our own folder.
Status UnlinkAt(const DirFd& dir, const std::string& name) {
  auto st = StatAt(dir, name);
  if (!st.ok()) return st.status();
  if (!st->has_value()) return Status::Ok();
  if (!S_ISREG((**st).st_mode)) {
    return Status(ErrorKind::kStorage, "'" + dir.PathOf(name) + "' is " +
                                           KindOf((**st).st_mode) +
                                           ", not a file the archiver writes; left alone");
  }
  if (unlinkat(dir.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoError(ErrorKind::kStorage, "delete", dir.PathOf(name));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<ArchivePruneReport>> PruneBinlogArchive(const std::string& backup_dir,
                                                           const std::vector<std::string>& needed,
                                                           bool dry_run) {
  std::vector<ArchivePruneReport> out;
  auto binlog = OpenBinlogFolder(backup_dir);
  if (!binlog.ok()) return binlog.status();
  if (!binlog->has_value()) return out;
  auto servers = ListDirectory(**binlog);
  if (!servers.ok()) return servers.status();
  for (const auto& server : *servers) {
    if (server.empty() || server[0] == '.') continue;
    auto st = StatAt(**binlog, server);
    if (!st.ok()) return st.status();
    if (!st->has_value()) continue;
    ArchivePruneReport report;
    report.archive_dir = (*binlog)->PathOf(server);
    if (Status bad = ServerEntryProblem(**binlog, server, (**st).st_mode); !bad.ok()) {
      report.warnings.push_back(bad);
      out.push_back(std::move(report));
      continue;
    }
    if (!S_ISDIR((**st).st_mode)) continue;
    // The archiver's lock: while it runs, its view of the archive (the newest sidecar) must not
    // change under it. It never waits for the lock, so neither does the cleanup.
    UniqueFd lock;
    if (!dry_run) {
      auto dir = OpenSubdirectory(**binlog, server);
      if (!dir.ok()) return dir.status();
      if (!dir->has_value()) continue;
      lock = UniqueFd(openat((*dir)->get(), ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640));
      if (!lock.valid()) return ErrnoError(ErrorKind::kStorage, "open", (*dir)->PathOf(".lock"));
      if (flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
        report.notes.push_back("an --archive-binlogs run holds '" + (*dir)->PathOf(".lock") +
                               "'; its archived binary logs are left for the next cleanup");
        out.push_back(std::move(report));
        continue;
      }
    }
    auto archive = ReadServerArchive(**binlog, server);
    if (!archive.ok()) return archive.status();
    std::vector<std::string> archived;
    for (const auto& f : archive->files) archived.push_back(f.name);
    BinlogPrunePlan plan = PlanBinlogPrune(archived, archive->unpublished, needed);
    report.warnings = archive->problems;
    report.anchors = plan.anchors;
    report.notes = plan.kept_because;
    const DirFd& dir = archive->dir;
    std::vector<PrunedBinlog> doomed;
    for (const auto& name : plan.to_delete) {
      PrunedBinlog p;
      p.path = dir.PathOf(name + ".gz");
      p.size = SizeAt(dir, name + ".gz");
      auto sidecar = StatAt(dir, name + ".json");
      p.archived = sidecar.ok() && sidecar->has_value();
      doomed.push_back(p);
    }
    if (dry_run) {
      report.deleted = std::move(doomed);
      out.push_back(std::move(report));
      continue;
    }
    // Sidecars first, made durable, before any data goes (see the header).
    std::vector<bool> unpublished(doomed.size(), false);
    for (size_t i = 0; i < doomed.size(); ++i) {
      Status s = UnlinkAt(dir, plan.to_delete[i] + ".json");
      if (!s.ok()) {
        report.errors.push_back(s);
        continue;
      }
      unpublished[i] = true;
    }
    Status synced = FsyncDir(dir);
    if (!synced.ok()) {
      report.errors.push_back(synced);
      out.push_back(std::move(report));
      continue;
    }
    for (size_t i = 0; i < doomed.size(); ++i) {
      if (!unpublished[i]) continue;
      const std::string& name = plan.to_delete[i];
      Status s = UnlinkAt(dir, name + ".gz" + kChecksumSuffix);
      if (s.ok()) s = UnlinkAt(dir, name + ".gz");
      if (!s.ok()) {
        report.errors.push_back(s);
        continue;
      }
      report.deleted.push_back(doomed[i]);
    }
    synced = FsyncDir(dir);
    if (!synced.ok()) report.errors.push_back(synced);
    out.push_back(std::move(report));
  }
  return out;
}

}  // namespace mysql_backup
