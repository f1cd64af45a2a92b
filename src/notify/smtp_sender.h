// Sends a MailMessage through the [notification] SMTP server with libcurl.
//
// Transport, as the old tool's smtplib code: use_ssl = implicit TLS (smtps://, port 465 style,
// wins when both are set); use_tls = STARTTLS, required: a server that does not offer it is
// refused before anything is sent; neither = plain SMTP. AUTH with username/password when a
// username is set. Certificates are verified (peer and host name) against the system store plus
// ca_file: because libcurl's CURLOPT_CAINFO replaces the default bundle instead of adding to it,
// a set ca_file is appended in memory to the system bundle (libcurl's built-in CA file, normally
// /etc/ssl/certs/ca-certificates.crt) and handed over as CURLOPT_CAINFO_BLOB; libcurl's default
// CA directory, if any, stays in use as well. Connect timeout 15 s, whole transfer 60 s, so a dead
// server cannot hold up a backup for long. Every recipient must be accepted, or nothing is sent.
#ifndef MYSQL_BACKUP_NOTIFY_SMTP_SENDER_H_
#define MYSQL_BACKUP_NOTIFY_SMTP_SENDER_H_

#include <optional>
#include <string>

#include "config/config.h"
#include "notify/mail_message.h"
#include "util/status.h"

namespace mysql_backup::notify {

// Renders `message` (From: sender, To: the recipients, Date: now, this host's name) and sends it
// to every recipient. Does not look at config.enabled or notify_on; the caller decides whether to
// send. Errors are kNotification and name the server and port, libcurl's reason and the server's
// last reply ("Cannot send mail via smtp.example.com:587 (STARTTLS): Login denied; server said:
// 535 5.7.8 Authentication credentials invalid"); they never contain the password.
Status SendMail(const NotificationConfig& config, const MailMessage& message);

// The text of a warning to log when the password would cross the network in clear (neither
// use_tls nor use_ssl, and a password set); nullopt otherwise. SendMail still sends: the old tool
// did, and a mail the user asked for is better than none.
std::optional<std::string> PlainTextPasswordWarning(const NotificationConfig& config);

// "smtp.example.com:587, STARTTLS, AUTH as alerts@example.com": for the test mail and messages.
std::string DescribeTransport(const NotificationConfig& config);

}  // namespace mysql_backup::notify

#endif  // MYSQL_BACKUP_NOTIFY_SMTP_SENDER_H_
