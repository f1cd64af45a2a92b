#include "cli/cleanup_action.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "binlog/archive_index.h"
#include "binlog/archive_prune.h"
#include "binlog/dump_position.h"
#include "cli/backup_action.h"
#include "cli/output.h"
#include "dump/manifest_io.h"
#include "journal/message_ids.h"
#include "retention/retention.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

void Say(const RunContext& ctx, const std::string& line) {
  // The list of deletions is the command's output: stdout, and the log.
  PrintResultLine(line);
  ctx.logger.Info(line);
}

// The series of backups this configuration's retention applies to. With `databases = *` that
// is every database with backups in backup_dir (the config means the whole server); with a name
// or a list, only those names, so two configurations sharing a backup_dir never apply their
// counts to each other's backups.
struct Series {
  BackupKind kind;
  std::string database;
  bool operator<(const Series& o) const {
    return kind != o.kind ? kind < o.kind : database < o.database;
  }
};

std::set<Series> ManagedSeries(const Config& config, const std::vector<BackupFile>& backups) {
  std::set<Series> out;
  if (config.selection.mode == DatabaseSelection::Mode::kAll) {
    for (const auto& b : backups) {
      if (b.name.kind == BackupKind::kDatabase) out.insert({BackupKind::kDatabase, b.name.database});
    }
  } else {
    for (const auto& n : config.selection.names) out.insert({BackupKind::kDatabase, n});
  }
  if (config.accounts) out.insert({BackupKind::kAccounts, ""});
  return out;
}

bool Managed(const std::set<Series>& series, const BackupName& name) {
  return series.count({name.kind, name.kind == BackupKind::kAccounts ? "" : name.database}) != 0;
}

// The binlog files that the kept backups' runs need for point-in-time recovery: where each run
// with a backup left would start its replay (binlog/dump_position.h). Nullopt (with `why`) when
// a kept run's manifest cannot be read, or records positions that do not make a start: what it
// needs is then unknown, and no archived binlog may go. A run that records none needs none.
std::optional<std::vector<std::string>> NeededBinlogFiles(BackupDirectory& dir,
                                                          const std::vector<BackupFile>& kept,
                                                          std::string* why) {
  std::vector<std::string> out;
  std::set<std::pair<BackupType, std::time_t>> runs;
  for (const auto& b : kept) runs.insert({b.name.type, b.name.created});
  auto manifests = ListManifests(dir);
  if (!manifests.ok()) {
    *why = manifests.status().ToString();
    return std::nullopt;
  }
  for (const auto& m : *manifests) {
    if (!runs.count({m.type, m.stamp})) continue;
    auto read = ReadManifest(dir, m);
    if (!read.ok()) {
      *why = read.status().ToString();
      return std::nullopt;
    }
    ReplayStart start = ReplayStartOf(*read);
    if (start.partly_recorded) {
      *why = "'" + m.path + "': " + start.why_not;
      return std::nullopt;
    }
    if (start.position) out.push_back(start.position->file);
  }
  return out;
}

// The binlog archive's half of the cleanup (see binlog/archive_prune.h).
Status PruneArchivedBinlogs(const RunContext& ctx, BackupDirectory& dir,
                            const std::vector<BackupFile>& kept) {
  bool dry = ctx.options.dry_run;
  auto binlog = OpenBinlogFolder(dir.path());
  if (!binlog.ok()) return binlog.status();
  if (!binlog->has_value()) return Status::Ok();
  std::string why;
  auto needed = NeededBinlogFiles(dir, kept, &why);
  if (!needed) {
    ctx.logger.Warning("Archived binary logs are all kept: what a kept backup's run needs is "
                       "unknown (its manifest cannot be read, or its positions make no start): " +
                       why);
    return Status::Ok();
  }
  auto reports = PruneBinlogArchive(dir.path(), *needed, dry);
  if (!reports.ok()) return reports.status();
  Status first_error;
  for (const auto& r : *reports) {
    for (const auto& note : r.notes) Say(ctx, "Binlog archive '" + r.archive_dir + "': " + note);
    for (const auto& w : r.warnings) {
      ctx.logger.Warning("Binlog archive: left alone: " + w.ToString());
    }
    uint64_t freed = 0;
    for (const auto& p : r.deleted) {
      std::string what = p.archived ? "" : ", not archived: left by an interrupted run";
      Say(ctx, std::string(dry ? "Would delete '" : "Deleted '") + p.path + "' (" +
                   HumanSize(p.size) + what + ")");
      freed += p.size;
    }
    for (const auto& e : r.errors) {
      ctx.logger.Error(e.ToString());
      if (first_error.ok()) first_error = e;
    }
    std::string anchors;
    for (const auto& a : r.anchors) anchors += (anchors.empty() ? "'" : ", '") + a + "'";
    std::string line = "Binlog archive '" + r.archive_dir + "': " +
                       (dry ? "would delete " : "deleted ") + std::to_string(r.deleted.size()) +
                       " binary log(s) (" + HumanSize(freed) + ")" +
                       (anchors.empty() ? std::string()
                                        : ", keeping " + anchors +
                                              " (the oldest kept dump's position) and later");
    PrintResultLine(line);
    ctx.logger.Info(line);
  }
  return first_error;
}

// The manifests in the type folders, as (type, stamp); none when they cannot be listed.
std::vector<ManifestRef> ManifestRefs(BackupDirectory& dir) {
  std::vector<ManifestRef> out;
  auto manifests = ListManifests(dir);
  if (!manifests.ok()) return out;
  for (const auto& m : *manifests) out.push_back({m.type, m.stamp});
  return out;
}

}  // namespace

// Under `databases = *`, a database with backups that the newest run no longer took (dropped
// from the server, or excluded since) is said once per cleanup: retention still keeps its
// newest backups of each type (counts are at least 1), so it never goes to zero.
void ReportRetiredDatabases(const RunContext& ctx, const std::vector<BackupFile>& backups,
                            const std::set<Series>& series) {
  if (ctx.config.selection.mode != DatabaseSelection::Mode::kAll) return;
  std::time_t newest_run = 0;
  for (const auto& b : backups) newest_run = std::max(newest_run, b.name.created);
  std::set<std::string> in_newest, retired;
  for (const auto& b : backups) {
    if (b.name.created == newest_run) in_newest.insert(b.name.database);
  }
  for (const auto& s : series) {
    if (s.kind == BackupKind::kDatabase && !in_newest.count(s.database)) retired.insert(s.database);
  }
  for (const auto& db : retired) {
    ctx.logger.Info("Database '" + db + "' is not in the newest run (dropped or excluded); its "
                    "newest backups are kept");
  }
}

Status RunCleanupLocked(const RunContext& ctx, BackupDirectory& dir,
                        const std::set<std::string>& keep) {
  const Config& config = ctx.config;
  bool dry = ctx.options.dry_run;
  auto backups = dir.ListBackups();
  if (!backups.ok()) return backups.status();
  RetentionCounts counts{config.backup.daily_retention, config.backup.weekly_retention,
                         config.backup.monthly_retention};
  std::set<Series> series = ManagedSeries(config, *backups);
  std::vector<BackupFile> doomed;
  for (const auto& one : series) {
    auto more = SelectForDeletion(*backups, one.database, counts, keep, one.kind);
    doomed.insert(doomed.end(), more.begin(), more.end());
  }
  std::stable_sort(doomed.begin(), doomed.end(), [](const BackupFile& a, const BackupFile& b) {
    return a.name.created < b.name.created;
  });
  ReportRetiredDatabases(ctx, *backups, series);

  for (const auto& b : *backups) {
    if (Managed(series, b.name) && !b.has_checksum) {
      ctx.logger.Warning("'" + b.path + "' has no .sha256 file; it cannot be verified (it still "
                         "counts for retention)");
    }
  }

  uint64_t freed = 0;
  int deleted = 0;
  Status first_error;
  for (const auto& b : doomed) {
    if (dry) {
      Say(ctx, "Would delete '" + b.path + "' (" + HumanSize(b.size) + ")");
      freed += b.size;
      ++deleted;
      continue;
    }
    // Relative to the folder ListBackups() opened: a type folder swapped for a link since then
    // is not followed.
    auto folder = dir.TypeFolder(b.name.type);
    if (!folder.ok() || *folder == nullptr) {
      Status s = folder.ok() ? ErrnoError(ErrorKind::kStorage, "delete", b.path, ENOENT)
                             : folder.status();
      ctx.logger.Error(s.ToString());
      if (first_error.ok()) first_error = s;
      continue;
    }
    int folder_fd = (*folder)->get();
    std::string checksum_name = b.file_name + kChecksumSuffix;
    // The backup first: a crash in between leaves an orphan .sha256, which is removed below
    // next time, never a backup that lost its checksum.
    if (unlinkat(folder_fd, b.file_name.c_str(), 0) != 0 && errno != ENOENT) {
      Status s = ErrnoError(ErrorKind::kStorage, "delete", b.path);
      ctx.logger.Error(s.ToString());
      if (first_error.ok()) first_error = s;
      continue;
    }
    if (unlinkat(folder_fd, checksum_name.c_str(), 0) != 0 && errno != ENOENT) {
      ctx.logger.Warning("Failed to remove '" + b.checksum_path + "', ignoring: " +
                         std::strerror(errno));
    }
    freed += b.size;
    ++deleted;
    Say(ctx, "Deleted '" + b.path + "' (" + HumanSize(b.size) + ")");
  }
  auto orphans = dir.ListOrphanChecksums();
  if (orphans.ok()) {
    for (const auto& orphan : *orphans) {
      const std::string& n = orphan.file_name;
      auto parsed = ParseBackupFileName(n.substr(0, n.size() - std::strlen(kChecksumSuffix)));
      if (!parsed || !Managed(series, *parsed)) continue;
      auto folder = dir.TypeFolder(orphan.type);
      if (!folder.ok() || *folder == nullptr) continue;
      if (dry) {
        Say(ctx, "Would delete '" + orphan.path + "' (its backup is gone)");
      } else if (unlinkat((*folder)->get(), n.c_str(), 0) == 0) {
        Say(ctx, "Deleted '" + orphan.path + "' (its backup is gone)");
      }
    }
  }
  // A run's manifest goes with the last of its backups (of any configuration sharing the
  // folder: a manifest whose run still has a file stays).
  std::vector<BackupFile> remaining;
  std::set<std::string> doomed_paths;
  for (const auto& b : doomed) doomed_paths.insert(b.path);
  for (const auto& b : *backups) {
    if (!doomed_paths.count(b.path)) remaining.push_back(b);
  }
  for (const auto& m : OrphanManifests(ManifestRefs(dir), remaining)) {
    auto folder = dir.TypeFolder(m.type);
    if (!folder.ok() || *folder == nullptr) continue;
    std::string name = ManifestFileName(m.type, m.created);
    std::string path = (*folder)->PathOf(name);
    if (keep.count(path)) continue;
    if (dry) {
      Say(ctx, "Would delete '" + path + "' (no backup of its run is left)");
      continue;
    }
    if (unlinkat((*folder)->get(), name.c_str(), 0) == 0 || errno == ENOENT) {
      unlinkat((*folder)->get(), (name + kChecksumSuffix).c_str(), 0);
      Say(ctx, "Deleted '" + path + "' (no backup of its run is left)");
    } else {
      ctx.logger.Warning("Failed to remove '" + path + "', ignoring: " + std::strerror(errno));
    }
  }
  Status pruned = PruneArchivedBinlogs(ctx, dir, remaining);
  if (!pruned.ok()) {
    ctx.logger.Error(pruned.ToString());
    if (first_error.ok()) first_error = pruned;
  }
  if (!dry) {
    for (BackupType t : kAllBackupTypes) {
      auto folder = dir.TypeFolder(t);
      if (folder.ok() && *folder != nullptr) FsyncDir(**folder).ok();
    }
  }
  std::string summary =
      dry ? "Cleanup (dry run): would delete " + std::to_string(deleted) + " backup(s), freeing " +
                HumanSize(freed)
          : "Cleanup: deleted " + std::to_string(deleted) + " backup(s), freed " + HumanSize(freed);
  PrintResultLine(summary);
  ctx.logger.Log(Priority::kNotice, summary,
                 {{"MESSAGE_ID", kMessageCleanupDone},
                  {"CLEANUP_DELETED", std::to_string(deleted)},
                  {"CLEANUP_FREED_BYTES", std::to_string(freed)},
                  {"CLEANUP_DRY_RUN", dry ? "1" : "0"}});
  return first_error;
}

Status RunCleanupAction(const RunContext& ctx) {
  bool dry = ctx.options.dry_run;
  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  if (!dir.ok()) return dir.status();
  // A dry run only reads: it works in a read-only backup_dir, and waits only for a writer.
  if (!dry) {
    Status s = dir->RequireWritable();
    if (!s.ok()) return s;
  }
  auto lock = DirectoryLock::Acquire(
      *dir, dry ? LockMode::kShared : LockMode::kExclusive, ctx.config.backup.lock_timeout_sec,
      [&] {
        ctx.logger.Info("Waiting for another mysql-backup run to release '" +
                        LockPath(dir->path()) + "'");
      });
  if (!lock.ok()) return lock.status();
  if (!lock->held()) {
    ctx.logger.Info("The dry run goes on without the lock: '" + LockPath(dir->path()) +
                    "' is missing in a read-only backup_dir, or not readable by this user");
  }
  if (!dry) {
    // A link where .tmp belongs stops the cleanup before it deletes anything.
    auto debris = dir->ClearWorkFolder();
    if (!debris.ok()) return debris.status();
    for (const auto& n : *debris) ctx.logger.Info("Removed '" + n + "' left in .tmp/");
  }
  return RunCleanupLocked(ctx, *dir);
}

}  // namespace mysql_backup
