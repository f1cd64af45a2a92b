#include "notify/mail_templates.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <utility>

#include "notify/smtp_sender.h"
#include "util/file_util.h"

#ifndef MYSQL_BACKUP_VERSION
#define MYSQL_BACKUP_VERSION "unknown"
#endif

namespace mysql_backup::notify {
namespace {

// A log attachment larger than this is cut to its tail: the end of the day's log is what
// explains a failure, and mail servers reject big messages (often at 10 to 25 MiB, base64
// growing it by a third).
constexpr off_t kMaxAttachmentBytes = 10 * 1024 * 1024;

constexpr char kSubjectPrefix[] = "[mysql-backup] ";

// "daily backup of shop", "cleanup of shop", "restore-test".
std::string WhatRan(const std::string& type, const std::string& database) {
  std::string out = type.empty() ? "backup" : type;
  if (type == "daily" || type == "weekly" || type == "monthly" || type == "all") {
    out += " backup";
  }
  if (!database.empty()) out += " of " + database;
  return out;
}

// " on db1 (production)"
std::string Where(const std::string& hostname, const std::string& environment) {
  std::string out = " on " + hostname;
  if (!environment.empty()) out += " (" + environment + ")";
  return out;
}

// Aligned "Label:  value" lines.
class Fields {
 public:
  void Add(std::string label, std::string value) {
    rows_.emplace_back(std::move(label), std::move(value));
  }
  std::string Render() const {
    size_t width = 0;
    for (const auto& row : rows_) width = std::max(width, row.first.size());
    std::string out;
    for (const auto& [label, value] : rows_) {
      out += label + ":" + std::string(width - label.size() + 1, ' ') + value + "\n";
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

// Lines under a heading, indented, so they stand apart from the fields.
std::string Section(const std::string& heading, const std::vector<std::string>& lines) {
  if (lines.empty()) return "";
  std::string out = "\n" + heading + "\n";
  for (const std::string& line : lines) out += "  " + line + "\n";
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::string Signature() { return "\n-- \nmysql-backup " MYSQL_BACKUP_VERSION "\n"; }

// The file's last kMaxAttachmentBytes; an error message on failure.
Result<std::string> ReadTail(const std::string& path, bool* truncated) {
  Result<UniqueFd> fd = OpenForReading(path);
  if (!fd.ok()) return fd.status();
  struct stat st;
  if (fstat(fd->get(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", path);
  *truncated = st.st_size > kMaxAttachmentBytes;
  if (*truncated && lseek(fd->get(), st.st_size - kMaxAttachmentBytes, SEEK_SET) < 0) {
    return ErrnoError(ErrorKind::kStorage, "seek in", path);
  }
  std::string content;
  char buffer[65536];
  while (content.size() < static_cast<size_t>(kMaxAttachmentBytes)) {
    ssize_t n = read(fd->get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", path);
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  if (content.size() > static_cast<size_t>(kMaxAttachmentBytes)) {
    content.erase(0, content.size() - kMaxAttachmentBytes);  // the file grew while we read
  }
  return content;
}

// Attaches the log file when asked and possible; returns the line for the body about it.
std::string AttachLog(const std::string& path, bool attach_logs, MailMessage* mail) {
  if (path.empty()) return "";
  if (!attach_logs) return "Log file: " + path + "\n";
  bool truncated = false;
  Result<std::string> content = ReadTail(path, &truncated);
  if (!content.ok()) {
    return "Log file: " + path + " (not attached: " + content.status().ToString() + ")\n";
  }
  mail->attachments.push_back(
      Attachment{BaseName(path), std::move(*content), "text/plain; charset=utf-8"});
  return "Log file: " + path + (truncated ? " (attached: its last 10 MiB)\n" : " (attached)\n");
}

// What the contract's exit codes mean, for a unit's numeric exit status.
std::string ExitStatusMeaning(const std::string& status) {
  static const struct {
    const char* code;
    const char* meaning;
  } kMeanings[] = {
      {"0", "success"},
      {"64", "usage error"},
      {"65", "integrity error: checksum mismatch, truncated or corrupt backup"},
      {"69", "the database cannot be reached or refuses the login"},
      {"70", "the dump itself failed"},
      {"74", "storage error: backup_dir, disk full, fsync or rename"},
      {"75", "notification failed, or another run held the lock too long"},
      {"78", "configuration error"},
  };
  for (const auto& entry : kMeanings) {
    if (status == entry.code) return status + " (" + entry.meaning + ")";
  }
  return status;
}

}  // namespace

std::string FormatSize(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s (%llu bytes)", value, kUnits[unit],
                static_cast<unsigned long long>(bytes));
  return buf;
}

std::string FormatDuration(double seconds) {
  if (seconds < 0) seconds = 0;
  char buf[96];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    return buf;
  }
  auto whole = static_cast<unsigned long long>(seconds + 0.5);
  unsigned long long h = whole / 3600, m = whole / 60 % 60, s = whole % 60;
  if (h == 0) {
    std::snprintf(buf, sizeof buf, "%llu min %02llu s (%.1f s)", m, s, seconds);
  } else {
    std::snprintf(buf, sizeof buf, "%llu h %02llu min %02llu s (%llu s)", h, m, s, whole);
  }
  return buf;
}

FailureReport FailureReportFromStatus(const Status& status) {
  FailureReport report;
  if (status.ok()) return report;
  report.error_kind = std::string(ErrorKindName(status.kind()));
  report.error_message = status.message();
  report.context.assign(status.context().rbegin(), status.context().rend());
  report.detail = status.detail();
  report.exit_code = status.exit_code();
  return report;
}

MailMessage SuccessMail(const SuccessReport& report, const std::string& environment,
                        const std::string& hostname) {
  MailMessage mail;
  const std::string what = WhatRan(report.backup_type, report.database);
  mail.subject = std::string(kSubjectPrefix) + "SUCCESS " + what + Where(hostname, environment);
  Fields fields;
  fields.Add("Environment", environment);
  fields.Add("Host", hostname);
  fields.Add("Database", report.database);
  fields.Add("Backup type", report.backup_type);
  fields.Add("File", report.path);
  fields.Add("Size", FormatSize(report.size_bytes));
  fields.Add("Duration", FormatDuration(report.duration_sec));
  fields.Add("SHA-256", report.sha256);
  mail.body = "The " + what + Where(hostname, environment) + " succeeded.\n\n" + fields.Render() +
              Signature();
  return mail;
}

MailMessage FailureMail(const FailureReport& report, const std::string& environment,
                        const std::string& hostname, bool attach_logs) {
  MailMessage mail;
  const std::string what = WhatRan(report.backup_type, report.database);
  mail.subject = std::string(kSubjectPrefix) + "FAILED " + what + Where(hostname, environment);
  Fields fields;
  fields.Add("Environment", environment);
  fields.Add("Host", hostname);
  if (!report.database.empty()) fields.Add("Database", report.database);
  fields.Add("Backup type", report.backup_type);
  fields.Add("Error kind", report.error_kind);
  fields.Add("Error", report.error_message);
  fields.Add("Exit code", std::to_string(report.exit_code));

  std::vector<std::string> chain = report.context;
  chain.push_back(report.error_message);
  std::string body =
      "The " + what + Where(hostname, environment) + " FAILED.\n\n" + fields.Render();
  if (!report.context.empty()) body += Section("Error chain (outermost first):", chain);
  body += Section("Details:", SplitLines(report.detail));
  body += Section("Last log lines:", report.recent_log_lines);
  std::string log_line = AttachLog(report.log_file_path, attach_logs, &mail);
  if (!log_line.empty()) body += "\n" + log_line;
  mail.body = body + Signature();
  return mail;
}

MailMessage TestMail(const NotificationConfig& config, const std::string& environment,
                     const std::string& hostname) {
  MailMessage mail;
  mail.subject = std::string(kSubjectPrefix) + "TEST notification from " + hostname +
                 (environment.empty() ? "" : " (" + environment + ")");
  std::string recipients;
  for (const std::string& recipient : config.recipients) {
    if (!recipients.empty()) recipients += ", ";
    recipients += recipient;
  }
  Fields fields;
  fields.Add("Environment", environment);
  fields.Add("Host", hostname);
  fields.Add("Sent via", DescribeTransport(config));
  fields.Add("Sender", config.sender);
  fields.Add("Recipients", recipients);
  fields.Add("Notify on", config.notify_on == NotifyOn::kAlways ? "always" : "failure");
  fields.Add("Attach logs", config.attach_logs ? "yes" : "no");
  mail.body = "This is a test message from mysql-backup" + Where(hostname, environment) +
              ".\nIf you can read it, the [notification] settings work.\n\n" + fields.Render() +
              Signature();
  return mail;
}

MailMessage UnitFailureMail(const UnitFailureReport& report, const std::string& environment,
                            const std::string& hostname, bool attach_logs,
                            const std::string& headline) {
  MailMessage mail;
  mail.subject = std::string(kSubjectPrefix) +
                 (headline.empty() ? "FAILED unit " + report.unit : headline) +
                 Where(hostname, environment);
  Fields fields;
  fields.Add("Environment", environment);
  fields.Add("Host", hostname);
  fields.Add("Unit", report.unit);
  fields.Add("Result", report.service_result.empty() ? "unknown" : report.service_result);
  if (!report.exit_code.empty()) fields.Add("Exit code", report.exit_code);
  if (!report.exit_status.empty()) fields.Add("Exit status", ExitStatusMeaning(report.exit_status));
  if (!report.invocation_id.empty()) fields.Add("Invocation ID", report.invocation_id);
  std::string body = "The systemd unit " + report.unit + Where(hostname, environment) +
                     " FAILED.\n\n" + fields.Render();
  if (!report.invocation_id.empty()) {
    body += "\nThe whole run: journalctl _SYSTEMD_INVOCATION_ID=" + report.invocation_id +
            " + INVOCATION_ID=" + report.invocation_id + "\n";
  }
  body += Section("Journal of this run:", report.journal_lines);
  std::string log_line = AttachLog(report.log_file_path, attach_logs, &mail);
  if (!log_line.empty()) body += "\n" + log_line;
  mail.body = body + Signature();
  return mail;
}

}  // namespace mysql_backup::notify
