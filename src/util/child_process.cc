#include "util/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
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

namespace {

// argv[0] looked up in PATH here, in the parent: execvp may allocate, which the forked child of
// a threaded process must not. Empty when not found.
std::string ResolveProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path_env = std::getenv("PATH");
  std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    std::string dir = path.substr(start, colon - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = colon + 1;
  }
  return "";
}

// In the forked child: only async-signal-safe calls until exec. On failure the errno goes to
// the parent through `report_fd` (closed on exec, so EOF there means the exec worked).
[[noreturn]] void ExecChild(pid_t parent, const char* program, char* const argv[],
                            char* const envp[], const std::vector<std::pair<int, int>>& dups,
                            int report_fd) {
  int err = 0;
  // The child starts with default signal dispositions and an empty mask, whatever ours are.
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction sa = {};
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, nullptr);  // fails for SIGKILL, SIGSTOP and glibc's own; harmless
  }
  // A group of its own, so that Terminate() reaches what the child starts too.
  setpgid(0, 0);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    err = errno;
  } else if (getppid() != parent) {
    // We died between fork and prctl: the death signal was set too late to fire.
    _exit(127);
  }
  for (size_t i = 0; err == 0 && i < dups.size(); ++i) {
    if (dup2(dups[i].first, dups[i].second) < 0) err = errno;
  }
  if (err == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(program, argv, envp);
    err = errno;
  }
  (void)!write(report_fd, &err, sizeof err);
  _exit(127);
}

}  // namespace

Result<ChildProcess> ChildProcess::Spawn(const ChildSpec& spec) {
  if (spec.argv.empty()) return Status(ErrorKind::kProcess, "No program to run");
  // Everything the child needs is prepared before fork: it may not allocate.
  std::string program = ResolveProgram(spec.argv[0]);
  if (program.empty()) {
    return Status(ErrorKind::kProcess,
                  "Cannot start '" + spec.argv[0] + "': " + std::strerror(ENOENT));
  }

  // dup2(fd, fd) would keep O_CLOEXEC set, so a parent fd that already sits at a child fd number
  // is first moved out of the way. The copies are closed when this function returns.
  std::vector<UniqueFd> moved;
  std::vector<std::pair<int, int>> dups;  // {source, target}
  for (const auto& [child_fd, parent_fd] : spec.fds) {
    int source = parent_fd;
    bool clashes = false;
    for (const auto& other : spec.fds) clashes |= (other.first == parent_fd);
    if (clashes) {
      int copy = fcntl(parent_fd, F_DUPFD_CLOEXEC, 100);
      if (copy < 0) return ErrnoError(ErrorKind::kProcess, "duplicate fd for", spec.argv[0]);
      moved.emplace_back(copy);
      source = copy;
    }
    dups.emplace_back(source, child_fd);
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

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd report_read(report[0]);
  UniqueFd report_write(report[1]);

  // No signal handler of ours may run in the child before it resets them.
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    ExecChild(parent, program.c_str(), argv.data(), envp.data(), dups, report_write.get());
  }
  int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (pid < 0) return ErrnoError(ErrorKind::kProcess, "start", spec.argv[0], fork_errno);
  // Also here, so that a Signal() right after Spawn() finds the group (the child may not have
  // run yet). EACCES once the child has exec'd is fine: it did it itself by then.
  setpgid(pid, pid);
  report_write.Reset();

  int child_errno = 0;
  ssize_t n;
  do {
    n = read(report_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return Status(ErrorKind::kProcess,
                  "Cannot start '" + spec.argv[0] + "': " + std::strerror(child_errno));
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

namespace {

// The group first (the child and what it started); the child alone if it has no group yet.
void SignalGroup(pid_t pid, int sig) {
  if (kill(-pid, sig) != 0 && errno == ESRCH) kill(pid, sig);
}

}  // namespace

void ChildProcess::Signal(int sig) {
  if (pid_ > 0) SignalGroup(pid_, sig);
}

void ChildProcess::Terminate() {
  if (pid_ <= 0) return;
  // SIGTERM first so mysqldump can close its connection politely; SIGKILL if it will not go.
  SignalGroup(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    int wstatus;
    pid_t r = waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  SignalGroup(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace mysql_backup
