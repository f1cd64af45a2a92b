#include "cli/restore_action.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "cli/backup_action.h"
#include "cli/inspect_actions.h"
#include "cli/offsite_action.h"
#include "cli/output.h"
#include "cli/pitr_restore.h"
#include "cli/progress_line.h"
#include "cli/server_restore.h"
#include "dump/load_check.h"
#include "dump/verify.h"
#include "restore/restore_stream.h"
#include "mysql/server_catalog.h"
#include "mysql/sql_client.h"
#include "storage/backup_dir.h"
#include "storage/backup_name.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

// Progress on a terminal only: a log or a journal does not want carriage returns.
std::function<void(uint64_t, uint64_t)> TerminalProgress() {
  auto line = std::make_shared<ProgressLine>(STDOUT_FILENO);
  if (!line->active()) return nullptr;
  std::fflush(stdout);  // what printf holds goes before the line
  return [line](uint64_t read, uint64_t total) {
    int pct = total ? static_cast<int>(read * 100 / total) : 0;
    char text[32];
    std::snprintf(text, sizeof text, "Restoring: %3d%%", pct);
    line->Show(std::string(text) + " (" + HumanSize(read) + " of " + HumanSize(total) + ")",
               read >= total);
    if (read >= total) line->Finish();
  };
}

}  // namespace

GuardSettings RestoreGuardSettings(const std::string& path, const std::string& target) {
  GuardSettings settings;
  settings.target = target;
  if (auto name = ParseBackupFileName(BaseName(path))) settings.source = name->database;
  return settings;
}

void LogGuardFindings(const RunContext& ctx, const RestoreGuard& guard, const std::string& path) {
  if (!guard.definers().empty()) {
    std::string list;
    for (const auto& d : guard.definers()) list += (list.empty() ? "" : ", ") + d;
    ctx.logger.Warning("The backup's views, routines, triggers and events were defined by " +
                           list + "; they are restored with DEFINER=CURRENT_USER (the [restore] "
                           "account) instead, so they run with that account's rights",
                       {{"BACKUP_FILE", path}});
  }
  for (const auto& skipped : guard.skipped()) {
    ctx.logger.Warning("Skipped " + skipped, {{"BACKUP_FILE", path}});
  }
}

Status SetUpRestoreThreads(const RunContext& ctx, RestoreRequest* request) {
  request->threads = ctx.config.restore_threads;
  if (request->threads <= 1) return Status::Ok();
  request->spool_dir = JoinPath(ctx.config.backup.backup_dir, kWorkFolderName);
  Status s = EnsureDirectory(request->spool_dir, 0750);
  if (!s.ok()) {
    return s.AddContext("A restore on " + std::to_string(request->threads) +
                        " connections spools tables there; make it writable or set [restore] "
                        "restore_threads = 1");
  }
  // Only for tests: a small threshold makes every table go through a spool file.
  if (const char* bytes = std::getenv("MYSQL_BACKUP_TEST_SPOOL_THRESHOLD")) {
    request->spool_threshold = static_cast<size_t>(std::strtoull(bytes, nullptr, 10));
  }
  return Status::Ok();
}

Status RunRestoreAction(const RunContext& ctx) {
  if (!ctx.options.until.empty() || !ctx.options.until_gtid.empty()) return RunPitrRestore(ctx);
  if (!ctx.options.restore_run.empty()) return RunServerRestore(ctx);
  const std::string& target = ctx.options.target_database;
  // From an offsite target: verified in a first full download, streamed in a second.
  std::optional<RemoteBackupSource> remote;
  std::string path;
  StoredFormat format;
  std::vector<age::X25519Identity> identities;
  if (!ctx.options.target.empty()) {
    auto source = OpenVerifiedRemoteBackup(ctx, ctx.options.files.at(0));
    if (!source.ok()) {
      return Status(source.status())
          .AddContext("Refusing to restore from target " + ctx.options.target);
    }
    remote = std::move(*source);
    path = remote->url;
    format = remote->Format();
  } else {
    path = AbsolutePath(ctx.options.files.at(0));
    auto stored = StoredFormatOfFile(path);
    if (!stored.ok()) return stored.status();
    format = *stored;
    // An encrypted backup needs the identity before anything is checked or loaded.
    if (format.encrypted) {
      auto loaded = LoadIdentities(ctx.config.encryption, "restore", path);
      if (!loaded.ok()) return loaded.status();
      identities = std::move(*loaded);
      format.identities = &identities;
    }
    bool proven_at_write = false;
    auto check = VerifyBeforeLoad(path, format, &proven_at_write);
    if (!check.ok()) {
      return Status(check.status()).AddContext("Refusing to restore a backup that fails verification");
    }
    ctx.logger.Info(ProvenLine(path, proven_at_write));
  }
  const ConnectionConfig& conn = ctx.config.restore;
  auto tables = CountTables(conn, target);
  if (!tables.ok()) return tables.status();
  if (*tables > 0 && !ctx.options.force) {
    return Status(ErrorKind::kUsage, "database '" + target + "' already holds " +
                                         std::to_string(*tables) +
                                         " table(s); restore into an empty or new database, or add "
                                         "--force to load over them");
  }
  auto created = QuerySql(conn, "CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(target));
  if (!created.ok()) return created.status();
  ctx.logger.Info("Restoring '" + path + "' into database '" + target + "'",
                  {{"BACKUP_FILE", path}});
  auto start = std::chrono::steady_clock::now();
  RestoreRequest request;
  request.path = path;
  if (remote) {
    request.source = [&](ByteSink* sink) { return remote->Download(sink); };
    request.source_size = remote->size;
  }
  request.compression = format.compression;
  request.encrypted = format.encrypted;
  request.identities = format.identities;
  request.connection = conn;
  request.database = target;
  request.progress = TerminalProgress();
  request.cancel = ctx.cancel;
  Status threads = SetUpRestoreThreads(ctx, &request);
  if (!threads.ok()) return threads;
  RestoreGuard guard(RestoreGuardSettings(remote ? remote->file_name : path, target));
  request.guard = &guard;
  Status s = StreamRestore(request);
  LogGuardFindings(ctx, guard, path);
  if (!s.ok()) return s.AddContext("Restore of '" + path + "' into '" + target + "' failed");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[512];
  std::snprintf(line, sizeof line, "Restored '%s' into database '%s' in %.1f s", path.c_str(),
                target.c_str(), secs);
  PrintResultLine(line);
  ctx.logger.Log(Priority::kNotice, line, {{"BACKUP_FILE", path}});
  return Status::Ok();
}

}  // namespace mysql_backup
