// A real OpenSSH sshd for tests: Debian's /usr/sbin/sshd run in the foreground (-D -e) on a free
// loopback port with its own ed25519 host key, an authorized_keys file and `Subsystem sftp
// internal-sftp`, all in a temp folder. Logs in as the user running the tests (root: sshd needs
// it to switch users). Tests skip, saying why, when sshd or ssh-keygen is missing or the tests
// do not run as root. Killed in the destructor.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_SSHD_SERVER_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_SSHD_SERVER_H_

#include <memory>
#include <string>

#include "util/child_process.h"
#include "util/status.h"

namespace mysql_backup::testing {

class SshdServer {
 public:
  // Why this machine cannot run the server, or Ok.
  static Status Available();
  // Generates the host key and a client key ("<dir>/client_ed25519") and starts sshd.
  static Result<std::unique_ptr<SshdServer>> Start(const std::string& dir);
  // Starts it again on the same port with the same keys (after Kill()).
  Status Restart();
  void Kill();

  int port() const { return port_; }
  std::string user() const { return user_; }
  std::string identity_file() const { return dir_ + "/client_ed25519"; }
  // The host key's SHA-256 fingerprint, base64 without "SHA256:", as ssh-keygen -lf prints it.
  std::string host_key_sha256() const { return fingerprint_; }
  // The host key's public line ("ssh-ed25519 AAAA..."), for a known_hosts file.
  std::string host_public_key() const { return public_key_; }

  ~SshdServer() { Kill(); }

 private:
  SshdServer() = default;
  Status Launch();
  std::string dir_;
  std::string user_;
  std::string fingerprint_;
  std::string public_key_;
  int port_ = 0;
  ChildProcess child_;
  bool running_ = false;
};

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_SSHD_SERVER_H_
