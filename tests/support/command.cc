#include "support/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "util/unique_fd.h"

namespace mysql_backup::testing {
namespace {

Status MakePipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  read_end.Reset(fds[0]);
  write_end.Reset(fds[1]);
  return Status::Ok();
}

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::string CommandResult::Describe() const {
  std::string text = exit.ToString();
  if (!err.empty()) text += ": " + err;
  return text;
}

Result<CommandResult> RunCommand(const std::vector<std::string>& argv, const CommandInput& input) {
  // A child that exits before reading all its input must give us EPIPE, not kill the test.
  // Children get default dispositions back from ChildProcess.
  ::signal(SIGPIPE, SIG_IGN);

  UniqueFd in_read, in_write, out_read, out_write, err_read, err_write;
  if (!input.file.empty()) {
    in_read.Reset(::open(input.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in_read.valid()) return ErrnoError(ErrorKind::kProcess, "open", input.file);
  } else if (Status s = MakePipe(in_read, in_write); !s.ok()) {
    return s;
  }
  if (Status s = MakePipe(out_read, out_write); !s.ok()) return s;
  if (Status s = MakePipe(err_read, err_write); !s.ok()) return s;

  ChildSpec spec;
  spec.argv = argv;
  spec.fds = {{0, in_read.get()}, {1, out_write.get()}, {2, err_write.get()}};
  auto child = ChildProcess::Spawn(spec);
  if (!child.ok()) return child.status();
  // Our copies of the child's ends must go, or we would never see EOF.
  in_read.Reset();
  out_write.Reset();
  err_write.Reset();

  CommandResult result;
  std::string_view pending = input.file.empty() ? std::string_view(input.data) : "";
  if (in_write.valid()) {
    ::fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
    if (pending.empty()) in_write.Reset();
  }
  while (out_read.valid() || err_read.valid()) {
    pollfd fds[3];
    nfds_t n = 0;
    if (out_read.valid()) fds[n++] = {out_read.get(), POLLIN, 0};
    if (err_read.valid()) fds[n++] = {err_read.get(), POLLIN, 0};
    if (in_write.valid()) fds[n++] = {in_write.get(), POLLOUT, 0};
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kProcess, "poll pipes of", argv[0]);
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (in_write.valid() && fds[i].fd == in_write.get()) {
        ssize_t w = ::write(in_write.get(), pending.data(), pending.size());
        if (w > 0) pending.remove_prefix(static_cast<size_t>(w));
        // EPIPE: the child stopped reading; what it says about that comes on stderr.
        if (pending.empty() || (w < 0 && errno != EAGAIN && errno != EINTR)) in_write.Reset();
        continue;
      }
      UniqueFd& source = fds[i].fd == out_read.get() ? out_read : err_read;
      std::string& sink = fds[i].fd == out_read.get() ? result.out : result.err;
      char buf[65536];
      ssize_t r = ::read(source.get(), buf, sizeof buf);
      if (r > 0) {
        sink.append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        source.Reset();
      }
    }
  }
  in_write.Reset();
  auto exit = child->Wait();
  if (!exit.ok()) return exit.status();
  result.exit = *exit;
  return result;
}

std::string SourcePath(std::string_view relative) {
  std::string root = EnvOrEmpty("MYSQL_BACKUP_SOURCE_ROOT");
  // Run outside meson (./build/tests/x_test from the source tree), the working directory is
  // the best guess.
  if (root.empty()) root = ".";
  return root + "/" + std::string(relative);
}

std::string BinaryPath() {
  std::string bin = EnvOrEmpty("MYSQL_BACKUP_BIN");
  return bin.empty() ? std::string("mysql-backup") : bin;
}

}  // namespace mysql_backup::testing
