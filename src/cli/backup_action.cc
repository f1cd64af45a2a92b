#include "cli/backup_action.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "dump/dump_pipeline.h"
#include "mysql/privilege_check.h"
#include "dump/verify.h"
#include "cli/backup_report.h"
#include "cli/cleanup_action.h"
#include "cli/offsite_action.h"
#include "storage/atomic_file.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"
#include "util/file_util.h"
#include "util/shell_split.h"

namespace mysql_backup {

namespace {

using Clock = std::chrono::steady_clock;

bool NameTaken(const DirFd& type_dir, BackupName name) {
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    name.compression = c;
    struct stat st;
    // Anything at the name (a link too) takes it: renameat() would replace it.
    if (fstatat(type_dir.get(), BackupFileName(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      return true;
    }
  }
  return false;
}

// A stamp no other backup of this database and type has. We hold the lock, so only finished
// runs can own a stamp; two runs within one second wait for the next.
std::time_t UniqueStamp(const DirFd& type_dir, BackupName name) {
  for (;;) {
    name.created = std::time(nullptr);
    if (!NameTaken(type_dir, name)) return name.created;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string Rate(uint64_t bytes, double seconds) {
  if (seconds <= 0) return "";
  return HumanSize(static_cast<uint64_t>(static_cast<double>(bytes) / seconds)) + "/s";
}

// A dump that silently lacks triggers or routines would be found out on the day of the restore;
// say so on every run instead. A failing check is left to the dump to report.
void WarnAboutMissingPrivileges(const RunContext& ctx) {
  auto options = ShellSplit(ctx.config.backup.mysqldump_options);
  if (!options.ok()) return;
  auto missing = MissingDumpPrivileges(ctx.config.database, ctx.config.database_name, *options);
  if (!missing.ok()) return;
  for (const auto& warning : *missing) ctx.logger.Warning("Incomplete backup ahead: " + warning);
}

}  // namespace

std::string HumanSize(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

Result<BackupOutcome> TakeBackupLocked(const RunContext& ctx, BackupDirectory& dir,
                                       BackupType type) {
  const Config& config = ctx.config;
  auto start = Clock::now();
  auto type_folder = dir.TypeFolder(type, /*create=*/true);
  if (!type_folder.ok()) return type_folder.status();
  auto work_folder = dir.WorkFolder(/*create=*/true);
  if (!work_folder.ok()) return work_folder.status();
  const DirFd& type_dir = **type_folder;
  const DirFd& work_dir = **work_folder;

  BackupName name;
  name.database = config.database_name;
  name.type = type;
  name.compression = config.backup.compression;
  name.created = UniqueStamp(type_dir, name);
  std::string final_name = BackupFileName(name);
  std::string final_path = type_dir.PathOf(final_name);

  auto file = AtomicFile::Create(work_dir, type_dir, final_name);
  if (!file.ok()) return file.status();

  auto options = ShellSplit(config.backup.mysqldump_options);
  if (!options.ok()) return options.status();  // validated at load; cannot happen
  DumpRequest request;
  request.connection = config.database;
  request.database = config.database_name;
  request.options = std::move(*options);
  request.compression.algorithm = config.backup.compression;
  request.compression.level = config.backup.compression_level;
  request.compression.threads = config.backup.threads;
  request.timeout_sec = config.backup.dump_timeout_sec;

  ctx.logger.Status("Dumping " + config.database_name + " (" + std::string(BackupTypeName(type)) +
                    ")");
  auto last_status = Clock::now();
  auto progress = [&](uint64_t bytes) {
    auto now = Clock::now();
    if (now - last_status < std::chrono::seconds(1)) return;
    last_status = now;
    double secs = std::chrono::duration<double>(now - start).count();
    ctx.logger.Status("Dumping " + config.database_name + ": " + HumanSize(bytes) + " read, " +
                      Rate(bytes, secs));
  };
  auto dump = RunDump(request, &*file, progress, ctx.cancel);
  if (!dump.ok()) return dump.status();
  if (!dump->dump_stderr.empty()) {
    ctx.logger.Warning("mysqldump said: " + dump->dump_stderr);
  }

  // The checksum lands first: a backup that is visible always has its .sha256. An orphan
  // .sha256 left by a crash right here is removed by the next cleanup.
  std::string checksum_name = final_name + kChecksumSuffix;
  Status s = WriteFileAtomically(work_dir, type_dir, checksum_name,
                                 ChecksumFileContent(dump->sha256, final_name));
  if (!s.ok()) return s;
  ctx.logger.Status("Syncing " + final_name);
  s = file->Commit();
  if (!s.ok()) {
    unlinkat(type_dir.get(), checksum_name.c_str(), 0);
    return s;
  }

  ctx.logger.Status("Verifying " + final_name);
  auto check = VerifyBackupFileAt(type_dir, final_name, name.compression);
  if (!check.ok() || check->sha256 != dump->sha256) {
    // A backup that does not read back as written must not stay and be trusted later.
    unlinkat(type_dir.get(), final_name.c_str(), 0);
    unlinkat(type_dir.get(), checksum_name.c_str(), 0);
    FsyncDir(type_dir).ok();
    if (!check.ok()) return Status(check.status()).AddContext("Verification after the move failed");
    return Status(ErrorKind::kIntegrity, "'" + final_path + "' reads back with SHA-256 " +
                                             check->sha256 + ", but " + dump->sha256 +
                                             " was written; the file was removed");
  }

  BackupOutcome out;
  out.type = type;
  out.path = final_path;
  out.size = dump->compressed_bytes;
  out.dump_bytes = dump->dump_bytes;
  out.sha256 = dump->sha256;
  out.duration_usec = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
  return out;
}

Status RunBackupAction(const RunContext& ctx) {
  std::vector<BackupType> types;
  if (ctx.options.backup_type == "all") {
    types.assign(std::begin(kAllBackupTypes), std::end(kAllBackupTypes));
  } else {
    types.push_back(*ParseBackupType(ctx.options.backup_type));
  }
  Status first_failure;
  std::set<std::string> just_made;  // never deleted by the cleanup that follows
  auto fail = [&](BackupType type, Status s) {
    ctx.logger.SetCommonField("BACKUP_TYPE", std::string(BackupTypeName(type)));
    ReportBackupFailure(ctx, type, s);
    if (first_failure.ok()) first_failure = s;
  };

  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  Status s = dir.ok() ? dir->RequireWritable() : dir.status();
  if (!s.ok()) {
    for (BackupType t : types) fail(t, s);
    return first_failure;
  }
  auto lock = DirectoryLock::Acquire(*dir, LockMode::kExclusive, ctx.config.backup.lock_timeout_sec,
                                     [&] {
                                       ctx.logger.Info(
                                           "Waiting for another mysql-backup run to release '" +
                                           LockPath(dir->path()) + "'");
                                       ctx.logger.Status("Waiting for the backup_dir lock");
                                     });
  if (!lock.ok()) {
    for (BackupType t : types) fail(t, lock.status());
    return first_failure;
  }
  // A link where .tmp belongs stops the run here, before anything is removed or written.
  auto debris = dir->ClearWorkFolder();
  if (!debris.ok()) {
    for (BackupType t : types) fail(t, debris.status());
    return first_failure;
  }
  for (const auto& n : *debris) {
    ctx.logger.Info("Removed '" + n + "' left in .tmp/ by an interrupted run");
  }

  WarnAboutMissingPrivileges(ctx);
  for (BackupType type : types) {
    if (ctx.cancel != nullptr && ctx.cancel->load()) {
      fail(type, Status(ErrorKind::kProcess, "Interrupted by a signal before it started"));
      continue;
    }
    // With --backup-type all, each type's entries carry their own BACKUP_TYPE.
    ctx.logger.SetCommonField("BACKUP_TYPE", std::string(BackupTypeName(type)));
    ctx.logger.Info("Starting " + std::string(BackupTypeName(type)) + " backup of database '" +
                    ctx.config.database_name + "'");
    auto outcome = TakeBackupLocked(ctx, *dir, type);
    if (!outcome.ok()) {
      fail(type, Status(outcome.status())
                     .AddContext(std::string(1, static_cast<char>(std::toupper(
                                                    BackupTypeName(type)[0]))) +
                                 std::string(BackupTypeName(type).substr(1)) + " backup failed"));
      continue;
    }
    ReportBackupSuccess(ctx, *outcome);
    just_made.insert(outcome->path);
  }
  // Offsite copies of what this run made; a failure is exit 76, the local backups stay.
  Status offsite = CopyToTargets(ctx, std::vector<std::string>(just_made.begin(), just_made.end()));
  if (first_failure.ok()) first_failure = offsite;
  if (ctx.options.cleanup_after_backup) {
    ctx.logger.SetCommonField("BACKUP_TYPE", "cleanup");
    Status c = RunCleanupLocked(ctx, *dir, just_made);
    if (first_failure.ok()) first_failure = c;
  }
  return first_failure;
}

}  // namespace mysql_backup
