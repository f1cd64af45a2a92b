#include "cli/server_restore.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/output.h"
#include "cli/restore_action.h"
#include "codec/age_decryptor.h"
#include "codec/compressor.h"
#include "dump/manifest_io.h"
#include "dump/verify.h"
#include "mysql/accounts_plan.h"
#include "mysql/server_catalog.h"
#include "mysql/sql_client.h"
#include "restore/restore_stream.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"

namespace mysql_backup {

namespace {

// An accounts file is a few KiB per account.
constexpr size_t kMaxAccountsBytes = 64 << 20;

class StringSink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    if (text.size() + data.size() > kMaxAccountsBytes) {
      return Status(ErrorKind::kIntegrity, "the accounts file is too large to be one of ours");
    }
    text.append(reinterpret_cast<const char*>(data.data()), data.size());
    return Status::Ok();
  }
  std::string text;
};

class DecompressorSink : public ByteSink {
 public:
  explicit DecompressorSink(Decompressor* d) : d_(d) {}
  Status Write(std::span<const uint8_t> data) override { return d_->Write(data); }

 private:
  Decompressor* d_;
};

Result<std::string> ReadCompressedText(const DirFd& dir, const std::string& name,
                                       const StoredFormat& format) {
  auto fd = OpenRegularFileAt(dir, name, ErrorKind::kIntegrity, ErrorKind::kIntegrity);
  if (!fd.ok()) return fd.status();
  StringSink sink;
  auto decompressor_ = MakeDecompressor(format.compression, &sink);
  DecompressorSink decompressor_sink(decompressor_.get());
  std::optional<AgeDecryptor> decryptor;
  ByteSink* decompressor = &decompressor_sink;
  if (format.encrypted) {
    decryptor.emplace(*format.identities, &decompressor_sink, dir.PathOf(name));
    decompressor = &*decryptor;
  }
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    ssize_t n = read(fd->get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", dir.PathOf(name));
    if (n == 0) break;
    Status s = decompressor->Write({buf.data(), static_cast<size_t>(n)});
    if (!s.ok()) return s;
  }
  Status s = decryptor ? decryptor->Finish() : Status::Ok();
  if (s.ok()) s = decompressor_->Finish();
  if (!s.ok()) return s;
  return std::move(sink.text);
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

}  // namespace

Status RunServerRestore(const RunContext& ctx) {
  const Config& config = ctx.config;
  const Options& options = ctx.options;

  auto dir = BackupDirectory::Open(config.backup.backup_dir);
  if (!dir.ok()) return dir.status();
  auto lock = DirectoryLock::Acquire(*dir, LockMode::kShared, config.backup.lock_timeout_sec);
  if (!lock.ok()) return lock.status();

  auto manifests = ListManifests(*dir);
  if (!manifests.ok()) return manifests.status();
  const ManifestLocation* where = nullptr;
  for (const auto& m : *manifests) {
    if (options.restore_run == "latest" || FormatUtcStamp(m.stamp) == options.restore_run) {
      where = &m;
      break;
    }
  }
  if (where == nullptr) {
    return Status(ErrorKind::kUsage,
                  (options.restore_run == "latest"
                       ? "no run with a manifest in '" + config.backup.backup_dir + "'"
                       : "no run " + options.restore_run + " in '" + config.backup.backup_dir +
                             "'") +
                      "; --list shows the backups (a backup made before manifests existed "
                      "restores with --restore FILE --target-database NAME)");
  }
  auto manifest = ReadManifest(*dir, *where);
  if (!manifest.ok()) {
    return Status(manifest.status()).AddContext("Refusing to restore run " +
                                                FormatUtcStamp(where->stamp));
  }
  return RestoreServerRun(ctx, *dir, *where, *manifest, ServerRestoreSettings());
}

Status RestoreServerRun(const RunContext& ctx, BackupDirectory& dir_ref,
                        const ManifestLocation& where_ref, const RunManifest& manifest_ref,
                        const ServerRestoreSettings& settings) {
  const Options& options = ctx.options;
  const ConnectionConfig& conn = ctx.config.restore;
  auto start = std::chrono::steady_clock::now();
  BackupDirectory* dir = &dir_ref;
  const ManifestLocation* where = &where_ref;
  const RunManifest* manifest = &manifest_ref;
  // Statements we send ourselves, and the client loading each dump, start with this.
  const std::string prefix = settings.skip_binlog ? "SET SESSION sql_log_bin = 0;\n" : "";
  auto folder = dir->TypeFolder(where->type);
  if (!folder.ok()) return folder.status();
  const DirFd& type_dir = **folder;
  std::string run = std::string(BackupTypeName(where->type)) + " run " +
                    FormatUtcStamp(where->stamp);

  // What to load: the run's databases (or the ones asked for), and the accounts when asked.
  std::vector<const ManifestFile*> files;
  const ManifestFile* accounts = nullptr;
  std::vector<std::string> in_run;
  for (const auto& f : manifest->files) {
    if (f.kind == BackupKind::kAccounts) {
      accounts = &f;
      continue;
    }
    in_run.push_back(f.database);
    if (options.restore_databases.empty() ||
        std::find(options.restore_databases.begin(), options.restore_databases.end(),
                  f.database) != options.restore_databases.end()) {
      files.push_back(&f);
    }
  }
  for (const auto& wanted : options.restore_databases) {
    if (std::find(in_run.begin(), in_run.end(), wanted) == in_run.end()) {
      return Status(ErrorKind::kUsage, "database '" + wanted + "' is not in " + run +
                                           " (it has " + JoinQuoted(in_run) + ")");
    }
  }
  if (options.restore_accounts && accounts == nullptr) {
    return Status(ErrorKind::kUsage, run + " has no accounts file (set [database] accounts = "
                                           "yes to write one with every run)");
  }
  if (!options.restore_accounts) accounts = nullptr;

  // Every file verified, and the one the run wrote, before the server is touched.
  ctx.logger.Status("Verifying " + run);
  std::vector<age::X25519Identity> identities;  // loaded at the first encrypted file
  std::vector<const ManifestFile*> all = files;
  if (accounts != nullptr) all.push_back(accounts);
  for (const ManifestFile* f : all) {
    auto name = ParseBackupFileName(f->name);
    if (!name) return Status(ErrorKind::kIntegrity, "the manifest names '" + f->name +
                                                        "', which is not a backup name");
    StoredFormat format(name->compression);
    format.encrypted = name->encrypted;
    if (format.encrypted) {
      if (identities.empty()) {
        auto loaded = LoadIdentities(ctx.config.encryption, "restore", type_dir.PathOf(f->name));
        if (!loaded.ok()) return loaded.status();
        identities = std::move(*loaded);
      }
      format.identities = &identities;
    }
    // The run's manifest (checked against its own .sha256) lists the file: its stream was proven
    // while it was written, so its SHA-256 proves the rest (dump/load_check.h); the load then
    // decompresses it and checks the trailer anyway.
    auto check = VerifyStoredBytesAt(type_dir, f->name);
    if (!check.ok()) {
      return Status(check.status()).AddContext("Refusing to restore " + run);
    }
    if (check->sha256 != f->sha256) {
      return Status(ErrorKind::kIntegrity, "'" + type_dir.PathOf(f->name) +
                                               "' is not the file the run wrote (SHA-256 " +
                                               check->sha256 + ", the manifest says " + f->sha256 +
                                               "); refusing to restore " + run);
    }
  }
  AccountsPlan plan;
  if (accounts != nullptr) {
    auto accounts_name = ParseBackupFileName(accounts->name);
    StoredFormat format(accounts_name->compression);
    format.encrypted = accounts_name->encrypted;
    format.identities = &identities;  // loaded above, when encrypted
    auto text = ReadCompressedText(type_dir, accounts->name, format);
    if (!text.ok()) return text.status();
    auto planned = PlanAccountsRestore(*text);
    if (!planned.ok()) {
      return Status(planned.status())
          .AddContext("Refusing to restore '" + type_dir.PathOf(accounts->name) + "'");
    }
    plan = std::move(*planned);
  }

  std::vector<std::string> occupied;
  for (const ManifestFile* f : files) {
    auto tables = CountTables(conn, f->database);
    if (!tables.ok()) return tables.status();
    if (*tables > 0) occupied.push_back(f->database);
  }
  if (!occupied.empty() && !options.force) {
    return Status(ErrorKind::kUsage, "database(s) " + JoinQuoted(occupied) +
                                         " already hold tables on the [restore] server; restore "
                                         "into an empty server, pick others with --databases, or "
                                         "add --force to load over them");
  }

  if (accounts != nullptr) {
    ctx.logger.Info("Loading " + std::to_string(plan.accounts) + " account(s) and role(s) from '" +
                    type_dir.PathOf(accounts->name) + "'");
    auto r = QuerySql(conn, prefix + plan.before_databases);
    if (!r.ok()) return Status(r.status()).AddContext("Loading the accounts failed");
  }
  size_t loaded = 0;
  for (const ManifestFile* f : files) {
    if (ctx.cancel != nullptr && ctx.cancel->load()) {
      return Status(ErrorKind::kProcess, "Interrupted by a signal after " +
                                             std::to_string(loaded) + " database(s)");
    }
    std::string path = type_dir.PathOf(f->name);
    auto created =
        QuerySql(conn, prefix + "CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(f->database));
    if (!created.ok()) return created.status();
    ctx.logger.Info("Restoring '" + path + "' into database '" + f->database + "'",
                    {{"BACKUP_FILE", path}});
    ctx.logger.Status("Restoring " + f->database + " (" + std::to_string(loaded + 1) + " of " +
                      std::to_string(files.size()) + ")");
    RestoreRequest request;
    request.path = path;
    request.compression = ParseBackupFileName(f->name)->compression;
    request.encrypted = ParseBackupFileName(f->name)->encrypted;
    request.identities = &identities;
    request.connection = conn;
    request.database = f->database;
    request.cancel = ctx.cancel;
    if (settings.skip_binlog) request.init_command = "SET SESSION sql_log_bin = 0";
    GuardSettings guard_settings;
    guard_settings.source = f->database;
    guard_settings.target = f->database;
    RestoreGuard guard(guard_settings);
    request.guard = &guard;
    Status s = SetUpRestoreThreads(ctx, &request);
    if (s.ok()) s = StreamRestore(request);
    LogGuardFindings(ctx, guard, path);
    if (!s.ok()) {
      return s.AddContext("Restore of database '" + f->database + "' failed after " +
                          std::to_string(loaded) + " of " + std::to_string(files.size()) +
                          " database(s) of " + run);
    }
    ++loaded;
  }
  if (accounts != nullptr && !plan.after_databases.empty()) {
    auto r = QuerySql(conn, prefix + plan.after_databases);
    if (!r.ok()) {
      return Status(r.status()).AddContext("Loading the grants on tables and routines failed");
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[256];
  std::snprintf(line, sizeof line, "Restored %zu database(s)%s of %s in %.1f s", loaded,
                accounts != nullptr ? " and the accounts" : "", run.c_str(), secs);
  PrintResultLine(line);
  ctx.logger.Log(Priority::kNotice, line);
  return Status::Ok();
}

}  // namespace mysql_backup
