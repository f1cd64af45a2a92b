#include "cli/inspect_actions.h"

#include <unistd.h>

#include <cstdio>

#include "cli/backup_action.h"
#include "cli/output.h"
#include "dump/verify.h"
#include "storage/backup_dir.h"
#include "util/file_util.h"
#include "util/json.h"

namespace mysql_backup {

namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<Compression> CompressionOfFile(const std::string& path) {
  if (EndsWith(path, ".gz")) return Compression::kGzip;
  if (EndsWith(path, ".zst")) return Compression::kZstd;
  return Status(ErrorKind::kUsage,
                "'" + path + "' is not a backup: expected a .sql.gz or .sql.zst file");
}

Status RunListAction(const RunContext& ctx) {
  auto backups = ListBackups(ctx.config.backup.backup_dir);
  if (!backups.ok()) return backups.status();
  if (ctx.options.json) {
    std::string out = "[";
    bool first = true;
    for (const auto& b : *backups) {
      std::string sha = "null";
      if (b.has_checksum) {
        auto digest = ReadChecksumFile(b.checksum_path, BaseName(b.path));
        if (digest.ok()) sha = JsonQuote(*digest);
      }
      out += first ? "\n  " : ",\n  ";
      first = false;
      out += "{\"type\": " + JsonQuote(BackupTypeName(b.name.type)) +
             ", \"database\": " + JsonQuote(b.name.database) + ", \"path\": " + JsonQuote(b.path) +
             ", \"size\": " + std::to_string(b.size) +
             ", \"created\": " + JsonQuote(FormatIsoUtc(b.name.created)) + ", \"sha256\": " + sha +
             "}";
    }
    out += first ? "]\n" : "\n]\n";
    std::fputs(out.c_str(), stdout);
    return Status::Ok();
  }
  if (backups->empty()) {
    std::printf("No backups in '%s'\n", ctx.config.backup.backup_dir.c_str());
    return Status::Ok();
  }
  std::printf("%-8s  %-20s  %-20s  %10s  %s\n", "TYPE", "DATABASE", "CREATED", "SIZE", "PATH");
  for (const auto& b : *backups) {
    std::printf("%-8s  %-20s  %-20s  %10s  %s%s\n", std::string(BackupTypeName(b.name.type)).c_str(),
                b.name.database.c_str(), FormatIsoUtc(b.name.created).c_str(),
                HumanSize(b.size).c_str(), b.path.c_str(), b.has_checksum ? "" : "  (no .sha256)");
  }
  return Status::Ok();
}

Status RunVerifyAction(const RunContext& ctx) {
  std::vector<std::string> paths;
  if (ctx.options.files.empty()) {
    auto backups = ListBackups(ctx.config.backup.backup_dir);
    if (!backups.ok()) return backups.status();
    for (const auto& b : *backups) paths.push_back(b.path);
    if (paths.empty()) {
      std::printf("No backups in '%s' to verify\n", ctx.config.backup.backup_dir.c_str());
      return Status::Ok();
    }
  } else {
    for (const auto& f : ctx.options.files) paths.push_back(AbsolutePath(f));
  }
  int failed = 0;
  Status first_failure;
  for (const auto& path : paths) {
    auto compression = CompressionOfFile(path);
    Result<StreamCheck> check =
        compression.ok() ? VerifyBackupFile(path, *compression) : Result<StreamCheck>(compression.status());
    if (check.ok()) {
      PrintResultLine("OK      " + path);
      ctx.logger.Info("Verified '" + path + "': OK", {{"BACKUP_FILE", path},
                                                      {"BACKUP_SHA256", check->sha256}});
    } else {
      ++failed;
      PrintResultLine("FAILED  " + path + ": " + check.status().ToString());
      ctx.logger.Error("Verification of '" + path + "' failed: " + check.status().ToString(),
                       {{"BACKUP_FILE", path},
                        {"BACKUP_ERROR", std::string(ErrorKindName(check.status().kind()))}});
      if (first_failure.ok()) first_failure = check.status();
    }
    std::fflush(stdout);
  }
  if (failed == 0) return Status::Ok();
  return Status(ErrorKind::kIntegrity, std::to_string(failed) + " of " +
                                           std::to_string(paths.size()) +
                                           " backup(s) failed verification");
}

}  // namespace mysql_backup
