#include "cli/notify_failure_action.h"

#include <unistd.h>

#include "journal/message_ids.h"

namespace mysql_backup {

namespace {

std::string Hostname() {
  char name[256] = "";
  if (gethostname(name, sizeof name - 1) != 0) return "unknown host";
  return name;
}

}  // namespace

std::string UnitFailureSubject(const UnitFailureInfo& info, const std::string& hostname) {
  return "[mysql-backup] " + info.unit + " failed on " + hostname;
}

std::string UnitFailureBody(const UnitFailureInfo& info) {
  std::string body = "The unit " + info.unit + " failed: " + info.Summary() + ".\n";
  if (!info.invocation_id.empty()) body += "Invocation: " + info.invocation_id + "\n";
  for (const auto& w : info.warnings) body += "Note: " + w + "\n";
  if (!info.journal_lines.empty()) {
    body += "\nThe journal of that run:\n\n";
    for (const auto& line : info.journal_lines) body += line + "\n";
  }
  return body;
}

Status RunNotifyFailureAction(const RunContext& ctx) {
  auto info = CollectUnitFailure(ctx.options.unit);
  if (!info.ok()) return info.status();
  std::string subject = UnitFailureSubject(*info, Hostname());
  // The mail is the notification module's; until then the report is logged in full, so the
  // notify unit's journal tells the story.
  ctx.logger.Log(Priority::kWarning, subject + ": " + info->Summary(),
                 {{"MESSAGE_ID", kMessageUnitFailureNotified},
                  {"FAILED_UNIT", info->unit},
                  {"FAILED_SERVICE_RESULT", info->service_result},
                  {"FAILED_EXIT_CODE", info->exit_code},
                  {"FAILED_EXIT_STATUS", info->exit_status},
                  {"FAILED_INVOCATION_ID", info->invocation_id}});
  ctx.logger.Info("Report that would be mailed:\n" + UnitFailureBody(*info));
  return Status::Ok();
}

}  // namespace mysql_backup
