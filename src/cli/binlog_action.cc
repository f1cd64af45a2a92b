#include "cli/binlog_action.h"

#include "binlog/archive.h"

namespace mysql_backup {

Status RunArchiveBinlogsAction(const RunContext& ctx) {
  if (!ctx.config.pitr.enabled) {
    return Status(ErrorKind::kConfiguration,
                  "'" + ctx.config.path + "' [pitr] enabled: binlog archiving is off; set "
                  "`enabled = yes` in [pitr] (see mysql-backup.conf(5))");
  }
  auto report = ArchiveBinlogs(ctx.config.pitr.connection, ctx.config.backup.backup_dir, ctx.cancel);
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
