// A child process with one owner. Spawned with fork+exec, with chosen parent fds placed at
// chosen child fd numbers and every other fd closed on exec. If the owner forgets to Wait(), the
// destructor stops the child (SIGTERM, then SIGKILL) and reaps it, so an early return never
// leaves a mysqldump running or a zombie behind.
//
// If we die without a chance to clean up (SIGKILL, the OOM killer), the child must not live on
// holding its connection and locks: each child asks the kernel for SIGKILL when its parent dies
// (PR_SET_PDEATHSIG), and leads a process group of its own, so Signal() and Terminate() reach
// whatever it started too. PR_SET_PDEATHSIG fires when the *thread* that forked exits, so spawn
// from the thread that owns the ChildProcess and outlives it (today: always the main thread).
#ifndef MYSQL_BACKUP_UTIL_CHILD_PROCESS_H_
#define MYSQL_BACKUP_UTIL_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

struct ChildSpec {
  // argv[0] is looked up in PATH when it has no '/'.
  std::vector<std::string> argv;
  // {child fd, parent fd}: the parent fd is dup2'ed to the child fd number. Typically 0, 1, 2
  // and 3 (the option-file pipe).
  std::vector<std::pair<int, int>> fds;
  // Variables removed from the inherited environment (MYSQL_PWD must never reach a child).
  std::vector<std::string> unset_env = {"MYSQL_PWD"};
};

// How a child ended.
struct ExitInfo {
  bool exited = false;  // true: exit_code is valid; false: killed by term_signal
  int exit_code = 0;
  int term_signal = 0;
  bool success() const { return exited && exit_code == 0; }
  std::string ToString() const;  // "exit code 2", "killed by signal 9 (Killed)"
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Errors: kProcess when the program cannot be started (not installed, not executable).
  static Result<ChildProcess> Spawn(const ChildSpec& spec);

  pid_t pid() const { return pid_; }
  // False once reaped (by Wait() or Terminate()).
  bool running() const { return pid_ > 0; }
  // Blocks until the child ends; reaps it.
  Result<ExitInfo> Wait();
  // Sends `sig` to the child's process group (the child and what it started).
  void Signal(int sig);
  // SIGTERM to the process group, a short grace period, then SIGKILL; reaps. No-op when already
  // reaped.
  void Terminate();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_CHILD_PROCESS_H_
