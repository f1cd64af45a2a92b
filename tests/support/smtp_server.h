// A real SMTP server for tests: tests/support/smtp_server.py (Debian's python3-aiosmtpd) run as
// a child on a free loopback port, in STARTTLS, implicit TLS, plain or no-STARTTLS mode, with or
// without required AUTH. Each message it accepts is saved as JSON in its mail folder, together
// with what Python's email package decodes from it (subject, text body, attachments), so tests
// check our MIME output against an independent decoder. The server is killed in the destructor.
// Also: the throwaway CA (make_test_ca.sh) and a self-deleting temporary folder.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_SMTP_SERVER_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_SMTP_SERVER_H_

#include <memory>
#include <string>

#include "support/temp_dir.h"
#include <vector>

#include "util/child_process.h"
#include "util/status.h"

namespace mysql_backup::testing {


// The throwaway CA and server certificate (for 127.0.0.1 and localhost) in `dir`.
struct TestCa {
  std::string ca_cert;  // the file to pass as ca_file
  std::string server_cert;
  std::string server_key;
};
Result<TestCa> MakeTestCa(const std::string& dir);

enum class SmtpMode { kStartTls, kImplicitTls, kPlain, kNoStartTls };

struct SmtpServerOptions {
  SmtpMode mode = SmtpMode::kPlain;
  std::string cert_file;  // needed for kStartTls and kImplicitTls
  std::string key_file;
  std::string auth_user;  // non-empty: AUTH required with these credentials
  std::string auth_password;
};

struct ReceivedAttachment {
  std::string filename;
  std::string content_type;
  std::string content;  // transfer-decoded, as UTF-8 text
};

struct ReceivedMail {
  // What the SMTP session carried.
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string data;  // the raw message, after the server removed the SMTP dot-stuffing
  bool tls = false;
  std::string authenticated_as;  // empty: the session did not authenticate
  // What Python's email package makes of `data`.
  std::string subject;  // RFC 2047 decoded
  std::string body;     // the text/plain part, transfer-decoded, with "\n" line endings
  std::vector<ReceivedAttachment> attachments;
  std::vector<std::string> defects;  // the parser's complaints; empty for a well-formed mail
};

class SmtpServer {
 public:
  // Installs missing packages when root (ensure_smtp_deps.sh), starts the server with its mail
  // folder in `work_dir`, and returns once it accepts connections.
  static Result<std::unique_ptr<SmtpServer>> Start(const SmtpServerOptions& options,
                                                   const std::string& work_dir);
  ~SmtpServer() = default;  // child_ terminates the server
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  int port() const { return port_; }
  // Every message received so far, in arrival order. A message is on disk before the server
  // answers 250 to its DATA, so a SendMail that returned ok is already listed.
  Result<std::vector<ReceivedMail>> Messages() const;

 private:
  SmtpServer() = default;
  ChildProcess child_;
  int port_ = 0;
  std::string maildir_;
};

// The source tree's tests/support folder (from $MYSQL_BACKUP_SOURCE_ROOT, set by meson test).
std::string SupportDir();

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_SMTP_SERVER_H_
