#include "restore/client_connection.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string_view>

#include "mysql/mysql_client.h"
#include "util/file_util.h"

namespace mysql_backup {

Result<std::unique_ptr<ClientConnection>> ClientConnection::Start(const std::string& program,
                                                                  const ConnectionConfig& conn,
                                                                  const std::string& database,
                                                                  std::function<void()> on_exit) {
  auto option_fd = MakeOptionFilePipe(ClientOptionFile(conn));
  if (!option_fd.ok()) return option_fd.status();
  int in_fds[2], err_fds[2], out_fds[2];
  if (pipe2(in_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd in_r(in_fds[0]), in_w(in_fds[1]);
  if (pipe2(err_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd err_r(err_fds[0]), err_w(err_fds[1]);
  if (pipe2(out_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd out_r(out_fds[0]), out_w(out_fds[1]);
  fcntl(in_w.get(), F_SETPIPE_SZ, 1 << 20);

  ChildSpec spec;
  // As the serial restore (restore_stream.cc): the dump is data, not an interactive session.
  // --unbuffered: Sync() reads its marker from stdout, which a pipe would otherwise buffer.
  spec.argv = {program, "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd),
               "--binary-mode", "--batch", "--unbuffered", "--database=" + database};
  spec.fds = {{0, in_r.get()}, {1, out_w.get()}, {2, err_w.get()},
              {kOptionFileChildFd, option_fd->get()}};
  auto child = ChildProcess::Spawn(spec);
  if (!child.ok()) return child.status();
  std::unique_ptr<ClientConnection> c(new ClientConnection());
  c->program_ = program;
  c->child_ = std::move(*child);
  c->in_w_ = std::move(in_w);
  c->err_r_ = std::move(err_r);
  c->out_r_ = std::move(out_r);
  out_w.Reset();
  err_w.Reset();
  c->on_exit_ = std::move(on_exit);
  ClientConnection* self = c.get();
  c->err_reader_ = std::thread([self] {
    char buf[4096];
    for (;;) {
      ssize_t n = read(self->err_r_.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      self->err_kept_.Append({buf, static_cast<size_t>(n)});
    }
    // stderr closes when the client exits: before its input was closed, it gave up by itself.
    if (!self->input_closed_.load() && self->on_exit_) self->on_exit_();
  });
  c->out_reader_ = std::thread([self] {
    // Result rows of the marker queries: "mysql_backup_sync N" on a line of its own.
    static constexpr std::string_view kMarker = "mysql_backup_sync ";
    std::string line;
    char buf[4096];
    for (;;) {
      ssize_t n = read(self->out_r_.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] != '\n') {
          if (line.size() < 64) line += buf[i];
          continue;
        }
        if (line.starts_with(kMarker)) {
          const uint64_t seen = std::strtoull(line.c_str() + kMarker.size(), nullptr, 10);
          std::lock_guard<std::mutex> lock(self->sync_mu_);
          if (seen > self->sync_seen_) self->sync_seen_ = seen;
          self->sync_cv_.notify_all();
        }
        line.clear();
      }
    }
    std::lock_guard<std::mutex> lock(self->sync_mu_);
    self->out_closed_ = true;
    self->sync_cv_.notify_all();
  });
  return c;
}

ClientConnection::~ClientConnection() {
  if (child_.running()) Stop();
  if (err_reader_.joinable()) err_reader_.join();
  if (out_reader_.joinable()) out_reader_.join();
}

Status ClientConnection::Sync() {
  const uint64_t n = ++sync_sent_;
  // On a line of its own: the statement before ended with its delimiter (every stream is at
  // ';' between statements).
  Status s = Write("\nSELECT 'mysql_backup_sync " + std::to_string(n) + "' AS `sync`;\n");
  if (!s.ok()) return s;
  std::unique_lock<std::mutex> lock(sync_mu_);
  sync_cv_.wait(lock, [&] { return sync_seen_ >= n || out_closed_; });
  if (sync_seen_ >= n) return Status::Ok();
  return Status(ErrorKind::kProcess, "the " + BaseName(program_) + " client stopped running");
}

Status ClientConnection::Write(std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = write(in_w_.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status(ErrorKind::kProcess, "the " + BaseName(program_) + " client stopped reading");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

void ClientConnection::CloseInput() {
  input_closed_ = true;
  in_w_.Reset();
}

void ClientConnection::Stop() {
  input_closed_ = true;
  stopped_ = true;
  // The input stays open until Wait() or the destructor: a feeding thread may be inside write()
  // on it, and gets EPIPE now that the client is gone.
  child_.Terminate();
}

Status ClientConnection::Wait() {
  std::optional<ExitInfo> exit;
  if (child_.running()) {
    auto waited = child_.Wait();
    if (waited.ok()) exit = *waited;
  }
  input_closed_ = true;
  in_w_.Reset();
  if (err_reader_.joinable()) err_reader_.join();
  if (out_reader_.joinable()) out_reader_.join();
  if (stopped_ || !exit || exit->success()) return Status::Ok();
  std::string err = err_kept_.Text();
  while (!err.empty() && err.back() == '\n') err.pop_back();
  return Status(ClassifyClientFailure(err),
                BaseName(program_) + " failed while loading the backup (" + exit->ToString() +
                    ")" + (err.empty() ? "" : ": " + ClientErrorLine(err)))
      .SetDetail(err);
}

}  // namespace mysql_backup
