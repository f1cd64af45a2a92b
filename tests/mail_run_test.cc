// Notification mails end to end: the built binary runs real backups of a real MariaDB and mails
// a real SMTP server (aiosmtpd, STARTTLS or implicit TLS, AUTH, a throwaway CA), configured only
// through the old tool's [notification] section. What arrives is checked as Python's email
// package decodes it (see support/smtp_server.h): recipients, TLS, AUTH, subject, body fields,
// the attached log, and that no password ever shows up in a mail, on stdout/stderr or in the log.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/command.h"
#include "support/mariadb_server.h"
#include "support/smtp_server.h"
#include "util/unique_fd.h"

namespace mysql_backup::testing {
namespace {

constexpr char kSmtpUser[] = "alerts@example.com";
// Unique enough to search for, and with the characters a config value keeps verbatim.
constexpr char kSmtpPassword[] = "sm7p-Pa55;w0rd#mail";
constexpr char kWrongDbPassword[] = "wr0ng-DB;pa55#word";
constexpr char kSender[] = "mysql-backup@db1.example.com";
constexpr char kEnvironment[] = "staging";
// 32 hex digits, as systemd's $MONITOR_INVOCATION_ID; no journal holds it.
constexpr char kInvocationId[] = "5f0c6a1e9b2d4c7f8a3e1d0b6c9f2a47";
const char* const kUtf8Database =
    "gr\xc3\xb6\xc3\x9f"
    "e";  // größe

const std::vector<std::string> kRecipients = {"dba@example.com", "admin@example.com"};

enum class Transport { kStartTls, kImplicitTls };

// What the [notification] section of a test's config says.
struct MailSettings {
  bool enabled = true;
  bool only_enabled_key = false;  // write `enabled = ...` and nothing else
  int port = 0;
  Transport transport = Transport::kStartTls;
  bool trust_test_ca = true;  // ca_file = the test CA
  std::string notify_on;      // empty: key not written (default always)
  bool attach_logs = false;
};

struct RunSettings {
  std::string database = "awkward";
  std::string db_password = MariaDbServer::kBackupPassword;
  MailSettings mail;
};

std::string LocalHost() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  struct tm tm {};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The size as a DBA reads it, computed here rather than by the product's FormatSize.
std::string HumanSize(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes) / 1024;
  const char* unit = "KiB";
  if (value >= 1024) {
    value /= 1024;
    unit = "MiB";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s (%llu bytes)", value, unit,
                static_cast<unsigned long long>(bytes));
  return buf;
}

// The value of "Label: value" in a mail body ("" when missing).
std::string BodyField(const std::string& body, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(body, m, std::regex("(^|\n)" + label + ":[ ]+([^\n]*)"))) return "";
  return m[2];
}

// A port on 127.0.0.1 that refuses connections: bound, so nobody else gets it while the test
// runs, but never listening, so a SYN is answered with a reset.
class DeadPort {
 public:
  DeadPort() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (!fd_.valid() || bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot reserve a loopback port";
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  int port() const { return port_; }

 private:
  UniqueFd fd_;
  int port_ = 0;
};

class MailRunTest : public ::testing::Test {
 protected:
  // One MariaDB, one load of the fixture and one CA for the whole suite: each takes seconds.
  static void SetUpTestSuite() {
    db_ = new MariaDbServer();
    start_ = db_->Start();
    if (start_.ok()) start_ = db_->LoadFile(SourcePath("tests/fixtures/awkward.sql"));
    if (start_.ok()) {
      const std::string db = SqlIdentifier(kUtf8Database);
      auto created =
          db_->TrySql("CREATE DATABASE " + db + " CHARACTER SET utf8mb4; CREATE TABLE " + db +
                      ".`t` (`id` INT PRIMARY KEY, `name` VARCHAR(20)); INSERT INTO " + db +
                      ".`t` VALUES (1, 'eins'), (2, 'zwei');");
      if (!created.ok()) start_ = created.status();
    }
    ca_dir_ = new TempDir();
    if (start_.ok()) {
      Result<TestCa> ca = MakeTestCa(ca_dir_->path() + "/ca");
      if (ca.ok()) {
        ca_ = new TestCa(*ca);
      } else {
        start_ = ca.status();
      }
    }
  }
  static void TearDownTestSuite() {
    delete db_;
    delete ca_;
    delete ca_dir_;
    db_ = nullptr;
    ca_ = nullptr;
    ca_dir_ = nullptr;
  }

  void SetUp() override { ASSERT_TRUE(start_.ok()) << start_.ToString(); }

  // A server that requires AUTH as kSmtpUser and, in STARTTLS mode, TLS before it.
  std::unique_ptr<SmtpServer> StartSmtp(SmtpMode mode) {
    SmtpServerOptions options;
    options.mode = mode;
    options.cert_file = ca_->server_cert;
    options.key_file = ca_->server_key;
    options.auth_user = kSmtpUser;
    options.auth_password = kSmtpPassword;
    Result<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(options, work_.path());
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    return server.ok() ? std::move(*server) : nullptr;
  }

  std::vector<ReceivedMail> Received(const SmtpServer& server) {
    Result<std::vector<ReceivedMail>> mails = server.Messages();
    EXPECT_TRUE(mails.ok()) << mails.status().ToString();
    return mails.ok() ? *mails : std::vector<ReceivedMail>{};
  }

  std::string backup_dir() const { return work_ / "backups"; }
  std::string log_dir() const { return work_ / "log"; }

  // The config file a user migrating from the old tool would write; 0600, as it holds passwords.
  std::string WriteConfig(const RunSettings& run) {
    std::filesystem::create_directories(backup_dir());
    std::string text = "[general]\nlog_dir = " + log_dir() + "\n";
    text += std::string("environment = ") + kEnvironment + "\n\n";
    text += "[database]\nhost = 127.0.0.1\nport = " + std::to_string(db_->port()) +
            "\nuser = " + MariaDbServer::kBackupUser + "\npassword = " + run.db_password +
            "\ndatabase = " + run.database + "\n\n";
    text += "[backup]\nbackup_dir = " + backup_dir() + "\n\n";
    const MailSettings& m = run.mail;
    text += std::string("[notification]\nenabled = ") + (m.enabled ? "true" : "false") + "\n";
    if (!m.only_enabled_key) {
      bool implicit = m.transport == Transport::kImplicitTls;
      text += "smtp_server = 127.0.0.1\nsmtp_port = " + std::to_string(m.port) + "\n";
      text += std::string("use_tls = ") + (implicit ? "false" : "true") + "\n";
      text += std::string("use_ssl = ") + (implicit ? "true" : "false") + "\n";
      text += std::string("username = ") + kSmtpUser + "\npassword = " + kSmtpPassword + "\n";
      text += std::string("sender = ") + kSender + "\n";
      text += "recipients = " + kRecipients[0] + ", " + kRecipients[1] + "\n";
      text += std::string("attach_logs = ") + (m.attach_logs ? "true" : "false") + "\n";
      if (!m.notify_on.empty()) text += "notify_on = " + m.notify_on + "\n";
      if (m.trust_test_ca) text += "ca_file = " + ca_->ca_cert + "\n";
    }
    std::string path = work_ / ("config-" + std::to_string(++configs_) + ".conf");
    WriteTextFile(path, text, 0600);
    return path;
  }

  // Runs the binary and checks that no password reached its output.
  CliResult Run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    CliResult r = RunMysqlBackup(args, env);
    ExpectNoSecrets(r.out, "stdout");
    ExpectNoSecrets(r.err, "stderr");
    return r;
  }

  CliResult Backup(const std::string& config) {
    return Run({"--config", config, "--backup-type", "daily"});
  }

  static void ExpectNoSecrets(const std::string& text, const std::string& where) {
    for (const std::string& secret : {std::string(MariaDbServer::kBackupPassword),
                                      std::string(kWrongDbPassword), std::string(kSmtpPassword)}) {
      EXPECT_FALSE(Contains(text, secret)) << where << " contains the password " << secret;
    }
  }

  static void ExpectNoSecrets(const ReceivedMail& mail) {
    ExpectNoSecrets(mail.data, "the raw mail");
    ExpectNoSecrets(mail.subject, "the mail's subject");
    ExpectNoSecrets(mail.body, "the mail's body");
    for (const ReceivedAttachment& a : mail.attachments) {
      ExpectNoSecrets(a.content, "attachment " + a.filename);
    }
  }

  // What every mail must be: to both recipients, TLS, authenticated, well formed, no secret.
  static void ExpectDelivered(const ReceivedMail& mail) {
    EXPECT_EQ(mail.mail_from, kSender);
    EXPECT_EQ(mail.rcpt_tos, kRecipients);
    EXPECT_TRUE(mail.tls);
    EXPECT_EQ(mail.authenticated_as, kSmtpUser);
    EXPECT_TRUE(mail.defects.empty()) << mail.defects.front();
    EXPECT_TRUE(Contains(mail.data, "\r\nTo: dba@example.com, admin@example.com\r\n")) << mail.data;
    EXPECT_TRUE(mail.data.rfind("Date: ", 0) == 0 || Contains(mail.data, "\r\nDate: "));
    EXPECT_TRUE(Contains(mail.data, "\r\nMessage-ID: <"));
    ExpectNoSecrets(mail);
  }

  // The daily log files' names (one, unless a test ran across midnight).
  std::vector<std::string> LogFiles() const {
    std::error_code ec;
    if (!std::filesystem::exists(log_dir(), ec)) return {};
    return ListFilesRecursively(log_dir());
  }
  // Everything logged to files by this test's runs.
  std::string LogContent() const {
    std::string content;
    for (const std::string& name : LogFiles()) content += ReadTextFile(log_dir() + "/" + name);
    return content;
  }

  // Whatever a test did, no password reached a log file.
  void TearDown() override { ExpectNoSecrets(LogContent(), "the log files"); }

  // The backups (relative paths) under backup_dir, without their .sha256 files.
  std::vector<std::string> Backups() const {
    std::vector<std::string> out;
    for (const std::string& f : ListFilesRecursively(backup_dir())) {
      if (f.size() > 7 && f.substr(f.size() - 7) == ".sql.gz") out.push_back(f);
    }
    return out;
  }

  static MariaDbServer* db_;
  static Status start_;
  static TempDir* ca_dir_;
  static TestCa* ca_;
  TempDir work_;
  int configs_ = 0;
};

MariaDbServer* MailRunTest::db_ = nullptr;
Status MailRunTest::start_ = Status::Ok();
TempDir* MailRunTest::ca_dir_ = nullptr;
TestCa* MailRunTest::ca_ = nullptr;

TEST_F(MailRunTest, DailyBackupMailsTheNumbersToEveryRecipientOverStartTls) {
  auto smtp = StartSmtp(SmtpMode::kStartTls);
  ASSERT_TRUE(smtp);
  RunSettings run;
  run.mail.port = smtp->port();
  CliResult r = Backup(WriteConfig(run));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  std::vector<std::string> backups = Backups();
  ASSERT_EQ(backups.size(), 1u);
  const std::string path = backup_dir() + "/" + backups[0];
  const uint64_t size = std::filesystem::file_size(path);
  std::string sha256_line = ReadTextFile(path + ".sha256");
  const std::string sha256 = sha256_line.substr(0, sha256_line.find(' '));
  ASSERT_EQ(sha256.size(), 64u) << sha256_line;
  // The checksum file is itself right, so the mail's hash means something.
  CliResult sum = RunShell("cd '" + backup_dir() + "/daily' && sha256sum -c --quiet '" +
                           std::filesystem::path(path).filename().string() + ".sha256'");
  EXPECT_EQ(sum.exit_code, 0) << sum.out << sum.err;

  std::vector<ReceivedMail> mails = Received(*smtp);
  ASSERT_EQ(mails.size(), 1u);
  const ReceivedMail& mail = mails[0];
  ExpectDelivered(mail);
  EXPECT_EQ(mail.subject, "[mysql-backup] SUCCESS daily backup of awkward on " + LocalHost() +
                              " (" + kEnvironment + ")");
  const std::string& body = mail.body;
  EXPECT_EQ(BodyField(body, "Environment"), kEnvironment) << body;
  EXPECT_EQ(BodyField(body, "Host"), LocalHost());
  EXPECT_EQ(BodyField(body, "Database"), "awkward");
  EXPECT_EQ(BodyField(body, "Backup type"), "daily");
  EXPECT_EQ(BodyField(body, "File"), path);
  EXPECT_EQ(BodyField(body, "Size"), HumanSize(size));
  EXPECT_TRUE(std::regex_match(BodyField(body, "Duration"), std::regex("[0-9]+\\.[0-9] s")))
      << BodyField(body, "Duration");
  EXPECT_EQ(BodyField(body, "SHA-256"), sha256);

  EXPECT_TRUE(Contains(LogContent(), " - INFO - Notification mail sent to 2 recipient(s)"));
}

TEST_F(MailRunTest, NotifyOnFailureMailsOnlyTheFailureWithTheLogOverImplicitTls) {
  auto smtp = StartSmtp(SmtpMode::kImplicitTls);
  ASSERT_TRUE(smtp);
  RunSettings run;
  run.mail.port = smtp->port();
  run.mail.transport = Transport::kImplicitTls;
  run.mail.notify_on = "failure";
  run.mail.attach_logs = true;

  CliResult ok = Backup(WriteConfig(run));
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(Backups().size(), 1u);
  EXPECT_TRUE(Received(*smtp).empty());

  const std::string day_before = Today();
  run.db_password = kWrongDbPassword;
  CliResult failed = Backup(WriteConfig(run));
  const std::string day_after = Today();
  EXPECT_EQ(failed.exit_code, 69) << failed.out << failed.err;
  EXPECT_EQ(Backups().size(), 1u);

  std::vector<ReceivedMail> mails = Received(*smtp);
  ASSERT_EQ(mails.size(), 1u);
  const ReceivedMail& mail = mails[0];
  ExpectDelivered(mail);
  EXPECT_EQ(mail.subject, "[mysql-backup] FAILED daily backup of awkward on " + LocalHost() + " (" +
                              kEnvironment + ")");
  const std::string& body = mail.body;
  EXPECT_EQ(BodyField(body, "Error kind"), "connection") << body;
  EXPECT_EQ(BodyField(body, "Exit code"), "69");
  EXPECT_TRUE(Contains(body, "Access denied")) << body;
  size_t recent = body.find("\nLast log lines:\n");
  ASSERT_NE(recent, std::string::npos) << body;

  // The lines under "Last log lines:" are the runs' own, as the log file has them.
  const std::string log = LogContent();
  std::vector<std::string> recent_lines;
  for (size_t pos = recent + std::string("\nLast log lines:\n").size();;) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos || end == pos) break;
    recent_lines.push_back(body.substr(pos, end - pos));
    pos = end + 1;
  }
  ASSERT_FALSE(recent_lines.empty()) << body;
  for (const std::string& line : recent_lines) {
    ASSERT_EQ(line.rfind("  ", 0), 0u) << line;
    EXPECT_TRUE(Contains(log, " - " + line.substr(2) + "\n")) << line;
  }
  EXPECT_TRUE(Contains(recent_lines.back(), "Access denied")) << recent_lines.back();

  // The attachment is the day's log as it was when the mail went out: both runs, up to the
  // failure. Only the line saying the mail was sent can follow it in the file.
  ASSERT_EQ(mail.attachments.size(), 1u);
  const ReceivedAttachment& attachment = mail.attachments[0];
  EXPECT_TRUE(attachment.filename == "mysql_backup_" + day_before + ".log" ||
              attachment.filename == "mysql_backup_" + day_after + ".log")
      << attachment.filename;
  EXPECT_EQ(attachment.content_type, "text/plain");
  EXPECT_TRUE(Contains(mail.data, "Content-Transfer-Encoding: base64"));
  const std::string attached_log = ReadTextFile(log_dir() + "/" + attachment.filename);
  ASSERT_LE(attachment.content.size(), attached_log.size());
  EXPECT_EQ(attachment.content, attached_log.substr(0, attachment.content.size()));
  std::string after = attached_log.substr(attachment.content.size());
  EXPECT_TRUE(std::regex_match(
      after, std::regex("[0-9-]+ [0-9:]+ - INFO - Notification mail sent to 2 recipient\\(s\\)\n")))
      << after;
  EXPECT_TRUE(Contains(attachment.content, " - ERROR - ")) << attachment.content;
  EXPECT_TRUE(Contains(attachment.content, "Access denied")) << attachment.content;
}

TEST_F(MailRunTest, DeadSmtpServerNeverFailsABackupButFailsTheTestMail) {
  DeadPort dead;
  RunSettings run;
  run.mail.port = dead.port();
  const std::string config = WriteConfig(run);
  const std::string where = "127.0.0.1:" + std::to_string(dead.port());

  CliResult r = Backup(config);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Backups().size(), 1u);
  EXPECT_TRUE(Contains(r.err, "error: Notification mail not sent: Cannot send mail via " + where))
      << r.err;
  const std::string log = LogContent();
  EXPECT_TRUE(Contains(log, " - ERROR - Notification mail not sent: Cannot send mail via " + where))
      << log;

  CliResult test = Run({"--config", config, "--test-notification"});
  EXPECT_EQ(test.exit_code, 75) << test.out << test.err;
  EXPECT_TRUE(Contains(test.err, where)) << test.err;
}

TEST_F(MailRunTest, TestNotificationArrives) {
  auto smtp = StartSmtp(SmtpMode::kStartTls);
  ASSERT_TRUE(smtp);
  RunSettings run;
  run.mail.port = smtp->port();
  CliResult r = Run({"--config", WriteConfig(run), "--test-notification"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  std::vector<ReceivedMail> mails = Received(*smtp);
  ASSERT_EQ(mails.size(), 1u);
  ExpectDelivered(mails[0]);
  EXPECT_EQ(mails[0].subject,
            "[mysql-backup] TEST notification from " + LocalHost() + " (" + kEnvironment + ")");
  EXPECT_TRUE(
      Contains(BodyField(mails[0].body, "Sent via"),
               "127.0.0.1:" + std::to_string(smtp->port()) + ", STARTTLS, AUTH as " + kSmtpUser))
      << mails[0].body;
}

TEST_F(MailRunTest, TestNotificationRefusesACertificateItDoesNotTrust) {
  auto smtp = StartSmtp(SmtpMode::kStartTls);
  ASSERT_TRUE(smtp);
  RunSettings run;
  run.mail.port = smtp->port();
  run.mail.trust_test_ca = false;
  CliResult r = Run({"--config", WriteConfig(run), "--test-notification"});
  EXPECT_EQ(r.exit_code, 75) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "certificate")) << r.err;
  EXPECT_TRUE(Contains(r.err, "127.0.0.1:" + std::to_string(smtp->port()))) << r.err;
  EXPECT_TRUE(Received(*smtp).empty());
}

TEST_F(MailRunTest, TestNotificationRefusesAServerWithoutStartTls) {
  auto smtp = StartSmtp(SmtpMode::kNoStartTls);
  ASSERT_TRUE(smtp);
  RunSettings run;
  run.mail.port = smtp->port();
  CliResult r = Run({"--config", WriteConfig(run), "--test-notification"});
  EXPECT_EQ(r.exit_code, 75) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "STARTTLS not supported")) << r.err;
  EXPECT_TRUE(Contains(r.err, "127.0.0.1:" + std::to_string(smtp->port()))) << r.err;
  EXPECT_TRUE(Received(*smtp).empty());
}

TEST_F(MailRunTest, DisabledNotificationsSendNothingAndNeedNoOtherKey) {
  auto smtp = StartSmtp(SmtpMode::kStartTls);
  ASSERT_TRUE(smtp);
  // A complete section switched off: neither success nor failure is mailed.
  RunSettings run;
  run.mail.port = smtp->port();
  run.mail.enabled = false;
  CliResult ok = Backup(WriteConfig(run));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  run.db_password = kWrongDbPassword;
  CliResult failed = Backup(WriteConfig(run));
  EXPECT_EQ(failed.exit_code, 69) << failed.out << failed.err;
  EXPECT_TRUE(Received(*smtp).empty());
  EXPECT_FALSE(Contains(ok.err + failed.err + LogContent(), "otification"));

  // `enabled = false` alone is a valid section.
  RunSettings bare;
  bare.mail.enabled = false;
  bare.mail.only_enabled_key = true;
  CliResult r = Backup(WriteConfig(bare));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Backups().size(), 2u);
}

TEST_F(MailRunTest, NotifyFailureMailsWhatSystemdSaw) {
  auto smtp = StartSmtp(SmtpMode::kStartTls);
  ASSERT_TRUE(smtp);
  RunSettings run;
  run.mail.port = smtp->port();
  const std::vector<std::string> env = {"MONITOR_SERVICE_RESULT=signal", "MONITOR_EXIT_CODE=killed",
                                        "MONITOR_EXIT_STATUS=KILL",
                                        std::string("MONITOR_INVOCATION_ID=") + kInvocationId};
  const std::string unit = "mysql-backup@daily.service";
  CliResult r = Run({"--config", WriteConfig(run), "--notify-failure", unit}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  std::vector<ReceivedMail> mails = Received(*smtp);
  ASSERT_EQ(mails.size(), 1u);
  const ReceivedMail& mail = mails[0];
  ExpectDelivered(mail);
  EXPECT_EQ(mail.subject, "[mysql-backup] FAILED unit " + unit + " on " + LocalHost() + " (" +
                              kEnvironment + ")");
  EXPECT_EQ(BodyField(mail.body, "Unit"), unit) << mail.body;
  EXPECT_EQ(BodyField(mail.body, "Result"), "signal");
  EXPECT_EQ(BodyField(mail.body, "Exit code"), "killed");
  EXPECT_EQ(BodyField(mail.body, "Exit status"), "KILL");
  EXPECT_EQ(BodyField(mail.body, "Invocation ID"), kInvocationId);

  // The same failure with the mail server gone: the notify unit itself must fail.
  DeadPort dead;
  run.mail.port = dead.port();
  CliResult failed = Run({"--config", WriteConfig(run), "--notify-failure", unit}, env);
  EXPECT_EQ(failed.exit_code, 75) << failed.out << failed.err;
  EXPECT_TRUE(Contains(failed.err, unit)) << failed.err;
  EXPECT_TRUE(Contains(failed.err, "127.0.0.1:" + std::to_string(dead.port()))) << failed.err;
  EXPECT_EQ(Received(*smtp).size(), 1u);
}

TEST_F(MailRunTest, Utf8DatabaseNameRoundTripsThroughTheSubject) {
  auto smtp = StartSmtp(SmtpMode::kStartTls);
  ASSERT_TRUE(smtp);
  RunSettings run;
  run.database = kUtf8Database;
  run.mail.port = smtp->port();
  CliResult r = Backup(WriteConfig(run));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> backups = Backups();
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_EQ(backups[0].rfind(std::string("daily/") + kUtf8Database + "-daily-", 0), 0u)
      << backups[0];

  std::vector<ReceivedMail> mails = Received(*smtp);
  ASSERT_EQ(mails.size(), 1u);
  ExpectDelivered(mails[0]);
  const std::string headers = mails[0].data.substr(0, mails[0].data.find("\r\n\r\n"));
  EXPECT_TRUE(Contains(headers, "=?UTF-8?B?")) << headers;
  EXPECT_EQ(mails[0].subject, std::string("[mysql-backup] SUCCESS daily backup of ") +
                                  kUtf8Database + " on " + LocalHost() + " (" + kEnvironment + ")");
  EXPECT_EQ(BodyField(mails[0].body, "Database"), kUtf8Database);
  EXPECT_EQ(BodyField(mails[0].body, "File"), backup_dir() + "/" + backups[0]);
}

}  // namespace
}  // namespace mysql_backup::testing
