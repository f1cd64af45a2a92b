#include "cli/backup_report.h"

#include <cstdio>

#include "journal/message_ids.h"

namespace mysql_backup {

void ReportBackupSuccess(const RunContext& ctx, const BackupOutcome& o) {
  double secs = static_cast<double>(o.duration_usec) / 1e6;
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1f s", secs);
  std::string line = std::string(BackupTypeName(o.type)) + " backup OK: " + o.path + " (" +
                     HumanSize(o.size) + ", " + std::to_string(o.size) + " bytes) sha256 " +
                     o.sha256 + " in " + duration;
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  ctx.logger.Log(Priority::kNotice, line,
                 {{"MESSAGE_ID", kMessageBackupSucceeded},
                  {"BACKUP_FILE", o.path},
                  {"BACKUP_SIZE", std::to_string(o.size)},
                  {"BACKUP_SHA256", o.sha256},
                  {"BACKUP_DURATION_USEC", std::to_string(o.duration_usec)}});
}

void ReportBackupFailure(const RunContext& ctx, [[maybe_unused]] BackupType type,
                         const Status& status) {
  std::string line = status.ToString();
  ctx.logger.Log(Priority::kError, line,
                 {{"MESSAGE_ID", kMessageBackupFailed},
                  {"BACKUP_ERROR", std::string(ErrorKindName(status.kind()))},
                  {"BACKUP_EXIT_STATUS", std::to_string(status.exit_code())}});
  if (!status.detail().empty()) ctx.logger.Error(status.detail());
}

}  // namespace mysql_backup
