#include "cli/cleanup_action.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "cli/backup_action.h"
#include "journal/message_ids.h"
#include "retention/retention.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

void Say(const RunContext& ctx, const std::string& line) {
  // The list of deletions is the command's output: stdout, and the log.
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  ctx.logger.Info(line);
}

}  // namespace

Status RunCleanupLocked(const RunContext& ctx, const std::set<std::string>& keep) {
  const Config& config = ctx.config;
  const std::string& backup_dir = config.backup.backup_dir;
  bool dry = ctx.options.dry_run;
  auto backups = ListBackups(backup_dir);
  if (!backups.ok()) return backups.status();
  RetentionCounts counts{config.backup.daily_retention, config.backup.weekly_retention,
                         config.backup.monthly_retention};
  std::set<std::string> protect = keep;
  std::vector<BackupFile> doomed = SelectForDeletion(*backups, config.database_name, counts, protect);

  for (const auto& b : *backups) {
    if (b.name.database == config.database_name && !b.has_checksum) {
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
    // The backup first: a crash in between leaves an orphan .sha256, which is removed below
    // next time, never a backup that lost its checksum.
    if (unlink(b.path.c_str()) != 0 && errno != ENOENT) {
      Status s = ErrnoError(ErrorKind::kStorage, "delete", b.path);
      ctx.logger.Error(s.ToString());
      if (first_error.ok()) first_error = s;
      continue;
    }
    if (unlink(b.checksum_path.c_str()) != 0 && errno != ENOENT) {
      ctx.logger.Warning("Failed to remove '" + b.checksum_path + "', ignoring: " +
                         std::strerror(errno));
    }
    freed += b.size;
    ++deleted;
    Say(ctx, "Deleted '" + b.path + "' (" + HumanSize(b.size) + ")");
  }
  auto orphans = ListOrphanChecksums(backup_dir);
  if (orphans.ok()) {
    for (const auto& path : *orphans) {
      auto parsed = ParseBackupFileName(BaseName(path.substr(0, path.size() - 7)));
      if (!parsed || parsed->database != config.database_name) continue;
      if (dry) {
        Say(ctx, "Would delete '" + path + "' (its backup is gone)");
      } else if (unlink(path.c_str()) == 0) {
        Say(ctx, "Deleted '" + path + "' (its backup is gone)");
      }
    }
  }
  if (!dry) {
    for (BackupType t : kAllBackupTypes) {
      std::string dir = TypeDirectory(backup_dir, t);
      if (access(dir.c_str(), F_OK) == 0) FsyncDirectory(dir).ok();
    }
  }
  std::string summary =
      dry ? "Cleanup (dry run): would delete " + std::to_string(deleted) + " backup(s), freeing " +
                HumanSize(freed)
          : "Cleanup: deleted " + std::to_string(deleted) + " backup(s), freed " + HumanSize(freed);
  std::printf("%s\n", summary.c_str());
  ctx.logger.Log(Priority::kNotice, summary,
                 {{"MESSAGE_ID", kMessageCleanupDone},
                  {"CLEANUP_DELETED", std::to_string(deleted)},
                  {"CLEANUP_FREED_BYTES", std::to_string(freed)},
                  {"CLEANUP_DRY_RUN", dry ? "1" : "0"}});
  return first_error;
}

Status RunCleanupAction(const RunContext& ctx) {
  const std::string& backup_dir = ctx.config.backup.backup_dir;
  Status s = CheckBackupDirectory(backup_dir);
  if (!s.ok()) return s;
  auto lock = DirectoryLock::Acquire(LockPath(backup_dir), ctx.config.backup.lock_timeout_sec, [&] {
    ctx.logger.Info("Waiting for another mysql-backup run to release '" + LockPath(backup_dir) +
                    "'");
  });
  if (!lock.ok()) return lock.status();
  if (!ctx.options.dry_run) {
    auto debris = ClearWorkDirectory(backup_dir);
    if (debris.ok()) {
      for (const auto& n : *debris) ctx.logger.Info("Removed '" + n + "' left in .tmp/");
    }
  }
  return RunCleanupLocked(ctx);
}

}  // namespace mysql_backup
