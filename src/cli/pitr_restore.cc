#include "cli/pitr_restore.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "binlog/archive.h"
#include "binlog/binlog_reader.h"
#include "binlog/dump_position.h"
#include "binlog/replay_index.h"
#include "binlog/replay_files.h"
#include "binlog/replay_plan.h"
#include "cli/output.h"
#include "cli/server_restore.h"
#include "dump/manifest_io.h"
#include "mysql/sql_client.h"
#include "restore/binlog_replay.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"
#include "util/local_time.h"

namespace mysql_backup {

namespace {

Result<ReplayTarget> ParseTarget(const Options& o, const std::string& zone) {
  ReplayTarget t;
  if (!o.until_gtid.empty()) {
    t.kind = ReplayTarget::Kind::kGtid;
    if (!ParseGtid(o.until_gtid, &t.gtid)) {
      return Status(ErrorKind::kUsage, "--until-gtid: '" + o.until_gtid +
                                           "' is not a GTID of the form DOMAIN-SERVER-SEQUENCE "
                                           "(such as 0-1-1234)");
    }
  } else if (o.until == "end") {
    t.kind = ReplayTarget::Kind::kEnd;
  } else {
    t.kind = ReplayTarget::Kind::kTime;
    auto time = ParseLocalTime(o.until, zone);
    if (!time.ok()) return time.status();
    t.time = *time;
  }
  return t;
}

// Where the run's dumps are consistent with the binlog (binlog/dump_position.h).
DumpPoint DumpPointOf(const ManifestLocation& where, const RunManifest& m) {
  DumpPoint d;
  d.label = std::string(BackupTypeName(where.type)) + " run " + FormatUtcStamp(where.stamp);
  d.finished = m.finished;
  ReplayStart start = ReplayStartOf(m);
  d.position = std::move(start.position);
  d.why_not = std::move(start.why_not);
  d.later = std::move(start.later);
  return d;
}

std::optional<uint64_t> SeqIn(const std::vector<Gtid>& state, uint32_t domain) {
  std::optional<uint64_t> seq;
  for (const auto& g : state) {
    if (g.domain == domain && (!seq || g.seq > *seq)) seq = g.seq;
  }
  return seq;
}

}  // namespace

Status RunPitrRestore(const RunContext& ctx) {
  const Config& config = ctx.config;
  const Options& options = ctx.options;
  const ConnectionConfig& conn = config.restore;
  auto started = std::chrono::steady_clock::now();

  auto zone = ResolveTimeZone(options.timezone);
  if (!zone.ok()) return zone.status();
  auto target = ParseTarget(options, *zone);
  if (!target.ok()) return target.status();
  auto describe = [&](std::time_t t) {
    return FormatLocalTime(t, *zone) + " (" + FormatUtcTime(t) + ")";
  };

  auto dir = BackupDirectory::Open(config.backup.backup_dir);
  if (!dir.ok()) return dir.status();
  auto lock = DirectoryLock::Acquire(*dir, LockMode::kShared, config.backup.lock_timeout_sec);
  if (!lock.ok()) return lock.status();

  // The runs, newest first, with where each is consistent with the binlog.
  ctx.logger.Status("Planning the point-in-time restore");
  auto manifests = ListManifests(*dir);
  if (!manifests.ok()) return manifests.status();
  std::vector<DumpPoint> dumps;
  std::vector<RunManifest> read;
  for (const auto& where : *manifests) {
    auto m = ReadManifest(*dir, where);
    if (!m.ok()) {
      DumpPoint d;
      d.label = std::string(BackupTypeName(where.type)) + " run " + FormatUtcStamp(where.stamp);
      d.why_not = m.status().message();
      dumps.push_back(std::move(d));
      read.emplace_back();
      continue;
    }
    dumps.push_back(DumpPointOf(where, *m));
    read.push_back(std::move(*m));
  }
  auto archives = ReadBinlogIndexes(dir->root());
  if (!archives.ok()) {
    return Status(archives.status()).AddContext("Refusing the restore; nothing was loaded");
  }
  auto work = dir->WorkFolder(true);
  if (!work.ok()) return work.status();
  auto archive_dir = OpenSubdirectory(dir->root(), kBinlogFolderName);
  if (!archive_dir.ok()) return archive_dir.status();

  // Plan, then check and unpack the binlog files and find the cut, before the server is
  // touched. A run whose databases were dumped at different positions with writes to them in
  // between cannot be replayed from one point: the next older run is planned instead.
  Result<ReplayPlan> plan = Status(ErrorKind::kGap, "no plan");
  Result<std::unique_ptr<ReplayFiles>> files = Status(ErrorKind::kGap, "no plan");
  for (;;) {
    // The files of a passed-over run go first: the next ones use the same folder name.
    files = Status(ErrorKind::kGap, "no plan");
    plan = PlanReplay(dumps, *archives, *target, describe);
    if (!plan.ok()) {
      return Status(plan.status()).AddContext("Refusing the restore; nothing was loaded");
    }
    if (!archive_dir->has_value()) return Status(ErrorKind::kGap, "the binlog archive vanished");
    auto server_dir = OpenSubdirectory(**archive_dir, (*archives)[plan->archive].server);
    if (!server_dir.ok()) return server_dir.status();
    if (!server_dir->has_value()) return Status(ErrorKind::kGap, "the binlog archive vanished");
    ctx.logger.Status("Checking the archived binlogs");
    files = ReplayFiles::Prepare(**work, **server_dir, *plan, *target, dumps[plan->dump].later,
                                 ctx.cancel);
    if (!files.ok()) {
      return Status(files.status()).AddContext("Refusing the restore; nothing was loaded");
    }
    if ((*files)->conflict().empty()) break;
    DumpPoint& passed = dumps[plan->dump];
    ctx.logger.Info("Passing over the " + passed.label + ": " + (*files)->conflict());
    passed.why_not = "its databases were dumped at different binlog positions and " +
                     (*files)->conflict();
    passed.position.reset();
  }
  const ManifestLocation& where = (*manifests)[plan->dump];
  const RunManifest& manifest = read[plan->dump];
  const DumpPoint& dump = dumps[plan->dump];
  ctx.logger.Info("Restoring the " + dump.label + " (binlog position '" + plan->start.file + "' " +
                  std::to_string(plan->start.position) +
                  (plan->start.gtid.empty() ? "" : ", GTID " + plan->start.gtid) + ") and " +
                  std::to_string((*files)->files().size()) + " archived binlog file(s) from '" +
                  (*archives)[plan->archive].path + "'");

  // The run must hold every database the replay writes to (or the replay creates it).
  std::vector<std::string> not_dumped;
  for (const auto& db : (*files)->databases()) {
    bool in_run = db == "mysql" ||
                  std::any_of(manifest.files.begin(), manifest.files.end(), [&](const auto& f) {
                    return f.kind == BackupKind::kDatabase && f.database == db;
                  });
    if (!in_run) not_dumped.push_back("'" + db + "'");
  }
  std::string not_dumped_text;
  for (const auto& n : not_dumped) not_dumped_text += (not_dumped_text.empty() ? "" : ", ") + n;
  if (!not_dumped.empty()) {
    ctx.logger.Warning("The binlogs write rows to database(s) " + not_dumped_text + ", which the " +
                       dump.label + " did not dump; the replay fails unless it creates them");
  }

  // A target that logs binary: its own GTIDs must not be ahead of the ones the replay brings.
  auto vars = QuerySql(conn, "SELECT @@log_bin, @@gtid_binlog_pos");
  if (!vars.ok()) return Status(vars.status()).AddContext("Cannot ask the [restore] server");
  bool target_logs = !vars->empty() && !(*vars)[0].empty() && (*vars)[0][0] == "1";
  if (target_logs && (*files)->transactions() > 0) {
    std::vector<Gtid> dump_state = ParseGtidState(plan->start.gtid);
    std::vector<Gtid> target_state =
        ParseGtidState((*vars)[0].size() > 1 ? (*vars)[0][1] : std::string());
    const auto& last = (*files)->last_applied();
    for (const auto& g : target_state) {
      auto dump_seq = SeqIn(dump_state, g.domain);
      bool replayed = dump_seq || (last && last->has_gtid && last->gtid.domain == g.domain);
      if (replayed && g.seq > dump_seq.value_or(0)) {
        return Status(ErrorKind::kUsage,
                      "the [restore] server's binary log already holds GTID " + g.ToString() +
                          ", beyond the dump's " +
                          (plan->start.gtid.empty() ? std::string("(none)") : plan->start.gtid) +
                          " in domain " + std::to_string(g.domain) +
                          ": the replayed GTIDs would be out of order (ERROR 1950 under "
                          "gtid_strict_mode). On a server being rebuilt, run RESET MASTER there "
                          "first (it deletes that server's binary logs); nothing was loaded");
      }
    }
  }

  ServerRestoreSettings settings;
  settings.skip_binlog = target_logs;
  Status s = RestoreServerRun(ctx, *dir, where, manifest, settings);
  if (!s.ok()) return s;

  const auto& last = (*files)->last_applied();
  if ((*files)->transactions() > 0) {
    ctx.logger.Status("Replaying " + std::to_string((*files)->transactions()) +
                      " transaction(s) from the binlogs");
    ctx.logger.Info("Replaying '" + (*files)->files().front() + "' from byte " +
                    std::to_string((*files)->start_position()) + " to '" +
                    (*files)->files().back() + "' " +
                    ((*files)->stop_position() != 0
                         ? "byte " + std::to_string((*files)->stop_position())
                         : std::string("end")));
    BinlogReplayRequest request;
    request.dir = &(*files)->dir();
    request.files = (*files)->files();
    request.start_position = (*files)->start_position();
    request.stop_position = (*files)->stop_position();
    request.connection = conn;
    request.cancel = ctx.cancel;
    s = ReplayBinlogs(request);
    if (!s.ok()) {
      return s.AddContext("The dump of the " + dump.label + " is loaded, but replaying the "
                          "binlogs failed" +
                          (not_dumped.empty() ? std::string()
                                              : " (they write to " + not_dumped_text +
                                                    ", which the run did not dump)") +
                          "; the server holds the dump plus part of the replay");
    }
  }

  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string line;
  if (last) {
    line = "Replayed " + std::to_string((*files)->transactions()) +
           " transaction(s) after the " + dump.label + "; the last applied committed at " +
           describe(last->time) +
           (last->has_gtid ? ", GTID " + last->gtid.ToString() : std::string()) + " ('" +
           last->file + "' ending at byte " + std::to_string(last->end) + ")";
  } else {
    line = "Nothing to replay after the " + dump.label +
           ": the target is at its binlog position (" +
           (plan->start.gtid.empty() ? plan->start.file : "GTID " + plan->start.gtid) + ")";
  }
  char took[64];
  std::snprintf(took, sizeof took, " in %.1f s", secs);
  PrintResultLine(line + took);
  ctx.logger.Log(Priority::kNotice, line + took);
  return Status::Ok();
}

}  // namespace mysql_backup
