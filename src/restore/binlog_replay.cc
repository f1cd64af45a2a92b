#include "restore/binlog_replay.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "mysql/mysql_client.h"
#include "util/child_process.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

constexpr int kFilesDirChildFd = 4;
constexpr size_t kMaxStderr = 64 << 10;

// Collects a child's stderr on a thread of its own, so neither child blocks on a full pipe.
class StderrCollector {
 public:
  explicit StderrCollector(UniqueFd fd) : fd_(std::move(fd)) {
    thread_ = std::thread([this] {
      char buf[4096];
      for (;;) {
        ssize_t n = read(fd_.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (text_.size() < kMaxStderr) text_.append(buf, static_cast<size_t>(n));
      }
    });
  }
  ~StderrCollector() { Join(); }
  const std::string& Join() {
    if (thread_.joinable()) thread_.join();
    while (!text_.empty() && text_.back() == '\n') text_.pop_back();
    return text_;
  }

 private:
  UniqueFd fd_;
  std::string text_;
  std::thread thread_;
};

}  // namespace

Status ReplayBinlogs(const BinlogReplayRequest& request) {
  auto binlog_program = FindBinlogProgram();
  if (!binlog_program.ok()) return binlog_program.status();
  auto client_program = FindClientProgram();
  if (!client_program.ok()) return client_program.status();
  auto option_fd = MakeOptionFilePipe(ClientOptionFile(request.connection));
  if (!option_fd.ok()) return option_fd.status();
  int sql[2], err_b[2], err_c[2];
  if (pipe2(sql, O_CLOEXEC) != 0 || pipe2(err_b, O_CLOEXEC) != 0 || pipe2(err_c, O_CLOEXEC) != 0) {
    return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  }
  UniqueFd sql_r(sql[0]), sql_w(sql[1]), eb_r(err_b[0]), eb_w(err_b[1]), ec_r(err_c[0]),
      ec_w(err_c[1]);
  UniqueFd null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd.valid()) return ErrnoError(ErrorKind::kProcess, "open", "/dev/null");

  // The client first: it reads what mariadb-binlog writes.
  ChildSpec client;
  client.argv = {*client_program,
                 "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd),
                 "--binary-mode", "--batch", "--max-allowed-packet=1073741824"};
  client.fds = {{0, sql_r.get()},
                {1, null_fd.get()},
                {2, ec_w.get()},
                {kOptionFileChildFd, option_fd->get()}};
  auto client_child = ChildProcess::Spawn(client);
  if (!client_child.ok()) return client_child.status();
  sql_r.Reset();
  ec_w.Reset();
  option_fd->Reset();
  StderrCollector client_err(std::move(ec_r));

  // --no-defaults: a [mysqlbinlog] group in the host's my.cnf (a --database, a --stop-...) must
  // not change what is replayed.
  ChildSpec binlog;
  binlog.argv = {*binlog_program, "--no-defaults",
                 "--start-position=" + std::to_string(request.start_position)};
  if (request.stop_position != 0) {
    binlog.argv.push_back("--stop-position=" + std::to_string(request.stop_position));
  }
  for (const auto& f : request.files) {
    binlog.argv.push_back("/proc/self/fd/" + std::to_string(kFilesDirChildFd) + "/" + f);
  }
  binlog.fds = {{0, null_fd.get()},
                {1, sql_w.get()},
                {2, eb_w.get()},
                {kFilesDirChildFd, request.dir->get()}};
  auto binlog_child = ChildProcess::Spawn(binlog);
  if (!binlog_child.ok()) {
    client_child->Terminate();
    return binlog_child.status();
  }
  sql_w.Reset();  // the client sees EOF when mariadb-binlog exits
  eb_w.Reset();
  StderrCollector binlog_err(std::move(eb_r));

  // Wait for mariadb-binlog, watching for a signal: on one, stop both before the client runs
  // what it holds.
  for (;;) {
    if (request.cancel != nullptr && request.cancel->load()) {
      binlog_child->Terminate();
      client_child->Terminate();
      return Status(ErrorKind::kProcess, "Interrupted by a signal while replaying the binlogs");
    }
    // Has it ended? WNOWAIT leaves the reaping to Wait().
    siginfo_t info = {};
    if (waitid(P_PID, static_cast<id_t>(binlog_child->pid()), &info,
               WEXITED | WNOHANG | WNOWAIT) != 0 && errno != EINTR) {
      break;
    }
    if (info.si_pid != 0) break;
    poll(nullptr, 0, 200);
  }
  auto binlog_exit = binlog_child->Wait();
  const std::string& binlog_text = binlog_err.Join();
  auto client_failure = [&](const ExitInfo& exit) {
    const std::string& text = client_err.Join();
    return Status(ClassifyClientFailure(text),
                  BaseName(*client_program) + " failed while replaying the binlogs (" +
                      exit.ToString() + ")" + (text.empty() ? "" : ": " + ClientErrorLine(text)))
        .SetDetail(text);
  };
  if (!binlog_exit.ok() || !binlog_exit->success()) {
    // A client that stopped on an SQL error makes mariadb-binlog fail on the broken pipe: the
    // client's message is the one that says what went wrong.
    siginfo_t info = {};
    waitid(P_PID, static_cast<id_t>(client_child->pid()), &info, WEXITED | WNOHANG | WNOWAIT);
    if (info.si_pid != 0) {
      auto client_exit = client_child->Wait();
      if (client_exit.ok() && !client_exit->success()) return client_failure(*client_exit);
    } else {
      // What mariadb-binlog printed before it failed may be a cut statement: the client must
      // not run it.
      client_child->Terminate();
    }
    return Status(ErrorKind::kProcess,
                  "mariadb-binlog failed (" +
                      (binlog_exit.ok() ? binlog_exit->ToString() : binlog_exit.status().message()) +
                      ")" + (binlog_text.empty() ? "" : ": " + ClientErrorLine(binlog_text)))
        .SetDetail(binlog_text);
  }
  auto client_exit = client_child->Wait();
  if (!client_exit.ok()) return client_exit.status();
  if (!client_exit->success()) return client_failure(*client_exit);
  return Status::Ok();
}

}  // namespace mysql_backup
