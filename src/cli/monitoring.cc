#include "cli/monitoring.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "binlog/archive_index.h"
#include "cli/output.h"
#include "monitor/binlog_freshness.h"
#include "monitor/freshness.h"
#include "monitor/metrics_file.h"
#include "monitor/ping.h"
#include "monitor/state_file.h"
#include "storage/backup_dir.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

// The state-file jobs a run of this action updates; empty for actions that are not jobs
// (--list, --restore, mails, --check).
std::vector<std::string> JobsOf(const Options& options) {
  switch (options.action) {
    case Action::kBackup:
      if (options.backup_type == "all") return {"daily", "weekly", "monthly"};
      return {options.backup_type};
    case Action::kCleanup:
      if (options.dry_run) return {};
      return {"cleanup"};
    case Action::kVerify:
      return {"verify"};
    case Action::kRestoreTest:
      return {"restore-test"};
    case Action::kArchiveBinlogs:
      return {"binlogs"};
    default:
      return {};
  }
}

void SendPing(const RunContext& ctx, const std::string& suffix, const std::string& body) {
  const MonitoringConfig& m = ctx.config.monitoring;
  Status s = monitor::Ping(monitor::PingUrl(m.ping_url, suffix), body, m.ping_timeout_sec);
  if (!s.ok()) {
    ctx.logger.Warning("Heartbeat ping" + (suffix.empty() ? "" : " '/" + suffix + "'") + " to " +
                       monitor::RedactUrl(m.ping_url) + " failed, ignoring: " + s.ToString());
  }
}

// The times of every binlog archive under backup_dir, from the sidecars (empty: no archive).
// Entries that are not ours are left out of the times and added to `problems`.
Result<std::vector<monitor::BinlogArchiveTimes>> ReadBinlogArchiveTimes(
    const std::string& backup_dir, std::vector<Status>* problems) {
  std::vector<monitor::BinlogArchiveTimes> out;
  auto index = ReadArchiveIndex(backup_dir);
  if (!index.ok()) return index.status();
  for (const auto& a : *index) {
    problems->insert(problems->end(), a.problems.begin(), a.problems.end());
    if (!a.dir.fd.valid()) continue;  // not a folder (ServerEntryProblem): no times to read
    monitor::BinlogArchiveTimes t;
    t.server = a.server;
    t.archive_dir = a.dir.path;
    for (const auto& f : a.files) t.last_event = std::max(t.last_event, f.last_time);
    if (a.partial) {
      t.last_event = std::max(t.last_event, a.partial->last_time);
      t.last_copied = a.partial->archived_time;
    } else {
      // A run is refreshing the copy right now (its sidecar goes first): the copy being
      // replaced still holds every event up to when it was written.
      t.last_copied = a.partial_data_mtime;
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Rewrites the metrics file from what is on disk, the state file and `overlay` (this run's jobs,
// which count even when the state file could not be written).
void RefreshMetrics(const RunContext& ctx, const monitor::MonitorState& overlay) {
  const std::string& path = ctx.config.monitoring.metrics_file;
  monitor::MetricsSnapshot snapshot;
  snapshot.config = AbsolutePath(ctx.config.path);
  snapshot.database = ctx.config.database_name;
  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  if (dir.ok()) {
    auto backups = dir->ListBackups();
    if (backups.ok()) {
      snapshot.backups = std::move(*backups);
    } else {
      ctx.logger.Warning("Metrics file: cannot list the backups, ignoring: " +
                         backups.status().ToString());
    }
    std::vector<Status> problems;
    auto binlogs = ReadBinlogArchiveTimes(ctx.config.backup.backup_dir, &problems);
    // One line, not one per entry: this runs after every action (--check names them).
    if (!problems.empty()) {
      ctx.logger.Warning("Metrics file: " + std::to_string(problems.size()) +
                         " entr" + (problems.size() == 1 ? "y" : "ies") +
                         " of the binlog archive that mysql-backup did not write left out, "
                         "ignoring (mysql-backup --check names them)");
    }
    if (binlogs.ok()) {
      snapshot.binlog_archives = std::move(*binlogs);
    } else {
      ctx.logger.Warning("Metrics file: cannot read the binlog archive, ignoring: " +
                         binlogs.status().ToString());
    }
    struct statvfs fs;
    if (fstatvfs(dir->root().get(), &fs) == 0) {
      snapshot.backup_dir_free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
    }
  }
  auto folder = OpenTopDirectory(DirName(path));
  if (folder.ok()) {
    auto state = monitor::ReadState(*folder, monitor::StateFileName(BaseName(path)));
    if (state.ok()) snapshot.state = std::move(*state);
  }
  for (const auto& [job, value] : overlay) snapshot.state[job] = value;
  Status s = monitor::WriteMetricsFile(path, monitor::FormatMetrics(snapshot));
  if (!s.ok()) {
    ctx.logger.Warning("Cannot write the metrics file, ignoring: " + s.ToString() +
                       "; check [monitoring] metrics_file in '" + ctx.config.path + "'");
  }
}

// Whether a backup of `type` started at or after `since` is on disk: how a run of several types
// tells which of them succeeded without the action reporting it.
bool HasBackupSince(const std::vector<BackupFile>& backups, const std::string& type,
                    std::time_t since) {
  for (const auto& b : backups) {
    if (BackupTypeName(b.name.type) == type && b.name.created >= since) return true;
  }
  return false;
}

}  // namespace

MonitoredRun BeginMonitoredRun(const RunContext& ctx) {
  MonitoredRun run{std::time(nullptr), std::chrono::steady_clock::now()};
  if (ctx.options.action == Action::kBackup && !ctx.config.monitoring.ping_url.empty()) {
    SendPing(ctx, "start", "");
  }
  return run;
}

void EndMonitoredRun(const RunContext& ctx, const MonitoredRun& run, const Status& result) {
  const MonitoringConfig& m = ctx.config.monitoring;
  if (ctx.options.action == Action::kBackup && !m.ping_url.empty()) {
    std::string body = ResultLines();
    if (!result.ok()) body += result.ToString() + "\n";
    SendPing(ctx, result.ok() ? "" : std::to_string(result.exit_code()), body);
  }
  std::vector<std::string> jobs = JobsOf(ctx.options);
  if (m.metrics_file.empty() || jobs.empty()) return;

  double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                  run.start_clock).count();
  std::vector<BackupFile> backups;
  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  if (dir.ok() && ctx.options.action == Action::kBackup) {
    auto listed = dir->ListBackups();
    if (listed.ok()) backups = std::move(*listed);
  }
  if (ctx.options.action == Action::kBackup && ctx.options.cleanup_after_backup) {
    jobs.push_back("cleanup");
  }
  auto folder = OpenTopDirectory(DirName(m.metrics_file));
  const std::string state_name = monitor::StateFileName(BaseName(m.metrics_file));
  monitor::MonitorState overlay;
  for (const auto& job : jobs) {
    monitor::JobState s;
    s.last_attempt = run.started;
    s.last_duration_sec = duration;
    s.last_exit_code = result.exit_code();
    if (ctx.options.action == Action::kBackup && job != "cleanup") {
      // The run's status is its first failure: a type whose backup is on disk succeeded.
      if (HasBackupSince(backups, job, run.started)) s.last_exit_code = 0;
    }
    if (s.last_exit_code == 0) s.last_success = run.started;
    overlay[job] = s;
    Status r = folder.ok() ? monitor::RecordJob(*folder, state_name, job, s) : folder.status();
    if (!r.ok()) {
      ctx.logger.Warning("Cannot record the " + job + " run for the metrics, ignoring: " +
                         r.ToString());
    }
  }
  RefreshMetrics(ctx, overlay);
}

int RunCheckAction(const RunContext& ctx) {
  const MonitoringConfig& m = ctx.config.monitoring;
  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  auto backups = dir.ok() ? dir->ListBackups() : Result<std::vector<BackupFile>>(dir.status());
  if (!backups.ok()) {
    std::string line = "UNKNOWN: cannot read the backups: " + backups.status().ToString();
    PrintResultLine(line);
    ctx.logger.Log(Priority::kError, line, {{"BACKUP_CHECK_SUMMARY", line}});
    return kCheckUnknown;
  }
  // Every configured name must have fresh backups (a listed database without any is
  // CRITICAL); with databases = *, the series on disk.
  std::vector<std::string> expected = ctx.config.selection.mode == DatabaseSelection::Mode::kList
                                          ? ctx.config.selection.names
                                          : std::vector<std::string>{ctx.config.database_name};
  std::vector<BackupFile> series = *backups;
  if (ctx.config.selection.mode == DatabaseSelection::Mode::kAll) {
    // A database dropped from the server keeps its newest backups, which only grow older: it is
    // not stale, it is retired. Only the databases of each type's newest run are checked.
    std::map<BackupType, std::time_t> newest_run;
    for (const auto& b : series) newest_run[b.name.type] = std::max(newest_run[b.name.type], b.name.created);
    std::set<std::pair<BackupType, std::string>> current;
    for (const auto& b : series) {
      if (b.name.created == newest_run[b.name.type]) current.insert({b.name.type, b.name.database});
    }
    std::erase_if(series, [&](const BackupFile& b) {
      return b.name.kind == BackupKind::kDatabase && !current.count({b.name.type, b.name.database});
    });
  }
  std::time_t now = std::time(nullptr);
  auto verdicts = monitor::CheckFreshness(series, expected, m.max_age_sec, now);
  int code = monitor::FreshnessExitCode(verdicts);
  std::string summary = monitor::StaleSummary(verdicts);
  // The binlog archive, when [pitr] archives and max_lag asks for it.
  std::optional<monitor::BinlogVerdict> binlog;
  std::vector<Status> binlog_problems;
  if (ctx.config.pitr.enabled && ctx.config.pitr.max_lag_sec > 0) {
    auto times = ReadBinlogArchiveTimes(ctx.config.backup.backup_dir, &binlog_problems);
    if (!times.ok()) {
      std::string line = "UNKNOWN: cannot read the binlog archive: " + times.status().ToString();
      PrintResultLine(line);
      ctx.logger.Log(Priority::kError, line, {{"BACKUP_CHECK_SUMMARY", line}});
      return kCheckUnknown;
    }
    binlog = monitor::CheckBinlogFreshness(*times, dir->path() + "/binlog",
                                           ctx.config.pitr.max_lag_sec, now);
    if (binlog && binlog->state != monitor::Freshness::kOk) {
      code = 2;
      summary += (summary.empty() ? "" : "; ") + monitor::BinlogStaleSummary(*binlog);
    }
  }
  // Entries that are not ours do not hide the freshness verdict (judged from the others), but
  // they are at least a WARNING: the restore and the drill refuse the archive while they exist.
  if (!binlog_problems.empty()) {
    if (code == 0) code = 1;
    summary += (summary.empty() ? "" : "; ") + std::string("the binlog archive holds ") +
               std::to_string(binlog_problems.size()) +
               " entr" + (binlog_problems.size() == 1 ? "y" : "ies") +
               " that mysql-backup did not write (point-in-time restore and the drill refuse it "
               "until they are moved out)";
  }
  // The first line is the summary, as monitoring plugins show it.
  std::string head = code == 0 ? "OK: " + std::to_string(verdicts.size()) +
                                     " backup series fresh in '" + dir->path() + "'" +
                                     (binlog ? ", binlog archive " + monitor::FormatAge(binlog->lag_sec) +
                                                   " behind"
                                             : std::string())
                               : (code == 1 ? "WARNING: " : "CRITICAL: ") + summary;
  PrintResultLine(head);
  for (const auto& v : verdicts) {
    std::string line = monitor::VerdictLine(v);
    PrintResultLine(line);
    ctx.logger.Info(line, {{"BACKUP_CHECKED_DATABASE", v.database},
                           {"BACKUP_CHECKED_TYPE", std::string(BackupTypeName(v.type))}});
  }
  if (binlog) {
    std::string line = monitor::BinlogVerdictLine(*binlog);
    PrintResultLine(line);
    ctx.logger.Info(line, {{"BACKUP_CHECKED_TYPE", "binlogs"}});
  }
  for (const auto& p : binlog_problems) {
    std::string line = "NOT OURS: " + p.ToString();
    PrintResultLine(line);
    ctx.logger.Warning(line);
  }
  if (code != 0) {
    // The notify unit (OnFailure=) takes its mail subject from this field.
    ctx.logger.Log(Priority::kError, head, {{"BACKUP_CHECK_SUMMARY", summary}});
  } else {
    ctx.logger.Info(head);
  }
  if (!m.metrics_file.empty()) RefreshMetrics(ctx, {});
  return code;
}

}  // namespace mysql_backup
