#include "cli/backup_action.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "cli/backup_report.h"
#include "cli/cleanup_action.h"
#include "codec/sha256.h"
#include "dump/dump_pipeline.h"
#include "dump/manifest_io.h"
#include "dump/read_back.h"
#include "dump/verify.h"
#include "mysql/privilege_check.h"
#include "mysql/server_catalog.h"
#include "notify/mail_message.h"
#include "sql/binlog_position.h"
#include "sql/dump_scanner.h"
#include "cli/offsite_action.h"
#include "cli/progress_line.h"
#include "storage/atomic_file.h"
#include "storage/lock.h"
#include "util/file_util.h"
#include "util/shell_split.h"

namespace mysql_backup {

namespace {

using Clock = std::chrono::steady_clock;

uint64_t UsecSince(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

std::string Capitalized(std::string_view word) {
  std::string out(word);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string Rate(uint64_t bytes, double seconds) {
  if (seconds <= 0) return "";
  return HumanSize(static_cast<uint64_t>(static_cast<double>(bytes) / seconds)) + "/s";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += "'" + n + "'";
  }
  return out;
}

// One file of a run.
struct FileJob {
  BackupType type = BackupType::kDaily;
  BackupKind kind = BackupKind::kDatabase;
  std::string database;
  std::time_t stamp = 0;
  std::vector<std::string> options;    // dump options, our additions included
  std::vector<std::string> arguments;  // replaces `-- <database>` (the accounts file)
  int threads = 1;
};

struct FileResult {
  FileJob job;
  Result<BackupOutcome> outcome = Status(ErrorKind::kProcess, "not run");
  std::string dump_stderr;  // warnings of a successful dump, logged by the caller
};

BackupName NameOf(const FileJob& job, Compression compression, bool encrypted) {
  BackupName name;
  name.database = job.database;
  name.type = job.type;
  name.created = job.stamp;
  name.compression = compression;
  name.kind = job.kind;
  name.encrypted = encrypted;
  return name;
}

// Whether anything (a link too: renameat() would replace it) already has one of the run's
// names at `stamp`.
bool StampTaken(const DirFd& type_dir, BackupType type, std::time_t stamp,
                const std::vector<FileJob>& jobs) {
  std::vector<std::string> names = {ManifestFileName(type, stamp)};
  for (FileJob job : jobs) {
    job.stamp = stamp;
    for (Compression c : {Compression::kGzip, Compression::kZstd}) {
      for (bool encrypted : {false, true}) names.push_back(BackupFileName(NameOf(job, c, encrypted)));
    }
  }
  for (const auto& n : names) {
    struct stat st;
    if (fstatat(type_dir.get(), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
  }
  return false;
}

// A stamp no other run of this type has. We hold the lock, so only finished runs can own a
// stamp; two runs within one second wait for the next.
std::time_t UniqueRunStamp(const DirFd& type_dir, BackupType type,
                           const std::vector<FileJob>& jobs) {
  for (;;) {
    std::time_t t = std::time(nullptr);
    if (!StampTaken(type_dir, type, t, jobs)) return t;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Whether the user's options already ask for the binlog position in some spelling.
bool AsksForBinlogPosition(const std::vector<std::string>& options) {
  for (const auto& o : options) {
    for (const char* p : {"--master-data", "--source-data", "--dump-slave", "--dump-replica"}) {
      if (o.rfind(p, 0) == 0) return true;
    }
  }
  return false;
}

// The newest manifest of `type` before `stamp` that checks out against its .sha256; to tell
// which databases are new since then.
std::optional<RunManifest> PreviousManifest(BackupDirectory& dir, BackupType type,
                                            std::time_t stamp) {
  auto manifests = ListManifests(dir);  // newest first
  if (!manifests.ok()) return std::nullopt;
  for (const auto& where : *manifests) {
    if (where.type != type || where.stamp >= stamp) continue;
    auto read = ReadManifest(dir, where);
    if (!read.ok()) return std::nullopt;
    return std::move(*read);
  }
  return std::nullopt;
}

// Dump, store and verify one file. Thread-safe for distinct jobs: it logs nothing itself
// (`status` is the caller's, serialised there) and touches only its own names.
FileResult TakeFile(const Config& config, const DirFd& type_dir, const DirFd& work_dir,
                    const FileJob& job, const std::function<void(const std::string&)>& status,
                    const std::atomic<bool>* cancel) {
  FileResult result;
  result.job = job;
  auto start = Clock::now();
  BackupName name = NameOf(job, config.backup.compression, config.encryption.enabled());
  std::string final_name = BackupFileName(name);
  std::string final_path = type_dir.PathOf(final_name);
  std::string label = job.kind == BackupKind::kAccounts ? "the accounts" : job.database;

  auto file = AtomicFile::Create(work_dir, type_dir, final_name);
  if (!file.ok()) {
    result.outcome = file.status();
    return result;
  }
  // The proof that the stored bytes are those written runs beside the dump (read_back.h).
  auto read_fd = file->OpenForReading();
  if (!read_fd.ok()) {
    result.outcome = read_fd.status();
    return result;
  }
  auto read_back = ReadBack::Start(std::move(*read_fd), final_path);
  if (!read_back.ok()) {
    result.outcome = read_back.status();
    return result;
  }
  DumpRequest request;
  request.connection = config.database;
  request.database = job.database;
  request.options = job.options;
  request.arguments = job.arguments;
  request.drop_internal_accounts = job.kind == BackupKind::kAccounts;
  request.compression.algorithm = config.backup.compression;
  request.compression.level = config.backup.compression_level;
  request.compression.threads = job.threads;
  request.compression.gzip_engine = config.backup.gzip_engine;
  request.timeout_sec = config.backup.dump_timeout_sec;
  request.recipients = config.encryption.recipients;
  request.read_back = read_back->get();
  DumpScanner scanner;
  BinlogPositionTap binlog;
  if (job.kind == BackupKind::kDatabase) request.plain_taps = {&scanner, &binlog};

  status("Dumping " + label + " (" + std::string(BackupTypeName(job.type)) + ")");
  auto last_status = Clock::now();
  auto progress = [&](uint64_t bytes) {
    auto now = Clock::now();
    if (now - last_status < std::chrono::seconds(1)) return;
    last_status = now;
    double secs = std::chrono::duration<double>(now - start).count();
    status("Dumping " + label + ": " + HumanSize(bytes) + " read, " + Rate(bytes, secs));
  };
  auto dump = RunDump(request, &*file, progress, cancel);
  if (!dump.ok()) {
    result.outcome = dump.status();
    return result;
  }
  result.dump_stderr = dump->dump_stderr;

  // The checksum lands first: a backup that is visible always has its .sha256. An orphan
  // .sha256 left by a crash right here is removed by the next cleanup.
  std::string checksum_name = final_name + kChecksumSuffix;
  Status s = WriteFileAtomically(work_dir, type_dir, checksum_name,
                                 ChecksumFileContent(dump->sha256, final_name));
  if (!s.ok()) {
    result.outcome = s;
    return result;
  }
  status("Syncing " + final_name);
  s = file->Commit();
  if (!s.ok()) {
    unlinkat(type_dir.get(), checksum_name.c_str(), 0);
    result.outcome = s;
    return result;
  }

  status("Verifying " + final_name);
  // The stored bytes were read back from the device and hashed while the dump went on (the
  // last region now): equal to what was written, and the .sha256 file says the same. That the
  // stream decompresses to the whole dump (trailer included) was proven while it was being
  // written (RunDump: the compressor's own check, or a decompression on a thread of its own),
  // so it is not repeated here; `--verify` re-checks everything (with identity_file, also
  // through the encryption).
  auto check = (*read_back)->Finish(dump->compressed_bytes);
  if (check.ok()) {
    auto recorded = ReadChecksumFileAt(type_dir, checksum_name, final_name);
    if (!recorded.ok()) {
      check = recorded.status();
    } else if (*recorded != dump->sha256) {
      check = Status(ErrorKind::kIntegrity, "'" + type_dir.PathOf(checksum_name) +
                                                "' reads back with SHA-256 " + *recorded +
                                                ", but " + dump->sha256 + " was written");
    }
  }
  if (!check.ok() || check->sha256 != dump->sha256) {
    // A backup that does not read back as written must not stay and be trusted later.
    unlinkat(type_dir.get(), final_name.c_str(), 0);
    unlinkat(type_dir.get(), checksum_name.c_str(), 0);
    FsyncDir(type_dir).ok();
    if (!check.ok()) {
      result.outcome = Status(check.status()).AddContext("Verification after the move failed");
    } else {
      result.outcome = Status(ErrorKind::kIntegrity,
                              "'" + final_path + "' reads back with SHA-256 " + check->sha256 +
                                  ", but " + dump->sha256 + " was written; the file was removed");
    }
    return result;
  }

  BackupOutcome out;
  out.type = job.type;
  out.kind = job.kind;
  out.database = job.database;
  out.path = final_path;
  out.size = dump->compressed_bytes;
  out.dump_bytes = dump->dump_bytes;
  out.sha256 = dump->sha256;
  out.duration_usec = UsecSince(start);
  out.entry.name = final_name;
  out.entry.kind = job.kind;
  out.entry.database = job.database;
  out.entry.size = out.size;
  out.entry.sha256 = out.sha256;
  if (name.encrypted) {
    out.entry.encrypted = true;
    out.entry.plain_sha256 = dump->plain_sha256;
    for (const auto& r : config.encryption.recipients) out.entry.recipients.push_back(r.ToString());
  }
  if (job.kind == BackupKind::kDatabase) {
    scanner.Finish();
    for (const auto& table : scanner.tables()) {
      auto it = scanner.rows_inserted().find(table);
      out.entry.table_rows[table] = it == scanner.rows_inserted().end() ? 0 : it->second;
    }
    out.entry.binlog = binlog.position();
  }
  result.outcome = std::move(out);
  return result;
}

// Runs the jobs, `parallel` at a time, handing each result to `done` on the calling thread in
// the order they finish.
void RunJobs(const Config& config, const DirFd& type_dir, const DirFd& work_dir,
             const std::vector<FileJob>& jobs, int parallel, Logger& logger,
             const std::atomic<bool>* cancel, const std::function<void(FileResult)>& done) {
  std::mutex mu;
  // The status also on the terminal, when stdout is one: a backup of a big database otherwise
  // says nothing for minutes. The line is ended before each result is reported, and stays ended
  // while it is (progress_mu), so a report never lands in the middle of it.
  std::fflush(stdout);
  ProgressLine progress(STDOUT_FILENO);
  std::mutex progress_mu;
  auto status = [&](const std::string& line) {
    {
      std::lock_guard<std::mutex> guard(mu);
      logger.Status(line);
    }
    std::lock_guard<std::mutex> guard(progress_mu);
    progress.Show(line);
  };
  auto report = [&](FileResult r) {
    std::lock_guard<std::mutex> guard(progress_mu);
    progress.Finish();
    done(std::move(r));
  };
  if (parallel <= 1 || jobs.size() <= 1) {
    for (const auto& job : jobs) {
      if (cancel != nullptr && cancel->load()) {
        FileResult r;
        r.job = job;
        r.outcome = Status(ErrorKind::kProcess, "Interrupted by a signal before it started");
        report(std::move(r));
        continue;
      }
      report(TakeFile(config, type_dir, work_dir, job, status, cancel));
    }
    return;
  }
  // Workers take jobs in order; results queue up for the caller, who alone logs and reports.
  size_t next = 0;
  std::vector<FileResult> finished;
  std::condition_variable cv;
  size_t outstanding = jobs.size();
  std::vector<std::thread> workers;
  for (int i = 0; i < parallel; ++i) {
    workers.emplace_back([&] {
      for (;;) {
        size_t mine;
        {
          std::lock_guard<std::mutex> guard(mu);
          if (next >= jobs.size()) return;
          mine = next++;
        }
        FileResult r;
        if (cancel != nullptr && cancel->load()) {
          r.job = jobs[mine];
          r.outcome = Status(ErrorKind::kProcess, "Interrupted by a signal before it started");
        } else {
          r = TakeFile(config, type_dir, work_dir, jobs[mine], status, cancel);
        }
        std::lock_guard<std::mutex> guard(mu);
        finished.push_back(std::move(r));
        cv.notify_one();
      }
    });
  }
  while (outstanding > 0) {
    std::vector<FileResult> batch;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !finished.empty(); });
      batch.swap(finished);
    }
    for (auto& r : batch) {
      --outstanding;
      report(std::move(r));
    }
  }
  for (auto& w : workers) w.join();
}

Status WriteManifest(const DirFd& type_dir, const DirFd& work_dir, const RunManifest& manifest,
                     std::string* path) {
  std::string name = ManifestFileName(manifest.type, manifest.stamp);
  std::string json = ManifestToJson(manifest);
  Sha256 hash;
  hash.Update({reinterpret_cast<const uint8_t*>(json.data()), json.size()});
  std::string sha = hash.FinishHex();
  // As for a backup: the .sha256 first, so a visible manifest always has one.
  Status s = WriteFileAtomically(work_dir, type_dir, name + kChecksumSuffix,
                                 ChecksumFileContent(sha, name));
  if (s.ok()) s = WriteFileAtomically(work_dir, type_dir, name, json);
  if (!s.ok()) return Status(s).AddContext("Cannot write the run's manifest");
  *path = type_dir.PathOf(name);
  return Status::Ok();
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

Status TakeRunLocked(const RunContext& ctx, BackupDirectory& dir, BackupType type,
                     RunOutcome* outcome) {
  const Config& config = ctx.config;
  const DatabaseSelection& sel = config.selection;
  bool single = sel.mode == DatabaseSelection::Mode::kSingle;
  auto start = Clock::now();
  std::time_t started = std::time(nullptr);
  auto type_folder = dir.TypeFolder(type, /*create=*/true);
  if (!type_folder.ok()) return type_folder.status();
  auto work_folder = dir.WorkFolder(/*create=*/true);
  if (!work_folder.ok()) return work_folder.status();
  const DirFd& type_dir = **type_folder;
  const DirFd& work_dir = **work_folder;
  auto user_options = ShellSplit(config.backup.mysqldump_options);
  if (!user_options.ok()) return user_options.status();  // validated at load; cannot happen

  // What the server is and holds, asked afresh on every run: a database created since the last
  // run is in this one.
  ctx.logger.Status("Asking the server what to back up");
  auto info = QueryServerInfo(config.database);
  if (!info.ok()) return Status(info.status()).AddContext("Cannot ask the server what it holds");
  std::vector<std::string> listed;
  if (!single) {
    auto l = ListDatabases(config.database);
    if (!l.ok()) return Status(l.status()).AddContext("Cannot list the server's databases");
    listed = std::move(*l);
  }
  SelectionPlan plan = PlanDatabases(sel, listed, !single);

  RunManifest& m = outcome->manifest;
  m.tool_version = MYSQL_BACKUP_VERSION;
  m.host = notify::LocalHostName();
  m.server_flavour = info->flavour;
  m.server_version = info->version;
  m.type = type;
  m.started = started;
  m.mysqldump_options = config.backup.mysqldump_options;
  m.selection = sel.Describe();
  m.expected = plan.expected;

  std::vector<std::string> options = *user_options;
  if (!info->log_bin) {
    m.binlog_note = "binary logging is off on the server: no position to record";
  } else if (!AsksForBinlogPosition(options)) {
    if (info->flavour == "MariaDB") {
      // MariaDB takes the position from the InnoDB snapshot of --single-transaction: no
      // RELOAD, no global read lock (checked on 10.11 with the least-privileged account).
      options.push_back("--master-data=2");
      options.push_back("--gtid");
    } else {
      m.binlog_note =
          "not recorded: add --source-data=2 to mysqldump_options (MySQL needs RELOAD and "
          "REPLICATION CLIENT for it)";
    }
  }
  if (!plan.excluded.empty()) {
    ctx.logger.Info("Left out by exclude: " + JoinNames(plan.excluded));
  }
  for (const auto& missing : plan.missing) {
    m.failed.push_back({missing, "not on the server (check the name in [database] databases)"});
    ctx.logger.Error("Database '" + missing + "' is expected but not on the server");
  }

  int parallel = std::max(1, std::min(config.backup.parallel_dumps, config.backup.threads));
  std::vector<FileJob> jobs;
  for (const auto& db : plan.to_dump) {
    FileJob job;
    job.type = type;
    job.database = db;
    job.options = options;
    jobs.push_back(std::move(job));
  }
  if (config.accounts && info->flavour != "MariaDB") {
    m.failed.push_back({"(accounts)",
                        "the accounts file needs mariadb-dump --system=users, which MySQL's "
                        "mysqldump lacks; set [database] accounts = no"});
  } else if (config.accounts) {
    FileJob job;
    job.type = type;
    job.kind = BackupKind::kAccounts;
    job.arguments = {"--system=users,plugins,udfs,servers", "--insert-ignore"};
    jobs.push_back(std::move(job));
  }
  parallel = std::min<int>(parallel, static_cast<int>(std::max<size_t>(1, jobs.size())));
  int threads_each = std::max(1, config.backup.threads / parallel);
  std::time_t stamp = UniqueRunStamp(type_dir, type, jobs);
  m.stamp = stamp;
  for (auto& job : jobs) {
    job.stamp = stamp;
    job.threads = threads_each;
  }

  // The privilege check is per database (grants may differ); each warning is said once.
  std::set<std::string> warned;
  for (const auto& db : plan.to_dump) {
    auto missing = MissingDumpPrivileges(config.database, db, *user_options);
    if (!missing.ok()) break;  // the dump will say what is wrong
    for (const auto& w : *missing) {
      if (warned.insert(w).second) ctx.logger.Warning("Incomplete backup ahead: " + w);
    }
  }

  Status single_failure;
  RunJobs(config, type_dir, work_dir, jobs, parallel, ctx.logger, ctx.cancel,
          [&](FileResult r) {
            std::string label = r.job.kind == BackupKind::kAccounts
                                    ? std::string("the accounts")
                                    : "database '" + r.job.database + "'";
            if (!r.dump_stderr.empty()) ctx.logger.Warning("mysqldump said: " + r.dump_stderr);
            if (r.outcome.ok()) {
              BackupOutcome o = std::move(*r.outcome);
              if (o.kind == BackupKind::kDatabase) m.dumped.push_back(o.database);
              ReportBackupSuccess(ctx, o, /*mail=*/single);
              m.files.push_back(o.entry);
              outcome->files.push_back(std::move(o));
              return;
            }
            const Status& s = r.outcome.status();
            if (single) {
              single_failure = s;
              return;
            }
            if (r.job.kind == BackupKind::kDatabase &&
                sel.mode == DatabaseSelection::Mode::kAll) {
              // Dropped between the listing and its turn: not a failure under *.
              auto now = ListDatabases(config.database);
              if (now.ok() &&
                  std::find(now->begin(), now->end(), r.job.database) == now->end()) {
                m.vanished.push_back(r.job.database);
                ctx.logger.Warning("Database '" + r.job.database +
                                   "' was dropped during the run; it is not in this backup");
                return;
              }
            }
            std::string name = r.job.kind == BackupKind::kAccounts ? "(accounts)" : r.job.database;
            m.failed.push_back({name, s.ToString()});
            ctx.logger.Error("Backup of " + label + " failed: " + s.ToString());
            if (!s.detail().empty()) ctx.logger.Error(s.detail());
          });
  if (single && !single_failure.ok()) return single_failure;

  // Keep the manifest's lists in a stable order, whatever order parallel dumps finished in.
  auto order = [&](const std::string& a, const std::string& b) {
    auto pos = [&](const std::string& n) {
      return std::find(plan.to_dump.begin(), plan.to_dump.end(), n) - plan.to_dump.begin();
    };
    return pos(a) < pos(b);
  };
  std::sort(m.dumped.begin(), m.dumped.end(), order);
  std::sort(m.files.begin(), m.files.end(), [&](const ManifestFile& a, const ManifestFile& b) {
    if (a.kind != b.kind) return a.kind == BackupKind::kDatabase;
    return order(a.database, b.database);
  });
  if (auto previous = PreviousManifest(dir, type, stamp)) {
    for (const auto& db : m.dumped) {
      if (std::find(previous->dumped.begin(), previous->dumped.end(), db) ==
          previous->dumped.end()) {
        m.added.push_back(db);
      }
    }
  }
  m.expected.erase(std::remove_if(m.expected.begin(), m.expected.end(),
                                  [&](const std::string& db) {
                                    return std::find(m.vanished.begin(), m.vanished.end(), db) !=
                                           m.vanished.end();
                                  }),
                   m.expected.end());
  m.finished = std::time(nullptr);
  outcome->duration_usec = UsecSince(start);
  if (!outcome->files.empty()) {
    Status s = WriteManifest(type_dir, work_dir, m, &outcome->manifest_path);
    if (!s.ok()) return s;
  }
  if (!m.failed.empty()) {
    std::vector<std::string> names;
    for (const auto& f : m.failed) names.push_back(f.database);
    return Status(ErrorKind::kIncomplete,
                  "no verified backup of " + JoinNames(names) + " (" +
                      std::to_string(m.dumped.size()) + " of " +
                      std::to_string(m.dumped.size() + m.failed.size()) +
                      " databases were backed up and verified)");
  }
  return Status::Ok();
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
  std::vector<std::string> to_copy;  // offsite, in the order made, each run's manifest last
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

  const DatabaseSelection& sel = ctx.config.selection;
  std::string what = sel.mode == DatabaseSelection::Mode::kSingle
                         ? "database '" + ctx.config.database_name + "'"
                     : sel.mode == DatabaseSelection::Mode::kAll
                         ? std::string("every database")
                         : "databases " + sel.Describe();
  for (BackupType type : types) {
    if (ctx.cancel != nullptr && ctx.cancel->load()) {
      fail(type, Status(ErrorKind::kProcess, "Interrupted by a signal before it started"));
      continue;
    }
    // With --backup-type all, each type's entries carry their own BACKUP_TYPE.
    ctx.logger.SetCommonField("BACKUP_TYPE", std::string(BackupTypeName(type)));
    ctx.logger.Info("Starting " + std::string(BackupTypeName(type)) + " backup of " + what);
    RunOutcome run;
    Status r = TakeRunLocked(ctx, *dir, type, &run);
    for (const auto& f : run.files) {
      just_made.insert(f.path);
      to_copy.push_back(f.path);
    }
    if (!run.manifest_path.empty()) {
      just_made.insert(run.manifest_path);
      to_copy.push_back(run.manifest_path);  // last: a run is complete remotely once it is there
    }
    if (sel.mode != DatabaseSelection::Mode::kSingle && !run.manifest_path.empty()) {
      ReportRunSummary(ctx, run, r);
    }
    if (!r.ok()) {
      std::string verb = r.kind() == ErrorKind::kIncomplete ? " backup incomplete"
                                                             : " backup failed";
      fail(type, Status(r).AddContext(Capitalized(BackupTypeName(type)) + verb));
    }
  }
  // Offsite copies of what this run made; a failure is exit 76, the local backups stay.
  Status offsite = CopyToTargets(ctx, to_copy);
  if (first_failure.ok()) first_failure = offsite;
  if (ctx.options.cleanup_after_backup) {
    ctx.logger.SetCommonField("BACKUP_TYPE", "cleanup");
    Status c = RunCleanupLocked(ctx, *dir, just_made);
    if (first_failure.ok()) first_failure = c;
  }
  return first_failure;
}

}  // namespace mysql_backup
