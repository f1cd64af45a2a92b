#include "cli/backup_report.h"

#include <cstdio>

#include "cli/output.h"
#include "journal/message_ids.h"
#include "journal/text_backends.h"
#include "notify/mail_templates.h"
#include "notify/smtp_sender.h"

namespace mysql_backup {

namespace {

// A mail that cannot be sent never fails a backup: it is logged at error priority, and the
// run's exit status stays what the backup earned.
void Send(const RunContext& ctx, const notify::MailMessage& mail) {
  const NotificationConfig& n = ctx.config.notification;
  if (auto warning = notify::PlainTextPasswordWarning(n)) ctx.logger.Warning(*warning);
  Status s = notify::SendMail(n, mail);
  if (!s.ok()) {
    ctx.logger.Log(Priority::kError, "Notification mail not sent: " + s.ToString(),
                   {{"BACKUP_ERROR", "notification"}});
  } else {
    ctx.logger.Info("Notification mail sent to " + std::to_string(n.recipients.size()) +
                    " recipient(s)");
  }
}

}  // namespace

void ReportBackupSuccess(const RunContext& ctx, const BackupOutcome& o, bool mail) {
  double secs = static_cast<double>(o.duration_usec) / 1e6;
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1f s", secs);
  std::string line = std::string(BackupTypeName(o.type)) + " backup OK: " + o.path + " (" +
                     HumanSize(o.size) + ", " + std::to_string(o.size) + " bytes) sha256 " +
                     o.sha256 + " in " + duration;
  PrintResultLine(line);
  std::string database = o.kind == BackupKind::kAccounts ? "(accounts)" : o.database;
  ctx.logger.Log(Priority::kNotice, line,
                 {{"MESSAGE_ID", kMessageBackupSucceeded},
                  {"BACKUP_DATABASE", database},
                  {"BACKUP_FILE", o.path},
                  {"BACKUP_SIZE", std::to_string(o.size)},
                  {"BACKUP_SHA256", o.sha256},
                  {"BACKUP_DURATION_USEC", std::to_string(o.duration_usec)}});
  const NotificationConfig& n = ctx.config.notification;
  if (!mail || !n.enabled || n.notify_on != NotifyOn::kAlways) return;
  notify::SuccessReport report{std::string(BackupTypeName(o.type)), database, o.path, o.size,
                               secs, o.sha256};
  Send(ctx, notify::SuccessMail(report, ctx.config.general.environment, notify::LocalHostName()));
}

void ReportRunSummary(const RunContext& ctx, const RunOutcome& run, const Status& status) {
  const RunManifest& m = run.manifest;
  uint64_t total = 0;
  for (const auto& f : run.files) total += f.size;
  double secs = static_cast<double>(run.duration_usec) / 1e6;
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1f s", secs);
  std::string line = std::string(BackupTypeName(m.type)) + " run " + FormatUtcStamp(m.stamp) +
                     ": " + std::to_string(m.dumped.size()) + " of " +
                     std::to_string(m.expected.size()) + " database(s) backed up and verified";
  if (!m.added.empty()) line += ", new since the last run: " + std::to_string(m.added.size());
  if (!m.vanished.empty()) line += ", dropped during the run: " + std::to_string(m.vanished.size());
  if (!m.failed.empty()) line += ", FAILED: " + std::to_string(m.failed.size());
  line += " (" + HumanSize(total) + " in " + duration + "); manifest " + run.manifest_path;
  if (status.ok()) {
    PrintResultLine(line);
    ctx.logger.Log(Priority::kNotice, line);
  } else {
    ctx.logger.Log(Priority::kError, line);
  }
  for (const auto& db : m.added) ctx.logger.Info("New since the last run: database '" + db + "'");
  const NotificationConfig& n = ctx.config.notification;
  if (!status.ok() || !n.enabled || n.notify_on != NotifyOn::kAlways) return;
  notify::SuccessReport report{std::string(BackupTypeName(m.type)),
                               ctx.config.selection.Describe() + " (" +
                                   std::to_string(m.dumped.size()) + " databases)",
                               run.manifest_path, total, secs, ""};
  Send(ctx, notify::SuccessMail(report, ctx.config.general.environment, notify::LocalHostName()));
}

void ReportBackupFailure(const RunContext& ctx, BackupType type, const Status& status) {
  ctx.logger.Log(Priority::kError, status.ToString(),
                 {{"MESSAGE_ID", kMessageBackupFailed},
                  {"BACKUP_ERROR", std::string(ErrorKindName(status.kind()))},
                  {"BACKUP_EXIT_STATUS", std::to_string(status.exit_code())}});
  if (!status.detail().empty()) ctx.logger.Error(status.detail());
  const NotificationConfig& n = ctx.config.notification;
  if (!n.enabled) return;
  notify::FailureReport report = notify::FailureReportFromStatus(status);
  report.backup_type = std::string(BackupTypeName(type));
  report.database = ctx.config.database_name.empty() ? ctx.config.selection.Describe()
                                                     : ctx.config.database_name;
  report.recent_log_lines = ctx.logger.recent_lines();
  if (!ctx.config.general.log_dir.empty()) {
    report.log_file_path = DailyLogPath(ctx.config.general.log_dir);
  }
  Send(ctx, notify::FailureMail(report, ctx.config.general.environment, notify::LocalHostName(),
                                n.attach_logs));
}

Status RunTestNotificationAction(const RunContext& ctx) {
  const NotificationConfig& n = ctx.config.notification;
  if (!n.enabled) {
    return Status(ErrorKind::kConfiguration,
                  "'" + ctx.config.path +
                      "' [notification] enabled: notifications are disabled; set enabled = true "
                      "and the smtp_server, sender and recipients keys");
  }
  if (auto warning = notify::PlainTextPasswordWarning(n)) ctx.logger.Warning(*warning);
  Status s = notify::SendMail(
      n, notify::TestMail(n, ctx.config.general.environment, notify::LocalHostName()));
  if (!s.ok()) return s;
  std::string line = "Test mail sent via " + notify::DescribeTransport(n) + " to " +
                     std::to_string(n.recipients.size()) + " recipient(s)";
  PrintResultLine(line);
  ctx.logger.Info(line);
  return Status::Ok();
}

}  // namespace mysql_backup
