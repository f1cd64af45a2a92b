#include "cli/notify_failure_action.h"

#include <utility>

#include "journal/message_ids.h"
#include "journal/text_backends.h"
#include "notify/mail_message.h"
#include "notify/mail_templates.h"
#include "notify/smtp_sender.h"

namespace mysql_backup {

std::string UnitFailureText(const UnitFailureInfo& info) {
  std::string text = "The unit " + info.unit + " failed: " + info.Summary() + ".\n";
  if (!info.invocation_id.empty()) text += "Invocation: " + info.invocation_id + "\n";
  for (const auto& w : info.warnings) text += "Note: " + w + "\n";
  if (!info.journal_lines.empty()) {
    text += "\nThe journal of that run:\n";
    for (const auto& line : info.journal_lines) text += line + "\n";
  }
  return text;
}

Status RunNotifyFailureAction(const RunContext& ctx) {
  auto info = CollectUnitFailure(ctx.options.unit);
  if (!info.ok()) return info.status();
  LogFields fields = {{"FAILED_UNIT", info->unit},
                      {"FAILED_SERVICE_RESULT", info->service_result},
                      {"FAILED_EXIT_CODE", info->exit_code},
                      {"FAILED_EXIT_STATUS", info->exit_status},
                      {"FAILED_INVOCATION_ID", info->invocation_id}};
  // The report goes to the notify unit's journal in any case: with mail disabled it is the only
  // trace that ties the failure to its cause in one place.
  ctx.logger.Log(Priority::kWarning, UnitFailureText(*info), fields);

  const NotificationConfig& n = ctx.config.notification;
  if (!n.enabled) {
    ctx.logger.Info("Notifications are disabled in '" + ctx.config.path + "'; no mail sent");
    return Status::Ok();
  }
  notify::UnitFailureReport report;
  report.unit = info->unit;
  report.service_result = info->service_result;
  report.exit_code = info->exit_code;
  report.exit_status = info->exit_status;
  report.invocation_id = info->invocation_id;
  report.journal_lines = info->journal_lines;
  if (!ctx.config.general.log_dir.empty()) {
    report.log_file_path = DailyLogPath(ctx.config.general.log_dir);
  }
  if (auto warning = notify::PlainTextPasswordWarning(n)) ctx.logger.Warning(*warning);
  Status s = notify::SendMail(n, notify::UnitFailureMail(report, ctx.config.general.environment,
                                                         notify::LocalHostName(), n.attach_logs,
                                                         info->check_summary));
  if (!s.ok()) return std::move(s).AddContext("Cannot report the failure of " + info->unit);
  fields.emplace_back("MESSAGE_ID", kMessageUnitFailureNotified);
  ctx.logger.Log(Priority::kNotice,
                 "Failure of " + info->unit + " mailed to " + std::to_string(n.recipients.size()) +
                     " recipient(s)",
                 fields);
  return Status::Ok();
}

}  // namespace mysql_backup
