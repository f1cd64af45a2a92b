// The four mails the program sends, as MailMessages: a backup that succeeded, a run that failed,
// the --test-notification mail, and the failure of a systemd unit (--notify-failure). Subjects
// all start "[mysql-backup] " and a status word, so a mail filter can sort them; bodies are plain
// text with one "Label: value" per line, what a DBA needs to act without logging in first.
// Nothing here sends anything; SendMail (smtp_sender.h) does.
#ifndef MYSQL_BACKUP_NOTIFY_MAIL_TEMPLATES_H_
#define MYSQL_BACKUP_NOTIFY_MAIL_TEMPLATES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "notify/mail_message.h"
#include "util/status.h"

namespace mysql_backup::notify {

struct SuccessReport {
  std::string backup_type;  // daily, weekly, monthly
  std::string database;
  std::string path;  // the final backup file
  uint64_t size_bytes = 0;
  double duration_sec = 0;
  std::string sha256;  // hex
};

struct FailureReport {
  std::string backup_type;  // daily, weekly, monthly, cleanup, restore-test, ...
  std::string database;
  std::string error_kind;            // ErrorKindName(): "storage", "connection", ...
  std::string error_message;         // the innermost message
  std::vector<std::string> context;  // outermost first, as Status::ToString() reads
  std::string detail;                // Status::detail(): mysqldump's stderr and the like
  int exit_code = 0;
  std::vector<std::string> recent_log_lines;  // Logger::recent_lines()
  std::string log_file_path;                  // today's log file; empty when log_dir is not set
};

// Fills error_kind, error_message, context, detail and exit_code from a failed Status.
FailureReport FailureReportFromStatus(const Status& status);

struct UnitFailureReport {
  std::string unit;            // "mysql-backup@daily.service"
  std::string service_result;  // $MONITOR_SERVICE_RESULT: "exit-code", "signal", "timeout", ...
  std::string exit_code;       // $MONITOR_EXIT_CODE: "exited", "killed", "dumped"
  std::string exit_status;     // $MONITOR_EXIT_STATUS: "74", "KILL"
  std::string invocation_id;   // $MONITOR_INVOCATION_ID
  std::vector<std::string> journal_lines;  // that invocation's journal, oldest first
  std::string log_file_path;               // as in FailureReport
};

// "[mysql-backup] SUCCESS daily backup of shop on db1 (production)"; body with file, size
// ("12.3 MiB (12897412 bytes)"), duration and SHA-256.
MailMessage SuccessMail(const SuccessReport& report, const std::string& environment,
                        const std::string& hostname);

// "[mysql-backup] FAILED daily backup of shop on db1 (production)"; body with the error kind and
// message, the context chain, the exit code and the recent log lines. With `attach_logs` and a
// readable log_file_path, the file is attached (its last 10 MiB if larger); a file that cannot
// be read is mentioned in the body instead, it never stops the mail.
MailMessage FailureMail(const FailureReport& report, const std::string& environment,
                        const std::string& hostname, bool attach_logs);

// "[mysql-backup] TEST notification from db1 (production)"; says which server, port, security
// and user it went through (never the password).
MailMessage TestMail(const NotificationConfig& config, const std::string& environment,
                     const std::string& hostname);

// "[mysql-backup] FAILED unit mysql-backup@daily.service on db1 (production)"; body with the
// unit's result, exit code and status, the invocation id and its journal lines. Attaches the log
// file like FailureMail. A `headline` (what the failed run said was wrong: "daily backups of shop
// are 3 days old", from --check's BACKUP_CHECK_SUMMARY=) replaces "FAILED unit ..." in the subject.
MailMessage UnitFailureMail(const UnitFailureReport& report, const std::string& environment,
                            const std::string& hostname, bool attach_logs,
                            const std::string& headline = "");

// "12.3 MiB (12897412 bytes)"; "512 bytes" below 1 KiB.
std::string FormatSize(uint64_t bytes);
// "4.2 s"; "2 min 03 s (123.0 s)"; "1 h 02 min 03 s (3723 s)".
std::string FormatDuration(double seconds);

}  // namespace mysql_backup::notify

#endif  // MYSQL_BACKUP_NOTIFY_MAIL_TEMPLATES_H_
