// --restore-test: the restore drill. Restores a backup into a scratch database while a
// DumpScanner counts what the dump inserts and creates, then compares with what the server
// holds. The scratch database is dropped afterwards, whatever happened.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "binlog/archive_index.h"
#include "binlog/chain_check.h"
#include "binlog/dump_position.h"
#include "cli/backup_action.h"
#include "cli/output.h"
#include "cli/inspect_actions.h"
#include "cli/offsite_action.h"
#include "cli/restore_action.h"
#include "codec/sha256.h"
#include "dump/manifest_io.h"
#include "dump/load_check.h"
#include "dump/verify.h"
#include "journal/message_ids.h"
#include "sql/dump_scanner.h"
#include "restore/restore_stream.h"
#include "mysql/sql_client.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

// Owns the scratch database: dropped on every way out, including an early error return.
class ScratchDatabase {
 public:
  ScratchDatabase(const ConnectionConfig& conn, std::string name)
      : conn_(conn), name_(std::move(name)) {}
  ~ScratchDatabase() {
    if (created_) (void)Drop();
  }
  Status Create() {
    auto r = QuerySql(conn_, "CREATE DATABASE " + QuoteIdentifier(name_) +
                                 " CHARACTER SET utf8mb4");
    if (!r.ok()) return r.status();
    created_ = true;
    return Status::Ok();
  }
  Status Drop() {
    created_ = false;
    auto r = QuerySql(conn_, "DROP DATABASE IF EXISTS " + QuoteIdentifier(name_));
    return r.ok() ? Status::Ok() : r.status();
  }
  const std::string& name() const { return name_; }

 private:
  ConnectionConfig conn_;
  std::string name_;
  bool created_ = false;
};

// Scratch names carry a hash of the source database, so leftovers of a killed drill of this
// database (and only of this one) can be recognised and dropped by the next drill.
std::string ScratchPrefix(const std::string& database) {
  Sha256 sha;
  sha.Update({reinterpret_cast<const uint8_t*>(database.data()), database.size()});
  return "mysql_backup_drill_" + sha.FinishHex().substr(0, 8) + "_";
}

Result<std::set<std::string>> Names(const ConnectionConfig& conn, const std::string& sql) {
  auto rows = QuerySql(conn, sql);
  if (!rows.ok()) return rows.status();
  std::set<std::string> out;
  for (const auto& row : *rows) {
    if (!row.empty()) out.insert(row[0]);
  }
  return out;
}

void CompareSets(const std::string& what, const std::set<std::string>& expected,
                 const std::set<std::string>& actual, std::vector<std::string>* differences) {
  for (const auto& n : expected) {
    if (!actual.count(n)) differences->push_back(what + " '" + n + "' is in the dump but missing after the restore");
  }
  for (const auto& n : actual) {
    if (!expected.count(n)) differences->push_back(what + " '" + n + "' exists after the restore but the dump does not create it");
  }
}

// What a drill restores: a file, the database it was dumped from, and the run's record of it.
struct DrillTarget {
  std::string path;
  std::string database;
  std::optional<ManifestFile> entry;
  // --restore-test --target: the copy on the target, already verified in a first download.
  std::shared_ptr<RemoteBackupSource> remote;
};

// The manifest of the run that made `backup`, when the run wrote one (older backups have none).
Result<std::optional<RunManifest>> ManifestOfRun(BackupDirectory& dir, const BackupName& backup) {
  auto manifests = ListManifests(dir);
  if (!manifests.ok()) return manifests.status();
  for (const auto& m : *manifests) {
    if (m.type != backup.type || m.stamp != backup.created) continue;
    auto read = ReadManifest(dir, m);
    if (!read.ok()) return read.status();
    return std::optional<RunManifest>(std::move(*read));
  }
  return std::optional<RunManifest>();
}

// A named file; or with `database = NAME`, its newest backup; or with `databases =`, every
// database of the newest run that the configuration selects.
Result<std::vector<DrillTarget>> DrillTargets(const RunContext& ctx, BackupDirectory& dir) {
  const Config& config = ctx.config;
  std::vector<DrillTarget> out;
  if (!ctx.options.target.empty()) {
    auto source = OpenVerifiedRemoteBackup(ctx, ctx.options.files.at(0));
    if (!source.ok()) return Status(source.status()).AddContext("Restore drill refused the backup");
    DrillTarget t;
    t.remote = std::make_shared<RemoteBackupSource>(std::move(*source));
    t.path = t.remote->url;
    auto name = ParseBackupFileName(t.remote->file_name);
    t.database = name ? name->database : config.database_name;
    out.push_back(std::move(t));
    return out;
  }
  if (!ctx.options.files.empty()) {
    DrillTarget t;
    t.path = AbsolutePath(ctx.options.files[0]);
    auto name = ParseBackupFileName(BaseName(t.path));
    t.database = name ? name->database : config.database_name;
    out.push_back(std::move(t));
    return out;
  }
  auto backups = dir.ListBackups();
  if (!backups.ok()) return backups.status();
  const DatabaseSelection& sel = config.selection;
  if (sel.mode == DatabaseSelection::Mode::kSingle) {
    for (const auto& b : *backups) {
      if (b.name.kind != BackupKind::kDatabase || b.name.database != config.database_name) continue;
      DrillTarget t{b.path, b.name.database, std::nullopt, nullptr};
      auto manifest = ManifestOfRun(dir, b.name);
      if (!manifest.ok()) return manifest.status();
      if (*manifest) {
        if (const ManifestFile* e = FindDatabaseFile(**manifest, b.name.database)) t.entry = *e;
      }
      out.push_back(std::move(t));
      return out;
    }
    return Status(ErrorKind::kIntegrity, "no backup of database '" + config.database_name +
                                             "' in '" + config.backup.backup_dir +
                                             "' to drill with");
  }
  auto selected = [&](const std::string& db) {
    return sel.mode == DatabaseSelection::Mode::kAll ||
           std::find(sel.names.begin(), sel.names.end(), db) != sel.names.end();
  };
  auto manifests = ListManifests(dir);
  if (!manifests.ok()) return manifests.status();
  for (const auto& where : *manifests) {
    auto m = ReadManifest(dir, where);
    if (!m.ok()) return Status(m.status()).AddContext("Restore drill refused the newest run");
    auto folder = dir.TypeFolder(where.type);
    if (!folder.ok()) return folder.status();
    for (const auto& f : m->files) {
      if (f.kind != BackupKind::kDatabase || !selected(f.database)) continue;
      out.push_back({(*folder)->PathOf(f.name), f.database, f, nullptr});
    }
    if (!out.empty()) return out;
  }
  return Status(ErrorKind::kIntegrity, "no run with a manifest in '" + config.backup.backup_dir +
                                           "' to drill with; take a backup first");
}

// The drill's look at the binlog archive: the chain from the newest run's binlog position to
// the newest archived file (binlog/chain_check.h). Run when [pitr] is enabled or an archive
// exists. Errors: kGap / kIntegrity (65) naming the file; a newest run without a position is
// kIntegrity under [pitr] enabled (it cannot be rolled forward), a note otherwise.
Status DrillBinlogChain(const RunContext& ctx, BackupDirectory& dir) {
  const Config& config = ctx.config;
  auto binlog = OpenBinlogFolder(config.backup.backup_dir);
  if (!binlog.ok()) return binlog.status();
  if (!config.pitr.enabled && !binlog->has_value()) return Status::Ok();
  auto manifests = ListManifests(dir);
  if (!manifests.ok()) return manifests.status();
  std::optional<BinlogPosition> from;
  std::string run = "(none)", why_not = "no run has a manifest";
  if (!manifests->empty()) {
    const ManifestLocation& newest = manifests->front();
    run = newest.path;
    auto m = ReadManifest(dir, newest);
    if (!m.ok()) return Status(m.status()).AddContext("Binlog chain check refused the newest run");
    // Where the restore would start (binlog/dump_position.h): the drill checks that chain.
    ReplayStart start = ReplayStartOf(*m);
    from = start.position;
    why_not = start.why_not;
  }
  if (!from) {
    std::string what = "the newest run '" + run + "' cannot be rolled forward with the binlog "
                       "archive: " + why_not;
    if (config.pitr.enabled) return Status(ErrorKind::kIntegrity, "Binlog chain check: " + what);
    ctx.logger.Info("Binlog chain check skipped: " + what);
    return Status::Ok();
  }
  ctx.logger.Status("Restore drill: checking the binlog chain");
  std::string start = from->file + ":" + std::to_string(from->position);
  auto chain = CheckBinlogChain(config.backup.backup_dir, from->file, from->position);
  if (!chain.ok()) {
    return Status(chain.status()).AddContext("Binlog chain check from the newest dump's position '" +
                                             start + "' failed");
  }
  std::string line;
  if (chain->nothing_after_dump) {
    line = "Binlog chain check: nothing archived from the newest dump's position '" + start +
           "' on yet in '" + chain->archive_dir + "' (the binary log has not rotated since)";
  } else {
    line = "Binlog chain check passed: " + std::to_string(chain->checked.size()) +
           " archived binary log(s) from the newest dump's position '" + start + "' to '" +
           chain->checked.back() + "' in '" + chain->archive_dir +
           "' decode, match their checksums and follow on";
  }
  PrintResultLine(line);
  ctx.logger.Info(line);
  return Status::Ok();
}

}  // namespace

// One file into its own scratch database, compared with what its dump holds and, when the
// run's manifest is there, with what the manifest recorded while dumping.
static Status DrillOne(const RunContext& ctx, const DrillTarget& target) {
  const Config& config = ctx.config;
  const ConnectionConfig& conn = config.restore;
  const std::string& path = target.path;
  auto start = std::chrono::steady_clock::now();
  Status s;
  StoredFormat format;
  std::vector<age::X25519Identity> identities;
  std::string file_sha256;  // of the local file, for the manifest's record
  if (target.remote) {
    format = target.remote->Format();
  } else {
    auto stored = StoredFormatOfFile(path);
    if (!stored.ok()) return stored.status();
    format = *stored;
    if (format.encrypted) {
      auto loaded = LoadIdentities(config.encryption, "restore", path);
      if (!loaded.ok()) return loaded.status();
      identities = std::move(*loaded);
      format.identities = &identities;
    }
    bool proven_at_write = false;
    auto check = VerifyBeforeLoad(path, format, &proven_at_write);
    if (!check.ok()) return Status(check.status()).AddContext("Restore drill refused the backup");
    file_sha256 = check->sha256;
    ctx.logger.Info(ProvenLine(path, proven_at_write));
  }

  std::string prefix = ScratchPrefix(target.database);
  auto leftovers = Names(conn, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE "
                               "SCHEMA_NAME LIKE " + QuoteString(prefix + "%"));
  if (!leftovers.ok()) return leftovers.status();
  for (const auto& name : *leftovers) {
    if (name.rfind(prefix, 0) != 0) continue;
    ctx.logger.Info("Dropping '" + name + "', left by an interrupted restore drill");
    (void)QuerySql(conn, "DROP DATABASE IF EXISTS " + QuoteIdentifier(name));
  }

  ScratchDatabase scratch(conn, prefix + FormatUtcStamp(std::time(nullptr)) + "_" +
                                    std::to_string(getpid()));
  s = scratch.Create();
  if (!s.ok()) return s.AddContext("Cannot create the scratch database");
  ctx.logger.Info("Restore drill: loading '" + path + "' into scratch database '" +
                      scratch.name() + "'",
                  {{"BACKUP_FILE", path}});
  ctx.logger.Status("Restore drill: loading " + BaseName(path));

  GuardSettings settings = RestoreGuardSettings(path, scratch.name());
  if (settings.source.empty()) settings.source = target.database;
  // An event of the backup must not fire in the scratch database while the drill runs.
  settings.disable_events = true;
  RestoreGuard guard(settings);
  const DumpScanner& scanner = guard.scanner();
  RestoreRequest request;
  request.path = path;
  if (target.remote) {
    request.source = [&](ByteSink* sink) { return target.remote->Download(sink); };
    request.source_size = target.remote->size;
  }
  request.compression = format.compression;
  request.encrypted = format.encrypted;
  request.identities = format.identities;
  request.connection = conn;
  request.database = scratch.name();
  request.guard = &guard;
  request.cancel = ctx.cancel;
  s = SetUpRestoreThreads(ctx, &request);
  if (s.ok()) s = StreamRestore(request);
  LogGuardFindings(ctx, guard, path);
  if (!s.ok()) {
    // Only a load that failed by itself says the backup does not restore. A drill stopped by a
    // signal, a server gone or an unreadable file say nothing about the backup: they keep their
    // own exit codes, so a monitor is not told the backup is bad.
    if ((ctx.cancel != nullptr && ctx.cancel->load()) || s.kind() == ErrorKind::kConnection ||
        s.kind() == ErrorKind::kStorage) {
      return s.AddContext("Restore drill of '" + path + "' stopped");
    }
    if (s.kind() == ErrorKind::kIntegrity) return s.AddContext("Restore drill of '" + path + "' failed");
    return Status(ErrorKind::kIntegrity, "the backup does not restore: " + s.ToString())
        .SetDetail(s.detail());
  }

  ctx.logger.Status("Restore drill: comparing");
  std::string schema = QuoteString(scratch.name());
  std::vector<std::string> differences;
  auto tables = Names(conn, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                                schema + " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')");
  if (!tables.ok()) return tables.status();
  CompareSets("table", scanner.tables(), *tables, &differences);

  uint64_t rows_total = 0;
  std::map<std::string, uint64_t> restored_rows;
  std::vector<std::string> ordered(tables->begin(), tables->end());
  if (!ordered.empty()) {
    std::string sql;
    for (const auto& t : ordered) {
      sql += "SELECT COUNT(*) FROM " + QuoteIdentifier(scratch.name()) + "." + QuoteIdentifier(t) +
             ";\n";
    }
    auto counts = QuerySql(conn, sql);
    if (!counts.ok()) return counts.status();
    if (counts->size() != ordered.size()) {
      return Status(ErrorKind::kProcess, "unexpected answer to the row counts");
    }
    for (size_t i = 0; i < ordered.size(); ++i) {
      uint64_t actual = std::strtoull((*counts)[i].at(0).c_str(), nullptr, 10);
      auto it = scanner.rows_inserted().find(ordered[i]);
      uint64_t expected = it == scanner.rows_inserted().end() ? 0 : it->second;
      rows_total += actual;
      restored_rows[ordered[i]] = actual;
      if (actual != expected) {
        differences.push_back("table '" + ordered[i] + "': the dump inserts " +
                              std::to_string(expected) + " rows, the restored table has " +
                              std::to_string(actual));
      }
    }
  }
  for (const auto& [table, n] : scanner.rows_inserted()) {
    if (!tables->count(table) && n > 0) {
      differences.push_back("table '" + table + "': the dump inserts " + std::to_string(n) +
                            " rows, but no such table exists after the restore");
    }
  }
  struct ObjectQuery {
    const char* what;
    const std::set<std::string>& expected;
    std::string sql;
  };
  const ObjectQuery objects[] = {
      {"view", scanner.views(),
       "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = " + schema},
      {"procedure", scanner.procedures(),
       "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + schema +
           " AND ROUTINE_TYPE = 'PROCEDURE'"},
      {"function", scanner.functions(),
       "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + schema +
           " AND ROUTINE_TYPE = 'FUNCTION'"},
      {"trigger", scanner.triggers(),
       "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + schema},
      {"sequence", scanner.sequences(),
       "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + schema +
           " AND TABLE_TYPE = 'SEQUENCE'"},
      {"event", scanner.events(),
       "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + schema},
  };
  size_t object_count = 0;
  for (const auto& q : objects) {
    auto actual = Names(conn, q.sql);
    if (!actual.ok()) return actual.status();
    CompareSets(q.what, q.expected, *actual, &differences);
    object_count += q.expected.size();
  }

  if (target.entry) {
    // The file must be the one the run wrote, and hold the rows the dump stream had then.
    if (target.entry->sha256 != file_sha256) {
      differences.push_back("the file's SHA-256 is " + file_sha256 + ", the run's manifest says " +
                            target.entry->sha256);
    }
    for (const auto& [table, rows] : target.entry->table_rows) {
      auto it = restored_rows.find(table);
      if (it == restored_rows.end()) {
        differences.push_back("table '" + table + "' is in the run's manifest but missing after "
                              "the restore");
      } else if (it->second != rows) {
        differences.push_back("table '" + table + "': the manifest recorded " +
                              std::to_string(rows) + " rows while dumping, the restored table has " +
                              std::to_string(it->second));
      }
    }
  }

  s = scratch.Drop();
  if (!s.ok()) {
    ctx.logger.Warning("Failed to drop scratch database '" + scratch.name() + "', ignoring: " +
                       s.ToString());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char summary[512];
  if (differences.empty()) {
    std::snprintf(summary, sizeof summary,
                  "Restore drill passed: '%s' restores with %zu tables, %llu rows and %zu views, "
                  "routines, triggers and events as the dump holds them (%.1f s)",
                  path.c_str(), tables->size(), static_cast<unsigned long long>(rows_total),
                  object_count, secs);
    PrintResultLine(summary);
    ctx.logger.Log(Priority::kNotice, summary,
                   {{"MESSAGE_ID", kMessageRestoreTestPassed}, {"BACKUP_FILE", path}});
    return Status::Ok();
  }
  std::string detail;
  for (const auto& d : differences) detail += "  " + d + "\n";
  detail.pop_back();
  std::snprintf(summary, sizeof summary, "Restore drill FAILED for '%s': %zu difference(s)",
                path.c_str(), differences.size());
  return Status(ErrorKind::kIntegrity, summary).SetDetail(detail);
}



Status RunRestoreTestAction(const RunContext& ctx) {
  const Config& config = ctx.config;
  // Under the lock (shared: the drill only reads backup_dir, which may be read-only), so the
  // cleanup cannot delete the backup while it is read.
  auto dir = BackupDirectory::Open(config.backup.backup_dir);
  if (!dir.ok()) return dir.status();
  auto lock = DirectoryLock::Acquire(*dir, LockMode::kShared, config.backup.lock_timeout_sec);
  if (!lock.ok()) return lock.status();

  auto targets = DrillTargets(ctx, *dir);
  if (!targets.ok()) return targets.status();
  Status first_failure;
  size_t passed = 0;
  for (const auto& target : *targets) {
    if (ctx.cancel != nullptr && ctx.cancel->load()) {
      return Status(ErrorKind::kProcess, "Restore drill interrupted by a signal");
    }
    ctx.logger.SetCommonField("BACKUP_DATABASE", target.database);
    Status s = DrillOne(ctx, target);
    if (s.ok()) {
      ++passed;
      continue;
    }
    // A drill stopped by a signal or a lost server says nothing about the other backups.
    if (s.kind() != ErrorKind::kIntegrity) return s;
    ctx.logger.Error(s.ToString());
    if (!s.detail().empty()) ctx.logger.Error(s.detail());
    if (first_failure.ok()) first_failure = s;
  }
  if (targets->size() > 1) {
    ctx.logger.SetCommonField("BACKUP_DATABASE", config.selection.Describe());
    std::string line = "Restore drill of " + std::to_string(targets->size()) +
                       " databases: " + std::to_string(passed) + " passed, " +
                       std::to_string(targets->size() - passed) + " failed";
    if (first_failure.ok()) {
      PrintResultLine(line);
      ctx.logger.Log(Priority::kNotice, line);
    } else {
      first_failure = Status(ErrorKind::kIntegrity, line).SetDetail(first_failure.ToString());
    }
  }
  // The archive is checked in a local drill (a --target drill is about the remote copy).
  if (ctx.options.target.empty()) {
    Status chain = DrillBinlogChain(ctx, *dir);
    if (!chain.ok()) {
      if (chain.kind() != ErrorKind::kIntegrity && chain.kind() != ErrorKind::kGap) return chain;
      if (!first_failure.ok()) {
        // Both failed: the dump's failure is the run's, the chain's is logged beside it.
        ctx.logger.Error(chain.ToString());
      } else {
        first_failure = chain;
      }
    }
  }
  return first_failure;
}

}  // namespace mysql_backup
