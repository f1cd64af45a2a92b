#include "cli/binlog_action.h"

#include "binlog/archive.h"
#include "binlog/dump_position.h"
#include "dump/manifest_io.h"
#include "storage/backup_dir.h"

namespace mysql_backup {

namespace {

// The binlog file of the newest run that recorded a position ("" when none did). Only a new,
// empty archive uses it; a manifest that cannot be read is skipped with a warning (archiving
// what the server has is still the best this run can do).
std::string NewestDumpBinlogFile(const RunContext& ctx) {
  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  if (!dir.ok()) return "";
  auto manifests = ListManifests(*dir);
  if (!manifests.ok()) return "";
  for (const auto& where : *manifests) {
    auto m = ReadManifest(*dir, where);
    if (!m.ok()) {
      ctx.logger.Warning("Cannot read '" + where.path + "', ignoring it: " + m.status().ToString());
      continue;
    }
    if (auto p = ReplayStartOf(*m).position) return p->file;
  }
  return "";
}

}  // namespace

Status RunArchiveBinlogsAction(const RunContext& ctx) {
  if (!ctx.config.pitr.enabled) {
    return Status(ErrorKind::kConfiguration,
                  "'" + ctx.config.path + "' [pitr] enabled: binlog archiving is off; set "
                  "`enabled = yes` in [pitr] (see mysql-backup.conf(5))");
  }
  auto report = ArchiveBinlogs(ctx.config.pitr.connection, ctx.config.backup.backup_dir,
                               NewestDumpBinlogFile(ctx), ctx.cancel);
  if (!report.ok()) return Status(report.status()).AddContext("Binlog archiving failed");
  // Earlier gaps stay visible in every run until the user deals with them.
  for (const auto& g : report->known_gaps) ctx.logger.Warning(g);
  std::string what;
  if (report->published.empty()) {
    what = "no binary log completed since the last run";
  } else {
    what = "archived " + std::to_string(report->published.size()) + " binary log(s), '" +
           report->published.front() + "' to '" + report->published.back() + "'";
  }
  if (!report->partial.empty()) what += "; partial copy of the active '" + report->partial + "'";
  ctx.logger.Info("Binlog archive '" + report->archive_dir + "': " + what,
                  {{"BACKUP_FILE", report->archive_dir}});
  if (!report->gap.ok()) return report->gap;
  return Status::Ok();
}

}  // namespace mysql_backup
