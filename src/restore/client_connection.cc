#include "restore/client_connection.h"

#include <fcntl.h>
#include <unistd.h>

#include <optional>

#include "mysql/mysql_client.h"
#include "util/file_util.h"

namespace mysql_backup {

Result<std::unique_ptr<ClientConnection>> ClientConnection::Start(const std::string& program,
                                                                  const ConnectionConfig& conn,
                                                                  const std::string& database,
                                                                  std::function<void()> on_exit) {
  auto option_fd = MakeOptionFilePipe(ClientOptionFile(conn));
  if (!option_fd.ok()) return option_fd.status();
  int in_fds[2], err_fds[2];
  if (pipe2(in_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd in_r(in_fds[0]), in_w(in_fds[1]);
  if (pipe2(err_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd err_r(err_fds[0]), err_w(err_fds[1]);
  fcntl(in_w.get(), F_SETPIPE_SZ, 1 << 20);
  UniqueFd dev_null(open("/dev/null", O_WRONLY | O_CLOEXEC));

  ChildSpec spec;
  // As the serial restore (restore_stream.cc): the dump is data, not an interactive session.
  spec.argv = {program, "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd),
               "--binary-mode", "--batch", "--database=" + database};
  spec.fds = {{0, in_r.get()}, {1, dev_null.get()}, {2, err_w.get()},
              {kOptionFileChildFd, option_fd->get()}};
  auto child = ChildProcess::Spawn(spec);
  if (!child.ok()) return child.status();
  std::unique_ptr<ClientConnection> c(new ClientConnection());
  c->program_ = program;
  c->child_ = std::move(*child);
  c->in_w_ = std::move(in_w);
  c->err_r_ = std::move(err_r);
  c->on_exit_ = std::move(on_exit);
  ClientConnection* self = c.get();
  c->err_reader_ = std::thread([self] {
    char buf[4096];
    for (;;) {
      ssize_t n = read(self->err_r_.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (self->err_text_.size() < 65536) self->err_text_.append(buf, static_cast<size_t>(n));
    }
    // stderr closes when the client exits: before its input was closed, it gave up by itself.
    if (!self->input_closed_.load() && self->on_exit_) self->on_exit_();
  });
  return c;
}

ClientConnection::~ClientConnection() {
  if (child_.running()) Stop();
  if (err_reader_.joinable()) err_reader_.join();
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
  if (stopped_ || !exit || exit->success()) return Status::Ok();
  std::string err = err_text_;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  return Status(ClassifyClientFailure(err),
                BaseName(program_) + " failed while loading the backup (" + exit->ToString() +
                    ")" + (err.empty() ? "" : ": " + ClientErrorLine(err)))
      .SetDetail(err);
}

}  // namespace mysql_backup
