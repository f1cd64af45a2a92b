#include "cli/actions.h"

#include "cli/backup_action.h"
#include "cli/backup_report.h"
#include "cli/binlog_action.h"
#include "cli/binlog_events.h"
#include "cli/cleanup_action.h"
#include "cli/daemon_action.h"
#include "cli/inspect_actions.h"
#include "cli/notify_failure_action.h"
#include "cli/offsite_action.h"
#include "cli/restore_action.h"
#include "journal/message_ids.h"

namespace mysql_backup {

namespace {

constexpr ActionSpec kActions[] = {
    {Action::kBackup, nullptr, true, &RunBackupAction},
    {Action::kCleanup, "cleanup", false, &RunCleanupAction},
    {Action::kList, "list", false, &RunListActionOrRemote},
    {Action::kVerify, "verify", false, &RunVerifyActionOrRemote},
    {Action::kRestore, "restore", false, &RunRestoreAction},
    {Action::kRestoreTest, "restore-test", false, &RunRestoreTestAction, kMessageRestoreTestFailed},
    {Action::kTestNotification, "notify", false, &RunTestNotificationAction},
    {Action::kNotifyFailure, "notify", false, &RunNotifyFailureAction},
    {Action::kDaemon, "daemon", false, &RunDaemonAction},
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

}  // namespace mysql_backup
