#include "util/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "util/unique_fd.h"

extern char** environ;

namespace mysql_backup {

std::string ExitInfo::ToString() const {
  if (exited) return "exit code " + std::to_string(exit_code);
  return "killed by signal " + std::to_string(term_signal) + " (" + strsignal(term_signal) + ")";
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Terminate();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

ChildProcess::~ChildProcess() { Terminate(); }

Result<ChildProcess> ChildProcess::Spawn(const ChildSpec& spec) {
  if (spec.argv.empty()) return Status(ErrorKind::kProcess, "No program to run");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2(fd, fd) would keep O_CLOEXEC set, so a parent fd that already sits at its child number
  // is first moved out of the way. The copies are closed when this function returns.
  std::vector<UniqueFd> moved;
  for (const auto& [child_fd, parent_fd] : spec.fds) {
    int source = parent_fd;
    bool clashes = false;
    for (const auto& other : spec.fds) clashes |= (other.first == parent_fd);
    if (clashes) {
      int copy = fcntl(parent_fd, F_DUPFD_CLOEXEC, 100);
      if (copy < 0) {
        posix_spawn_file_actions_destroy(&actions);
        return ErrnoError(ErrorKind::kProcess, "duplicate fd for", spec.argv[0]);
      }
      moved.emplace_back(copy);
      source = copy;
    }
    posix_spawn_file_actions_adddup2(&actions, source, child_fd);
  }

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    bool drop = false;
    for (const auto& name : spec.unset_env) {
      drop |= entry.size() > name.size() && entry.substr(0, name.size()) == name &&
              entry[name.size()] == '=';
    }
    if (!drop) env_strings.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = spec.argv;
  std::vector<char*> argv;
  for (auto& s : argv_copy) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with default signal dispositions and an empty mask, whatever ours are.
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return Status(ErrorKind::kProcess,
                  "Cannot start '" + spec.argv[0] + "': " + std::strerror(rc));
  }
  return ChildProcess(pid);
}

Result<ExitInfo> ChildProcess::Wait() {
  if (pid_ < 0) return Status(ErrorKind::kProcess, "No child to wait for");
  int wstatus = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &wstatus, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return ErrnoError(ErrorKind::kProcess, "wait for child", std::to_string(pid_));
  pid_ = -1;
  ExitInfo info;
  if (WIFEXITED(wstatus)) {
    info.exited = true;
    info.exit_code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    info.term_signal = WTERMSIG(wstatus);
  }
  return info;
}

void ChildProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

void ChildProcess::Terminate() {
  if (pid_ <= 0) return;
  // SIGTERM first so mysqldump can close its connection politely; SIGKILL if it will not go.
  kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    int wstatus;
    pid_t r = waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace mysql_backup
