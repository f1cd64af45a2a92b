// Notification mails: the MIME builder and the templates as pure functions, then SendMail
// against a real SMTP server (aiosmtpd) in STARTTLS, implicit TLS and plain modes, with AUTH and
// a throwaway CA, checking what arrives with Python's email package as the decoder.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "notify/mail_message.h"
#include "notify/mail_templates.h"
#include "notify/smtp_sender.h"
#include "support/smtp_server.h"
#include "util/unique_fd.h"

namespace mysql_backup::notify {
namespace {

using testing::ReceivedMail;
using testing::SmtpMode;
using testing::SmtpServer;
using testing::SmtpServerOptions;
using testing::TempDir;
using testing::TestCa;

constexpr char kUser[] = "alerts@example.com";
constexpr char kPassword[] = "s3cret-Pa55word";

std::vector<std::string> SplitCrlf(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

// Every line CRLF-terminated, pure ASCII, and within `limit` characters.
void ExpectWellFormedLines(const std::string& raw, size_t limit) {
  ASSERT_GE(raw.size(), 2u);
  EXPECT_EQ(raw.substr(raw.size() - 2), "\r\n");
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    ASSERT_LT(c, 0x80) << "non-ASCII byte at " << i;
    if (c == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
    }
    if (c == '\r') {
      ASSERT_TRUE(i + 1 < raw.size() && raw[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  for (const std::string& line : SplitCrlf(raw)) {
    EXPECT_LE(line.size(), limit) << line;
  }
}

std::string HeaderBlock(const std::string& raw) { return raw.substr(0, raw.find("\r\n\r\n") + 2); }

// The unfolded value of a header, or "" when missing.
std::string HeaderValue(const std::string& raw, const std::string& name) {
  std::string headers = HeaderBlock(raw);
  size_t pos = headers.rfind("\r\n" + name + ":", std::string::npos);
  if (headers.compare(0, name.size() + 1, name + ":") == 0)
    pos = 0;
  else if (pos == std::string::npos)
    return "";
  else
    pos += 2;
  size_t start = pos + name.size() + 1;
  std::string value;
  for (size_t end = headers.find("\r\n", start);; end = headers.find("\r\n", start)) {
    value += headers.substr(start, end - start);
    start = end + 2;
    if (start >= headers.size() || (headers[start] != ' ' && headers[start] != '\t')) break;
  }
  size_t first = value.find_first_not_of(' ');
  return first == std::string::npos ? "" : value.substr(first);
}

std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The MIME builder.

TEST(MailMessageTest, FormatsDateInEnglishWithZoneOffset) {
  // meson test pins TZ=UTC.
  EXPECT_EQ(FormatMailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatMailDate(1795737603), "Fri, 27 Nov 2026 00:00:03 +0000");
}

TEST(MailMessageTest, QuotedPrintableEncodesWhatMustBeEncoded) {
  static const struct {
    const char* in;
    const char* out;
  } kCases[] = {
      {"plain text", "plain text"},
      {"a=b", "a=3Db"},
      {"trailing space \nnext", "trailing space=20\r\nnext"},
      {"tab\t", "tab=09"},
      {"gr\xc3\xb6\xc3\x9f"
       "e",
       "gr=C3=B6=C3=9Fe"},
      {"From the top", "=46rom the top"},
      {"crlf\r\nline", "crlf\r\nline"},
      {"bare\rcr", "bare=0Dcr"},
      {".hidden", ".hidden"},  // libcurl does the SMTP dot-stuffing
      {"ends with newline\n", "ends with newline\r\n"},
  };
  for (const auto& c : kCases) EXPECT_EQ(EncodeQuotedPrintable(c.in), c.out) << c.in;
}

TEST(MailMessageTest, QuotedPrintableSoftBreaksLongLinesAt76) {
  std::string line(2000, 'x');
  line += "\xc3\xa4";  // an encoded character at the very end
  std::string encoded = EncodeQuotedPrintable(line);
  std::string joined;
  for (const std::string& piece : SplitCrlf(encoded)) {
    EXPECT_LE(piece.size(), 76u);
    joined += piece.back() == '=' ? piece.substr(0, piece.size() - 1) : piece;
  }
  EXPECT_EQ(joined, std::string(2000, 'x') + "=C3=A4");
}

TEST(MailMessageTest, Base64MatchesRfc4648Vectors) {
  static const struct {
    const char* in;
    const char* out;
  } kCases[] = {
      {"", ""},
      {"f", "Zg==\r\n"},
      {"fo", "Zm8=\r\n"},
      {"foo", "Zm9v\r\n"},
      {"foobar", "Zm9vYmFy\r\n"},
  };
  for (const auto& c : kCases) EXPECT_EQ(EncodeBase64Lines(c.in), c.out) << c.in;
  std::string long_input(1000, 'y');
  std::string encoded = EncodeBase64Lines(long_input);
  for (const std::string& line : SplitCrlf(encoded)) EXPECT_LE(line.size(), 76u);
  EXPECT_EQ(Base64Decode(encoded), long_input);
}

TEST(MailMessageTest, PlainSubjectIsFoldedAtSpacesAndUnfoldsBack) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
  subject.pop_back();
  std::string header = EncodeSubjectHeader(subject);
  for (const std::string& line : SplitCrlf(header)) EXPECT_LE(line.size(), 78u);
  EXPECT_NE(header.find("\r\n "), std::string::npos);
  std::string unfolded = header;
  for (size_t pos; (pos = unfolded.find("\r\n")) != std::string::npos;) unfolded.erase(pos, 2);
  EXPECT_EQ(unfolded, "Subject: " + subject);
}

TEST(MailMessageTest, NonAsciiSubjectBecomesEncodedWordsThatNeverSplitACharacter) {
  std::string subject = "[mysql-backup] SUCCESS daily backup of ";
  for (int i = 0; i < 20; ++i)
    subject +=
        "gr\xc3\xb6\xc3\x9f"
        "e\xe2\x82\xac ";  // größe€
  subject += "end";
  std::string header = EncodeSubjectHeader(subject);
  std::string decoded;
  for (const std::string& line : SplitCrlf(header)) {
    EXPECT_LE(line.size(), 78u);
    size_t open = line.find("=?UTF-8?B?");
    ASSERT_NE(open, std::string::npos) << line;
    size_t close = line.find("?=", open + 10);
    ASSERT_NE(close, std::string::npos) << line;
    EXPECT_LE(close + 2 - open, 75u) << "encoded-word too long";
    std::string piece = Base64Decode(line.substr(open + 10, close - open - 10));
    // Each piece on its own is whole UTF-8: it neither starts nor ends inside a character.
    ASSERT_FALSE(piece.empty());
    EXPECT_NE(static_cast<unsigned char>(piece.front()) & 0xc0, 0x80);
    decoded += piece;
  }
  EXPECT_EQ(decoded, subject);
}

TEST(MailMessageTest, HeaderValuesCannotInjectHeaders) {
  MailMessage message{"hello\r\nBcc: victim@example.com", "body", {}};
  std::string raw = RenderMail(message, "a@x\r\nBcc: v@x", {"b@x\nBcc: w@x"}, 0, "host");
  EXPECT_EQ(raw.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(HeaderValue(raw, "Subject"), "hello  Bcc: victim@example.com");
}

TEST(MailMessageTest, RendersAllHeadersWithUniqueMessageIds) {
  MailMessage message{"Hi", "line 1\nline 2\n", {}};
  std::string a = RenderMail(message, "backup@example.com", {"x@example.com", "y@example.com"},
                             1795737603, "db1.example.com");
  std::string b =
      RenderMail(message, "backup@example.com", {"x@example.com"}, 1795737603, "db1.example.com");
  ExpectWellFormedLines(a, 78);
  EXPECT_EQ(HeaderValue(a, "Date"), "Fri, 27 Nov 2026 00:00:03 +0000");
  EXPECT_EQ(HeaderValue(a, "From"), "backup@example.com");
  EXPECT_EQ(HeaderValue(a, "To"), "x@example.com, y@example.com");
  EXPECT_EQ(HeaderValue(a, "Subject"), "Hi");
  EXPECT_EQ(HeaderValue(a, "MIME-Version"), "1.0");
  EXPECT_EQ(HeaderValue(a, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(HeaderValue(a, "Content-Transfer-Encoding"), "quoted-printable");
  std::string id = HeaderValue(a, "Message-ID");
  EXPECT_EQ(id.front(), '<');
  EXPECT_NE(id.find("@db1.example.com>"), std::string::npos) << id;
  EXPECT_NE(id, HeaderValue(b, "Message-ID"));
  EXPECT_NE(a.find("\r\n\r\nline 1\r\nline 2\r\n"), std::string::npos);
}

TEST(MailMessageTest, AnyBodyAndAttachmentStayWithin998BytesPerLine) {
  std::string body = std::string(5000, 'a') + "\n" + std::string(3000, ' ') + "\n\xff\xfe\x01" +
                     "\n." + std::string(1200, '.') + "\r\r\n";
  std::string binary;
  for (int i = 0; i < 5000; ++i) binary += static_cast<char>(i * 7);
  MailMessage message{
      "s", body, {{"dump \xc3\xa4.bin", binary, ""}, {"log.txt", "x\n", "text/plain"}}};
  std::string raw = RenderMail(message, "a@x", {"b@x"}, 0, "h");
  ExpectWellFormedLines(raw, 78);
  EXPECT_NE(raw.find("Content-Type: multipart/mixed;"), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: application/octet-stream"), std::string::npos);
  EXPECT_NE(raw.find("filename*0*=utf-8''dump%20%C3%A4.bin"), std::string::npos);
  EXPECT_NE(raw.find("filename=\"log.txt\""), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The templates.

TEST(MailTemplatesTest, FormatsSizesHumanAndInBytes) {
  static const struct {
    uint64_t bytes;
    const char* text;
  } kCases[] = {
      {0, "0 bytes"},
      {1, "1 byte"},
      {1023, "1023 bytes"},
      {1024, "1.0 KiB (1024 bytes)"},
      {12897412, "12.3 MiB (12897412 bytes)"},
      {5ull << 40, "5.0 TiB (5497558138880 bytes)"},
  };
  for (const auto& c : kCases) EXPECT_EQ(FormatSize(c.bytes), c.text);
}

TEST(MailTemplatesTest, FormatsDurations) {
  EXPECT_EQ(FormatDuration(4.24), "4.2 s");
  EXPECT_EQ(FormatDuration(123.0), "2 min 03 s (123.0 s)");
  EXPECT_EQ(FormatDuration(3723.2), "1 h 02 min 03 s (3723 s)");
}

TEST(MailTemplatesTest, SuccessMailCarriesTheNumbers) {
  SuccessReport report{
      "daily",  "shop", "/var/backup/mysql/daily/shop-daily-20261127T000003Z.sql.gz",
      12897412, 83.4,   std::string(64, 'a')};
  MailMessage mail = SuccessMail(report, "production", "db1");
  EXPECT_EQ(mail.subject, "[mysql-backup] SUCCESS daily backup of shop on db1 (production)");
  EXPECT_NE(mail.body.find("Size:        12.3 MiB (12897412 bytes)\n"), std::string::npos)
      << mail.body;
  EXPECT_NE(mail.body.find(report.path), std::string::npos);
  EXPECT_NE(mail.body.find("SHA-256:     " + report.sha256), std::string::npos);
  EXPECT_NE(mail.body.find("Duration:    1 min 23 s (83.4 s)"), std::string::npos);
  EXPECT_TRUE(mail.attachments.empty());
}

TEST(MailTemplatesTest, FailureMailFromStatusShowsChainAndMentionsUnreadableLog) {
  Status status = Status(ErrorKind::kStorage, "Cannot write '/x': No space left on device")
                      .AddContext("Cannot write the daily backup")
                      .AddContext("Daily backup of shop failed")
                      .SetDetail("mysqldump: Got errno 28\nsecond line");
  FailureReport report = FailureReportFromStatus(status);
  report.backup_type = "daily";
  report.database = "shop";
  report.recent_log_lines = {"started", "dumping"};
  report.log_file_path = "/nonexistent/mysql_backup_20261127.log";
  MailMessage mail = FailureMail(report, "production", "db1", /*attach_logs=*/true);
  EXPECT_EQ(mail.subject, "[mysql-backup] FAILED daily backup of shop on db1 (production)");
  EXPECT_NE(mail.body.find("Error kind:  storage\n"), std::string::npos) << mail.body;
  EXPECT_NE(mail.body.find("Exit code:   74\n"), std::string::npos);
  EXPECT_NE(mail.body.find("  Daily backup of shop failed\n  Cannot write the daily backup\n"
                           "  Cannot write '/x': No space left on device\n"),
            std::string::npos);
  EXPECT_NE(mail.body.find("  mysqldump: Got errno 28\n  second line\n"), std::string::npos);
  EXPECT_NE(mail.body.find("  started\n  dumping\n"), std::string::npos);
  EXPECT_NE(mail.body.find("mysql_backup_20261127.log (not attached: "), std::string::npos);
  EXPECT_TRUE(mail.attachments.empty());
}

TEST(MailTemplatesTest, TestMailNamesTheTransportButNeverThePassword) {
  NotificationConfig config;
  config.smtp_server = "smtp.example.com";
  config.username = kUser;
  config.password = kPassword;
  config.sender = "backup@example.com";
  config.recipients = {"a@example.com", "b@example.com"};
  MailMessage mail = TestMail(config, "production", "db1");
  EXPECT_EQ(mail.subject, "[mysql-backup] TEST notification from db1 (production)");
  EXPECT_NE(mail.body.find("smtp.example.com:587, STARTTLS, AUTH as alerts@example.com"),
            std::string::npos)
      << mail.body;
  EXPECT_EQ(mail.body.find(kPassword), std::string::npos);
}

TEST(MailTemplatesTest, UnitFailureMailExplainsTheExitStatus) {
  UnitFailureReport report{
      "mysql-backup@daily.service", "exit-code", "exited", "74", "0123456789abcdef0123456789abcdef",
      {"line one", "line two"},     ""};
  MailMessage mail = UnitFailureMail(report, "production", "db1", false);
  EXPECT_EQ(mail.subject,
            "[mysql-backup] FAILED unit mysql-backup@daily.service on db1 (production)");
  EXPECT_NE(mail.body.find("Exit status:   74 (storage error"), std::string::npos) << mail.body;
  EXPECT_NE(mail.body.find("_SYSTEMD_INVOCATION_ID=0123456789abcdef0123456789abcdef"),
            std::string::npos);
  EXPECT_NE(mail.body.find("  line one\n  line two\n"), std::string::npos);
}

TEST(SmtpSenderTest, WarnsOnlyWhenAPasswordWouldTravelInClear) {
  NotificationConfig config;
  config.smtp_server = "mail";
  config.password = kPassword;
  EXPECT_FALSE(PlainTextPasswordWarning(config).has_value());  // use_tls defaults to true
  config.use_tls = false;
  ASSERT_TRUE(PlainTextPasswordWarning(config).has_value());
  EXPECT_EQ(PlainTextPasswordWarning(config)->find(kPassword), std::string::npos);
  config.use_ssl = true;
  EXPECT_FALSE(PlainTextPasswordWarning(config).has_value());
  config.use_ssl = false;
  config.password.clear();
  EXPECT_FALSE(PlainTextPasswordWarning(config).has_value());
}

// ---------------------------------------------------------------------------------------------
// Against a real SMTP server.

class NotifyServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    Result<TestCa> ca = testing::MakeTestCa(dir_->path() + "/ca");
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    ca_ = new TestCa(*ca);
  }
  static void TearDownTestSuite() {
    delete ca_;
    delete dir_;
    ca_ = nullptr;
    dir_ = nullptr;
  }

  // Starts a server; AUTH required with kUser/kPassword.
  std::unique_ptr<SmtpServer> StartServer(SmtpMode mode) {
    SmtpServerOptions options;
    options.mode = mode;
    options.cert_file = ca_->server_cert;
    options.key_file = ca_->server_key;
    options.auth_user = kUser;
    options.auth_password = kPassword;
    Result<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(options, work_.path());
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    return server.ok() ? std::move(*server) : nullptr;
  }

  // The config a user would write for `server`, trusting the test CA through ca_file.
  NotificationConfig ConfigFor(const SmtpServer& server, SmtpMode mode) {
    NotificationConfig config;
    config.enabled = true;
    config.smtp_server = "127.0.0.1";
    config.smtp_port = server.port();
    config.use_tls = mode == SmtpMode::kStartTls || mode == SmtpMode::kNoStartTls;
    config.use_ssl = mode == SmtpMode::kImplicitTls;
    config.username = kUser;
    config.password = kPassword;
    config.sender = "mysql-backup@db1.example.com";
    // As the old tool's "recipients = dba@example.com, admin@example.com", split by the config.
    config.recipients = {"dba@example.com", "  admin@example.com "};
    config.ca_file = ca_->ca_cert;
    return config;
  }

  std::vector<ReceivedMail> Received(const SmtpServer& server) {
    Result<std::vector<ReceivedMail>> mails = server.Messages();
    EXPECT_TRUE(mails.ok()) << mails.status().ToString();
    return mails.ok() ? *mails : std::vector<ReceivedMail>{};
  }

  void ExpectDelivered(const ReceivedMail& mail, bool tls) {
    EXPECT_EQ(mail.mail_from, "mysql-backup@db1.example.com");
    EXPECT_EQ(mail.rcpt_tos, (std::vector<std::string>{"dba@example.com", "admin@example.com"}));
    EXPECT_EQ(mail.tls, tls);
    EXPECT_EQ(mail.authenticated_as, kUser);
    EXPECT_TRUE(mail.defects.empty()) << mail.defects.front();
    ExpectWellFormedLines(mail.data, 998);
    EXPECT_FALSE(HeaderValue(mail.data, "Date").empty());
    EXPECT_FALSE(HeaderValue(mail.data, "Message-ID").empty());
    EXPECT_EQ(HeaderValue(mail.data, "From"), "mysql-backup@db1.example.com");
    EXPECT_EQ(HeaderValue(mail.data, "To"), "dba@example.com, admin@example.com");
    EXPECT_EQ(HeaderValue(mail.data, "MIME-Version"), "1.0");
    EXPECT_EQ(mail.data.find(kPassword), std::string::npos);
  }

  static TempDir* dir_;
  static TestCa* ca_;
  TempDir work_;
};

TempDir* NotifyServerTest::dir_ = nullptr;
TestCa* NotifyServerTest::ca_ = nullptr;

SuccessReport ShopReport() {
  return SuccessReport{
      "daily",  "shop", "/var/backup/mysql/daily/shop-daily-20261127T000003Z.sql.gz",
      12897412, 83.4,   std::string(64, 'f')};
}

TEST_F(NotifyServerTest, SuccessMailArrivesOverStartTlsAuthenticatedToEveryRecipient) {
  auto server = StartServer(SmtpMode::kStartTls);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kStartTls);
  Status s = SendMail(config, SuccessMail(ShopReport(), "production", "db1"));
  ASSERT_TRUE(s.ok()) << s.ToString();

  std::vector<ReceivedMail> mails = Received(*server);
  ASSERT_EQ(mails.size(), 1u);
  ExpectDelivered(mails[0], /*tls=*/true);
  EXPECT_EQ(mails[0].subject, "[mysql-backup] SUCCESS daily backup of shop on db1 (production)");
  EXPECT_NE(mails[0].body.find("Size:        12.3 MiB (12897412 bytes)"), std::string::npos)
      << mails[0].body;
  EXPECT_NE(mails[0].body.find("File:        " + ShopReport().path), std::string::npos);
  EXPECT_NE(mails[0].body.find("SHA-256:     " + std::string(64, 'f')), std::string::npos);
  EXPECT_NE(mails[0].body.find("Duration:    1 min 23 s (83.4 s)"), std::string::npos);
}

TEST_F(NotifyServerTest, FailureMailArrivesOverImplicitTlsWithTheLogAttached) {
  auto server = StartServer(SmtpMode::kImplicitTls);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kImplicitTls);

  std::string log_path = work_.path() + "/mysql_backup_20261127.log";
  std::string log_content =
      "2026-11-27 00:00:01 INFO Starting daily backup of gr\xc3\xb6\xc3\x9f"
      "e\n"
      "." +
      std::string(2500, '=') +
      "\n"
      "2026-11-27 00:00:02 ERROR No space left on device\n";
  std::ofstream(log_path, std::ios::binary) << log_content;

  FailureReport report = FailureReportFromStatus(
      Status(ErrorKind::kStorage,
             "Cannot write '/var/backup/mysql/.tmp/x': No space left on device")
          .AddContext("Daily backup of shop failed"));
  report.backup_type = "daily";
  report.database = "shop";
  report.recent_log_lines = {"INFO Starting daily backup", "ERROR No space left on device"};
  report.log_file_path = log_path;
  Status s = SendMail(config, FailureMail(report, "production", "db1", /*attach_logs=*/true));
  ASSERT_TRUE(s.ok()) << s.ToString();

  std::vector<ReceivedMail> mails = Received(*server);
  ASSERT_EQ(mails.size(), 1u);
  ExpectDelivered(mails[0], /*tls=*/true);
  EXPECT_EQ(mails[0].subject, "[mysql-backup] FAILED daily backup of shop on db1 (production)");
  const std::string& body = mails[0].body;
  EXPECT_NE(body.find("Error kind:  storage"), std::string::npos) << body;
  EXPECT_NE(body.find("Error:       Cannot write '/var/backup/mysql/.tmp/x': No space left"),
            std::string::npos);
  EXPECT_NE(body.find("Exit code:   74"), std::string::npos);
  EXPECT_NE(body.find("  Daily backup of shop failed\n"), std::string::npos);
  EXPECT_NE(body.find("  ERROR No space left on device\n"), std::string::npos);
  EXPECT_NE(body.find(log_path + " (attached)"), std::string::npos);
  ASSERT_EQ(mails[0].attachments.size(), 1u);
  EXPECT_EQ(mails[0].attachments[0].filename, "mysql_backup_20261127.log");
  EXPECT_EQ(mails[0].attachments[0].content_type, "text/plain");
  EXPECT_EQ(mails[0].attachments[0].content, log_content);
}

TEST_F(NotifyServerTest, PlainModeDeliversAndWarnsAboutThePassword) {
  auto server = StartServer(SmtpMode::kPlain);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kPlain);
  EXPECT_TRUE(PlainTextPasswordWarning(config).has_value());
  Status s = SendMail(config, TestMail(config, "production", "db1"));
  ASSERT_TRUE(s.ok()) << s.ToString();

  std::vector<ReceivedMail> mails = Received(*server);
  ASSERT_EQ(mails.size(), 1u);
  ExpectDelivered(mails[0], /*tls=*/false);
  EXPECT_EQ(mails[0].subject, "[mysql-backup] TEST notification from db1 (production)");
  EXPECT_NE(mails[0].body.find("127.0.0.1:" + std::to_string(server->port()) +
                               ", no encryption, AUTH as alerts@example.com"),
            std::string::npos)
      << mails[0].body;
}

TEST_F(NotifyServerTest, Utf8SubjectDotLinesAndLongLinesArriveIntact) {
  auto server = StartServer(SmtpMode::kStartTls);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kStartTls);
  SuccessReport report = ShopReport();
  report.database =
      "gr\xc3\xb6\xc3\x9f"
      "e";
  MailMessage mail = SuccessMail(report, "production", "db1");
  const std::string long_line(2000, 'L');
  mail.body += ".hidden\n.\n..two dots\n" + long_line + "\nlast line\n";
  Status s = SendMail(config, mail);
  ASSERT_TRUE(s.ok()) << s.ToString();

  std::vector<ReceivedMail> mails = Received(*server);
  ASSERT_EQ(mails.size(), 1u);
  ExpectDelivered(mails[0], /*tls=*/true);
  EXPECT_NE(HeaderBlock(mails[0].data).find("=?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(mails[0].subject,
            "[mysql-backup] SUCCESS daily backup of gr\xc3\xb6\xc3\x9f"
            "e on db1 (production)");
  const std::string& body = mails[0].body;
  EXPECT_NE(body.find("Database:    gr\xc3\xb6\xc3\x9f"
                      "e\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("\n.hidden\n.\n..two dots\n" + long_line + "\nlast line\n"),
            std::string::npos)
      << body;
}

TEST_F(NotifyServerTest, UnitFailureMailArrives) {
  auto server = StartServer(SmtpMode::kStartTls);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kStartTls);
  UnitFailureReport report{"mysql-backup@daily.service",
                           "signal",
                           "killed",
                           "KILL",
                           "0123456789abcdef0123456789abcdef",
                           {"Starting daily backup", "mysql-backup@daily.service: Killed"},
                           ""};
  Status s = SendMail(config, UnitFailureMail(report, "production", "db1", true));
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<ReceivedMail> mails = Received(*server);
  ASSERT_EQ(mails.size(), 1u);
  ExpectDelivered(mails[0], /*tls=*/true);
  EXPECT_EQ(mails[0].subject,
            "[mysql-backup] FAILED unit mysql-backup@daily.service on db1 (production)");
  EXPECT_NE(mails[0].body.find("Result:        signal"), std::string::npos) << mails[0].body;
  EXPECT_NE(mails[0].body.find("Exit status:   KILL"), std::string::npos);
  EXPECT_NE(mails[0].body.find("  mysql-backup@daily.service: Killed"), std::string::npos);
}

// A bound socket that never listens: connecting to it is refused at once, and no other process
// can take the port while the test runs.
struct ClosedPort {
  ClosedPort() {
    fd.Reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
      port = ntohs(addr.sin_port);
    }
  }
  UniqueFd fd;
  int port = 0;
};

TEST_F(NotifyServerTest, ServerDownIsANotificationErrorNamingTheAddress) {
  ClosedPort closed;
  ASSERT_NE(closed.port, 0);
  NotificationConfig config;
  config.smtp_server = "127.0.0.1";
  config.smtp_port = closed.port;
  config.username = kUser;
  config.password = kPassword;
  config.sender = "mysql-backup@db1.example.com";
  config.recipients = {"dba@example.com"};
  Status s = SendMail(config, TestMail(config, "production", "db1"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kNotification);
  EXPECT_EQ(s.exit_code(), 75);
  EXPECT_NE(s.ToString().find("127.0.0.1:" + std::to_string(closed.port)), std::string::npos)
      << s.ToString();
  EXPECT_EQ(s.ToString().find(kPassword), std::string::npos);
}

TEST_F(NotifyServerTest, UntrustedCertificateIsRefused) {
  for (SmtpMode mode : {SmtpMode::kStartTls, SmtpMode::kImplicitTls}) {
    auto server = StartServer(mode);
    ASSERT_TRUE(server);
    NotificationConfig config = ConfigFor(*server, mode);
    config.ca_file.clear();  // the system store does not know the throwaway CA
    Status s = SendMail(config, TestMail(config, "production", "db1"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.kind(), ErrorKind::kNotification);
    EXPECT_NE(s.ToString().find("certificate"), std::string::npos) << s.ToString();
    EXPECT_EQ(s.ToString().find(kPassword), std::string::npos);
    EXPECT_TRUE(Received(*server).empty());
  }
}

TEST_F(NotifyServerTest, ServerWithoutStartTlsIsRefusedWhenUseTls) {
  auto server = StartServer(SmtpMode::kNoStartTls);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kNoStartTls);
  ASSERT_TRUE(config.use_tls);
  Status s = SendMail(config, TestMail(config, "production", "db1"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kNotification);
  EXPECT_NE(s.ToString().find("STARTTLS"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.ToString().find(kPassword), std::string::npos);
  EXPECT_TRUE(Received(*server).empty());
}

TEST_F(NotifyServerTest, WrongPasswordIsRefusedWithTheServersAnswerAndWithoutThePassword) {
  auto server = StartServer(SmtpMode::kStartTls);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kStartTls);
  config.password = "wrong-Pa55word";
  Status s = SendMail(config, TestMail(config, "production", "db1"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kNotification);
  EXPECT_NE(s.ToString().find("535"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.ToString().find("wrong-Pa55word"), std::string::npos);
  EXPECT_TRUE(Received(*server).empty());
}

TEST_F(NotifyServerTest, MissingCaFileIsNamedInTheError) {
  auto server = StartServer(SmtpMode::kStartTls);
  ASSERT_TRUE(server);
  NotificationConfig config = ConfigFor(*server, SmtpMode::kStartTls);
  config.ca_file = work_.path() + "/no-such-ca.pem";
  Status s = SendMail(config, TestMail(config, "production", "db1"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kNotification);
  EXPECT_NE(s.ToString().find("no-such-ca.pem"), std::string::npos) << s.ToString();
  EXPECT_TRUE(Received(*server).empty());
}

}  // namespace
}  // namespace mysql_backup::notify
