// A mail as data, and its rendering into an RFC 5322 / MIME message ready for SMTP DATA.
// Rendering is pure (time, host and randomness for the Message-ID aside) and produces 7-bit
// ASCII with CRLF line endings, whatever the subject, body or attachments hold: the subject is
// folded to 78 characters a line (RFC 2047 encoded-words when not plain ASCII), the body is UTF-8
// in quoted-printable and attachments are base64, both in lines of at most 76, far below SMTP's
// 998-byte limit. Dot-stuffing is NOT done here: libcurl (7.88 on bookworm included) escapes
// lines starting with '.' when it uploads to an SMTP server; the notify test sends ".hidden" and
// "." lines through a real server to hold it to that.
#ifndef MYSQL_BACKUP_NOTIFY_MAIL_MESSAGE_H_
#define MYSQL_BACKUP_NOTIFY_MAIL_MESSAGE_H_

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace mysql_backup::notify {

struct Attachment {
  std::string filename;      // shown to the reader; any characters (RFC 2231 when non-ASCII)
  std::string content;       // raw bytes
  std::string content_type;  // empty: application/octet-stream
};

struct MailMessage {
  std::string subject;  // UTF-8, one line (line breaks become spaces)
  std::string body;     // UTF-8 text; "\n" or "\r\n" line endings
  std::vector<Attachment> attachments;
};

// The complete message: Date (local time of `now`), Message-ID (unique per call, from time, pid
// and randomness, @hostname), From, To, Subject, MIME-Version, and either one text/plain part or
// multipart/mixed with the attachments. `from` and `to` go into the headers as given (CR and LF
// removed).
std::string RenderMail(const MailMessage& message, const std::string& from,
                       const std::vector<std::string>& to, std::time_t now,
                       const std::string& hostname);

// The pieces of RenderMail, exposed for tests.
// "Thu, 27 Nov 2026 00:00:03 +0000", English names whatever the locale.
std::string FormatMailDate(std::time_t now);
// "Subject: <value>" folded to lines of at most 78 characters joined by CRLF + space; non-ASCII
// or overlong words as UTF-8 base64 encoded-words that never split a character. No final CRLF.
std::string EncodeSubjectHeader(std::string_view subject);
// Quoted-printable (RFC 2045) with CRLF hard line breaks and lines of at most 76 characters.
std::string EncodeQuotedPrintable(std::string_view text);
// Base64 in lines of 76 characters, each ended by CRLF.
std::string EncodeBase64Lines(std::string_view data);

// This machine's name, for subjects, bodies and the Message-ID ("localhost" if unknown).
std::string LocalHostName();

}  // namespace mysql_backup::notify

#endif  // MYSQL_BACKUP_NOTIFY_MAIL_MESSAGE_H_
