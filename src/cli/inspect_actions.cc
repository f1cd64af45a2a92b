#include "cli/inspect_actions.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "binlog/archive.h"
#include "cli/backup_action.h"
#include "cli/output.h"
#include "dump/manifest_io.h"
#include "dump/verify.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"
#include "util/file_util.h"
#include "util/json.h"

namespace mysql_backup {

Status RunListAction(const RunContext& ctx) {
  // No lock: listing writes nothing, and works in a read-only backup_dir.
  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  if (!dir.ok()) return dir.status();
  auto backups = dir->ListBackups();
  if (!backups.ok()) return backups.status();
  if (ctx.options.json) {
    std::string out = "[";
    bool first = true;
    for (const auto& b : *backups) {
      std::string sha = "null";
      auto folder = dir->TypeFolder(b.name.type);
      if (b.has_checksum && folder.ok() && *folder != nullptr) {
        // Bounded and non-blocking: a FIFO or a link to /dev/zero there is reported, not read.
        auto digest = ReadChecksumFileAt(**folder, b.file_name + kChecksumSuffix, b.file_name);
        if (digest.ok()) {
          sha = JsonQuote(*digest);
        } else {
          ctx.logger.Warning(digest.status().ToString() + "; listed with \"sha256\": null");
        }
      }
      // The run's manifest, when the run wrote one (backups of older versions have none).
      std::string manifest = "null";
      if (folder.ok() && *folder != nullptr) {
        std::string name = ManifestFileName(b.name.type, b.name.created);
        auto st = StatAt(**folder, name);
        if (st.ok() && st->has_value() && S_ISREG((*st)->st_mode)) {
          manifest = JsonQuote((*folder)->PathOf(name));
        }
      }
      bool accounts = b.name.kind == BackupKind::kAccounts;
      out += first ? "\n  " : ",\n  ";
      first = false;
      out += "{\"type\": " + JsonQuote(BackupTypeName(b.name.type)) +
             ", \"kind\": " + JsonQuote(accounts ? "accounts" : "database") +
             ", \"database\": " + (accounts ? std::string("null") : JsonQuote(b.name.database)) +
             ", \"manifest\": " + manifest + ", \"path\": " + JsonQuote(b.path) +
             ", \"size\": " + std::to_string(b.size) +
             ", \"created\": " + JsonQuote(FormatIsoUtc(b.name.created)) + ", \"sha256\": " + sha +
             ", \"encrypted\": " + (b.name.encrypted ? "true" : "false") + "}";
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
                b.name.kind == BackupKind::kAccounts ? "(accounts)" : b.name.database.c_str(),
                FormatIsoUtc(b.name.created).c_str(),
                HumanSize(b.size).c_str(), b.path.c_str(), b.has_checksum ? "" : "  (no .sha256)");
  }
  return Status::Ok();
}

Status RunVerifyAction(const RunContext& ctx) {
  const std::string& backup_dir = ctx.config.backup.backup_dir;
  std::vector<std::string> paths;
  std::vector<BackupFile> listed;  // when none are named: checked through the folders listed
  std::optional<BackupDirectory> dir;
  std::optional<DirectoryLock> lock;
  // Named files may live elsewhere (a copy on another machine): backup_dir is then only
  // locked when it is there.
  auto opened = BackupDirectory::Open(backup_dir);
  if (!opened.ok() && ctx.options.files.empty()) return opened.status();
  if (opened.ok()) {
    dir.emplace(std::move(*opened));
    // Shared: a running cleanup is waited for, so the backups it deletes are not reported as
    // failed; other readers go alongside.
    auto locked = DirectoryLock::Acquire(*dir, LockMode::kShared,
                                         ctx.config.backup.lock_timeout_sec, [&] {
                                           ctx.logger.Info(
                                               "Waiting for another mysql-backup run to release '" +
                                               LockPath(backup_dir) + "'");
                                         });
    if (!locked.ok()) return locked.status();
    lock.emplace(std::move(*locked));
    if (!lock->held()) {
      ctx.logger.Info("Verifying without the lock: '" + LockPath(backup_dir) +
                      "' is missing in a read-only backup_dir, or not readable by this user");
    }
  }
  if (ctx.options.files.empty()) {
    auto backups = dir->ListBackups();
    if (!backups.ok()) return backups.status();
    for (const auto& b : *backups) paths.push_back(b.path);
    listed = std::move(*backups);
    struct stat archive_st;
    bool has_archive =
        lstat(JoinPath(backup_dir, kBinlogFolderName).c_str(), &archive_st) == 0;
    if (paths.empty() && !has_archive) {
      std::printf("No backups in '%s' to verify\n", backup_dir.c_str());
      return Status::Ok();
    }
  } else {
    for (const auto& f : ctx.options.files) paths.push_back(AbsolutePath(f));
  }
  // With [encryption] identity_file, encrypted backups are decrypted and checked in full;
  // without, their SHA-256 only (no key needed on the backup host).
  std::vector<age::X25519Identity> identities;
  if (!ctx.config.encryption.identity_file.empty()) {
    auto loaded = LoadIdentities(ctx.config.encryption, "verify", "the encrypted backups");
    if (!loaded.ok()) return loaded.status();
    identities = std::move(*loaded);
  }
  int failed = 0;
  int gone = 0;
  bool storage_only = true;
  Status first_failure;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    const DirFd* folder = nullptr;
    if (!listed.empty()) {
      auto f = dir->TypeFolder(listed[i].name.type);
      if (f.ok()) folder = *f;
    }
    auto format = StoredFormatOfFile(path);
    if (format.ok()) format->identities = &identities;
    Result<StreamCheck> check =
        !format.ok()        ? Result<StreamCheck>(format.status())
        : folder != nullptr ? VerifyBackupFileAt(*folder, listed[i].file_name, *format)
                            : VerifyBackupFile(path, *format);
    if (!check.ok() && folder != nullptr) {
      // Deleted since it was listed (by hand, or by a cleanup in a backup_dir without .lock):
      // gone is not damaged.
      auto st = StatAt(*folder, listed[i].file_name);
      if (st.ok() && !st->has_value()) {
        ++gone;
        PrintResultLine("GONE    " + path + " (deleted while verifying; not checked)");
        ctx.logger.Log(Priority::kNotice,
                       "'" + path + "' was deleted after it was listed; not checked",
                       {{"BACKUP_FILE", path}});
        continue;
      }
    }
    if (check.ok()) {
      bool hash_only = check->encrypted && !check->decrypted;
      PrintResultLine("OK      " + path +
                      (hash_only ? " (encrypted: SHA-256 only; set [encryption] identity_file "
                                   "to decrypt and check the dump inside)"
                                 : ""));
      ctx.logger.Info("Verified '" + path + "': OK", {{"BACKUP_FILE", path},
                                                      {"BACKUP_SHA256", check->sha256}});
    } else {
      ++failed;
      storage_only = storage_only && check.status().kind() == ErrorKind::kStorage;
      PrintResultLine("FAILED  " + path + ": " + check.status().ToString());
      ctx.logger.Error("Verification of '" + path + "' failed: " + check.status().ToString(),
                       {{"BACKUP_FILE", path},
                        {"BACKUP_ERROR", std::string(ErrorKindName(check.status().kind()))}});
      if (first_failure.ok()) first_failure = check.status();
    }
    std::fflush(stdout);
  }
  // With no file named, every run's manifest too: its .sha256, its JSON, and that each file it
  // lists is still the one the run wrote (a file since removed by retention is fine).
  if (ctx.options.files.empty()) {
    auto manifests = ListManifests(*dir);
    if (manifests.ok()) {
      for (const auto& where : *manifests) {
        auto m = ReadManifest(*dir, where);
        Status problem = m.ok() ? Status::Ok() : m.status();
        if (m.ok()) {
          auto folder = dir->TypeFolder(where.type);
          for (const auto& f : m->files) {
            if (!folder.ok() || *folder == nullptr) break;
            auto digest = ReadChecksumFileAt(**folder, f.name + kChecksumSuffix, f.name);
            if (digest.ok() && *digest != f.sha256) {
              problem = Status(ErrorKind::kIntegrity,
                               "'" + (*folder)->PathOf(f.name) +
                                   "' is not the file this run wrote (its .sha256 says " +
                                   *digest + ", the manifest " + f.sha256 + ")");
              break;
            }
          }
        }
        if (problem.ok()) {
          PrintResultLine("OK      " + where.path);
          ctx.logger.Info("Verified '" + where.path + "': OK", {{"BACKUP_FILE", where.path}});
        } else {
          ++failed;
          storage_only = storage_only && problem.kind() == ErrorKind::kStorage;
          PrintResultLine("FAILED  " + where.path + ": " + problem.ToString());
          ctx.logger.Error("Verification of '" + where.path + "' failed: " + problem.ToString(),
                           {{"BACKUP_FILE", where.path},
                            {"BACKUP_ERROR", std::string(ErrorKindName(problem.kind()))}});
        }
        paths.push_back(where.path);
      }
    }
    // And the binlog archive: checksums, gzip, events and CRC32s, and the chain.
    std::vector<std::string> archived;
    auto problems = VerifyBinlogArchive(backup_dir, &archived);
    if (!problems.ok()) {
      ++failed;
      storage_only = storage_only && problems.status().kind() == ErrorKind::kStorage;
      PrintResultLine("FAILED  " + JoinPath(backup_dir, kBinlogFolderName) + ": " +
                      problems.status().ToString());
    } else {
      for (const auto& p : *problems) {
        ++failed;
        storage_only = storage_only && p.kind() == ErrorKind::kStorage;
        PrintResultLine("FAILED  " + p.ToString());
        ctx.logger.Error("Verification of the binlog archive failed: " + p.ToString(),
                         {{"BACKUP_ERROR", std::string(ErrorKindName(p.kind()))}});
      }
      if (problems->empty() && !archived.empty()) {
        PrintResultLine("OK      " + JoinPath(backup_dir, kBinlogFolderName) + " (" +
                        std::to_string(archived.size()) + " binary logs)");
      }
      paths.insert(paths.end(), archived.begin(), archived.end());
    }
  }
  if (failed == 0) return Status::Ok();
  // Files that could not be read at all (permission denied: 74) say nothing about the backups;
  // any damaged one makes it 65.
  ErrorKind kind = storage_only ? ErrorKind::kStorage : ErrorKind::kIntegrity;
  return Status(kind, std::to_string(failed) + " of " + std::to_string(paths.size() - gone) +
                          " file(s) failed verification");
}

}  // namespace mysql_backup
