#include "support/sshd_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "support/command.h"
#include "support/cli_runner.h"
#include "support/test_util.h"
#include "util/unique_fd.h"

namespace mysql_backup::testing {
namespace {

constexpr char kSshd[] = "/usr/sbin/sshd";

Status TestError(std::string message) { return Status(ErrorKind::kProcess, std::move(message)); }

// A port the kernel just handed out on 127.0.0.1 (free now; sshd takes it right after).
Result<int> FreePort() {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError(ErrorKind::kProcess, "create", "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ErrnoError(ErrorKind::kProcess, "bind", "127.0.0.1:0");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

bool Accepts(int port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return fd.valid() && connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

Status KeyGen(const std::string& path) {
  auto r = RunCommand({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path});
  if (!r.ok()) return r.status();
  if (!r->ok()) return TestError("ssh-keygen failed: " + r->Describe());
  return Status::Ok();
}

}  // namespace

Status SshdServer::Available() {
  if (access(kSshd, X_OK) != 0) {
    return TestError("openssh-server is not installed (run scripts/install-deps.sh)");
  }
  if (geteuid() != 0) return TestError("sshd needs root to log a user in; run the tests as root");
  auto r = RunCommand({"ssh-keygen", "-?"});
  if (!r.ok()) return TestError("ssh-keygen is not installed (openssh-client)");
  return Status::Ok();
}

Result<std::unique_ptr<SshdServer>> SshdServer::Start(const std::string& dir) {
  Status s = Available();
  if (!s.ok()) return s;
  std::unique_ptr<SshdServer> server(new SshdServer());
  server->dir_ = dir;
  passwd* pw = getpwuid(geteuid());
  server->user_ = pw != nullptr ? pw->pw_name : "root";
  s = KeyGen(dir + "/host_ed25519");
  if (s.ok()) s = KeyGen(dir + "/client_ed25519");
  if (!s.ok()) return s;
  auto fp = RunCommand({"ssh-keygen", "-lf", dir + "/host_ed25519.pub"});
  if (!fp.ok()) return fp.status();
  size_t b = fp->out.find("SHA256:");
  if (!fp->ok() || b == std::string::npos) return TestError("ssh-keygen -lf: " + fp->Describe());
  b += 7;
  server->fingerprint_ = fp->out.substr(b, fp->out.find(' ', b) - b);
  std::string pub = ReadTextFile(dir + "/host_ed25519.pub");
  server->public_key_ = pub.substr(0, pub.rfind(' '));
  WriteTextFile(dir + "/authorized_keys", ReadTextFile(dir + "/client_ed25519.pub"));
  auto port = FreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;
  WriteTextFile(dir + "/sshd_config",
                "Port " + std::to_string(server->port_) +
                    "\nListenAddress 127.0.0.1\nHostKey " + dir +
                    "/host_ed25519\nAuthorizedKeysFile " + dir +
                    "/authorized_keys\nStrictModes no\nUsePAM no\nPermitRootLogin "
                    "prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication "
                    "no\nSubsystem sftp internal-sftp\nPidFile none\n");
  // sshd's privilege separation wants its empty folder.
  mkdir("/run/sshd", 0755);
  s = server->Launch();
  if (!s.ok()) return s;
  return server;
}

Status SshdServer::Launch() {
  auto child = ChildProcess::Spawn(
      ChildSpec{{kSshd, "-D", "-e", "-f", dir_ + "/sshd_config", "-E", dir_ + "/sshd.log"}, {}});
  if (!child.ok()) return child.status();
  child_ = std::move(*child);
  running_ = true;
  for (int i = 0; i < 100; ++i) {
    if (Accepts(port_)) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return TestError("sshd did not listen on port " + std::to_string(port_) + " within 5 s: " +
                   ReadTextFile(dir_ + "/sshd.log"));
}

Status SshdServer::Restart() { return Launch(); }

void SshdServer::Kill() {
  if (!running_) return;
  child_.Signal(9);
  (void)child_.Wait();
  running_ = false;
}

}  // namespace mysql_backup::testing
