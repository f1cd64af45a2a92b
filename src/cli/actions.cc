#include "cli/actions.h"

#include "cli/backup_action.h"
#include "cli/backup_report.h"
#include "cli/binlog_action.h"
#include "cli/binlog_events.h"
#include "cli/cleanup_action.h"
#include "cli/daemon_action.h"
#include "cli/inspect_actions.h"
#include "cli/monitoring.h"
#include "cli/notify_failure_action.h"
#include "cli/offsite_action.h"
#include "cli/output.h"
#include "cli/restore_action.h"
#include "journal/message_ids.h"

namespace mysql_backup {

namespace {

// The daemon runs its jobs through RunAction; handing it in keeps the daemon below this table.
Status RunDaemon(const RunContext& ctx) { return RunDaemonAction(ctx, &RunAction); }

constexpr ActionSpec kActions[] = {
    {Action::kBackup, nullptr, true, &RunBackupAction},
    {Action::kCleanup, "cleanup", false, &RunCleanupAction},
    {Action::kList, "list", false, &RunListActionOrRemote},
    {Action::kVerify, "verify", false, &RunVerifyActionOrRemote},
    {Action::kRestore, "restore", false, &RunRestoreAction},
    {Action::kRestoreTest, "restore-test", false, &RunRestoreTestAction, kMessageRestoreTestFailed},
    {Action::kTestNotification, "notify", false, &RunTestNotificationAction},
    {Action::kNotifyFailure, "notify", false, &RunNotifyFailureAction},
    {Action::kDaemon, "daemon", false, &RunDaemon},
    // Not run through this table: main.cc calls RunCheckAction, whose exit status is not a
    // Status (monitoring-plugin convention).
    {Action::kCheck, "check", true, nullptr},
    // Each target logs its own failure (with BACKUP_TARGET); the action logs the rest.
    {Action::kUpload, "upload", true, &RunUploadAction},
    {Action::kArchiveBinlogs, "binlogs", false, &RunArchiveBinlogsAction},
    {Action::kBinlogEvents, "binlogs", false, &RunBinlogEventsAction},
};

}  // namespace

const ActionSpec* FindAction(Action action) {
  for (const auto& spec : kActions) {
    if (spec.action == action) return &spec;
  }
  return nullptr;
}

Status RunAction(const RunContext& ctx) {
  const ActionSpec* spec = FindAction(ctx.options.action);
  ClearResultLines();
  const MonitoredRun monitored = BeginMonitoredRun(ctx);
  Status s = spec->run(ctx);
  if (!s.ok() && !spec->reports_own_failure) {
    LogFields fields = {{"BACKUP_ERROR", std::string(ErrorKindName(s.kind()))}};
    if (spec->failure_message_id) fields.emplace_back("MESSAGE_ID", spec->failure_message_id);
    ctx.logger.Log(Priority::kError, s.ToString(), fields);
    if (!s.detail().empty()) ctx.logger.Error(s.detail());
  }
  // Metrics and pings after the failure is logged; they never change the exit status.
  EndMonitoredRun(ctx, monitored, s);
  return s;
}

}  // namespace mysql_backup
