#include "restore/restore_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <thread>
#include <vector>

#include "codec/age_decryptor.h"
#include "mysql/mysql_client.h"
#include "restore/client_connection.h"
#include "restore/parallel_loader.h"
#include "sql/dump_splitter.h"
#include "util/child_process.h"
#include "util/file_util.h"
#include "util/head_tail_text.h"

namespace mysql_backup {

namespace {

bool Cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

// Decompressed bytes go to the tap and then into the client's stdin. The pipe is non-blocking
// and waited on in slices, so a SIGTERM is noticed while a slow client keeps the pipe full
// (a blocking write would simply be restarted and wait for the client).
class ClientSink : public ByteSink {
 public:
  ClientSink(int fd, ByteSink* tap, const std::atomic<bool>* cancel)
      : fd_(fd), tap_(tap), cancel_(cancel) {}
  Status Write(std::span<const uint8_t> data) override {
    if (tap_ != nullptr) {
      Status s = tap_->Write(data);
      if (!s.ok()) return s;
    }
    const char* p = reinterpret_cast<const char*>(data.data());
    size_t left = data.size();
    while (left > 0) {
      if (Cancelled(cancel_)) return Status(ErrorKind::kProcess, "Interrupted by a signal");
      ssize_t n = write(fd_, p, left);
      if (n >= 0) {
        p += n;
        left -= static_cast<size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return Status(ErrorKind::kProcess, "the mysql client stopped reading");
      struct pollfd pfd = {fd_, POLLOUT, 0};
      if (poll(&pfd, 1, 250) < 0 && errno != EINTR) {
        return ErrnoError(ErrorKind::kProcess, "poll", "mysql client stdin");
      }
    }
    return Status::Ok();
  }

 private:
  int fd_;
  ByteSink* tap_;
  const std::atomic<bool>* cancel_;
};

// The stored bytes of a streamed source on their way to the first stage (the decryptor or the
// decompressor), counted for progress.
class SourceSink : public ByteSink {
 public:
  SourceSink(const RestoreRequest& request, ByteSink* next) : request_(request), next_(next) {}
  Status Write(std::span<const uint8_t> data) override {
    if (Cancelled(request_.cancel)) return Status(ErrorKind::kProcess, "Interrupted by a signal");
    read_ += data.size();
    Status s = next_->Write(data);
    if (s.ok() && request_.progress) request_.progress(read_, request_.source_size);
    return s;
  }

 private:
  const RestoreRequest& request_;
  ByteSink* next_;
  uint64_t read_ = 0;
};

// Lets the decryptor (a ByteSink chain) feed the decompressor.
class DecompressorSink : public ByteSink {
 public:
  explicit DecompressorSink(Decompressor* d) : d_(d) {}
  Status Write(std::span<const uint8_t> data) override { return d_->Write(data); }

 private:
  Decompressor* d_;
};

// Drives the stored bytes through (decrypt ->) decompress -> guard, whose downstream is set.
Status Pump(const RestoreRequest& request, int file_fd, uint64_t total, Decompressor* decompressor,
            ByteSink* decompressor_sink) {
  // The decryptor hands on only authenticated chunks; a forged or cut file fails (65) and the
  // client is stopped before it commits what came before.
  std::optional<AgeDecryptor> decryptor;
  ByteSink* first_stage = decompressor_sink;
  if (request.encrypted) {
    decryptor.emplace(*request.identities, decompressor_sink, request.path);
    first_stage = &*decryptor;
  }
  if (request.source) {
    SourceSink source_sink(request, first_stage);
    Status s = request.source(&source_sink);
    if (s.ok() && decryptor) s = decryptor->Finish();
    if (s.ok()) s = decompressor->Finish();
    if (s.ok()) s = request.guard->Finish();
    return s;
  }
  std::vector<uint8_t> buf(1 << 20);
  uint64_t read_total = 0;
  for (;;) {
    if (Cancelled(request.cancel)) return Status(ErrorKind::kProcess, "Interrupted by a signal");
    ssize_t n = read(file_fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kStorage, "read", request.path);
    }
    if (n == 0) {
      Status s;
      if (decryptor) s = decryptor->Finish();
      if (s.ok()) s = decompressor->Finish();
      if (s.ok()) s = request.guard->Finish();
      return s;
    }
    read_total += static_cast<uint64_t>(n);
    Status s = first_stage->Write({buf.data(), static_cast<size_t>(n)});
    if (!s.ok()) return s;
    if (request.progress) request.progress(read_total, total);
  }
}

// What the guard lets through, to the tap and then the splitter.
class SplitSink : public ByteSink {
 public:
  SplitSink(ByteSink* tap, DumpSplitter* splitter) : tap_(tap), splitter_(splitter) {}
  Status Write(std::span<const uint8_t> data) override {
    if (tap_ != nullptr) {
      Status s = tap_->Write(data);
      if (!s.ok()) return s;
    }
    return splitter_->Write(data);
  }

 private:
  ByteSink* tap_;
  DumpSplitter* splitter_;
};

Status ParallelRestore(const RestoreRequest& request, const std::string& program, int file_fd,
                       uint64_t total) {
  ParallelLoadSettings settings;
  settings.program = program;
  settings.connection = request.connection;
  settings.database = request.database;
  settings.threads = request.threads;
  settings.spool_dir = request.spool_dir;
  settings.spool_threshold = request.spool_threshold;
  settings.cancel = request.cancel;
  ParallelLoader loader(settings);
  Status s = loader.Start();
  if (!s.ok()) return loader.Abort(s);
  DumpSplitter splitter(&loader);
  SplitSink sink(request.tap, &splitter);
  request.guard->set_downstream(&sink);
  std::unique_ptr<Decompressor> decompressor = MakeDecompressor(request.compression, request.guard);
  DecompressorSink decompressor_sink(decompressor.get());
  s = Pump(request, file_fd, total, decompressor.get(), &decompressor_sink);
  if (s.ok()) s = splitter.Finish();
  if (!s.ok()) return loader.Abort(s);
  return loader.Finish();
}

}  // namespace

Status StreamRestore(const RestoreRequest& request) {
  if (request.encrypted && (request.identities == nullptr || request.identities->empty())) {
    return Status(ErrorKind::kConfiguration,
                  "[encryption] identity_file is needed to restore '" + request.path + "'");
  }
  auto program = FindClientProgram();
  if (!program.ok()) return program.status();
  UniqueFd file;
  uint64_t total = request.source_size;
  if (!request.source) {
    auto opened = OpenForReading(request.path);
    if (!opened.ok()) return opened.status();
    file = std::move(*opened);
    struct stat st;
    total = fstat(file.get(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  }
  if (request.threads > 1) return ParallelRestore(request, *program, file.get(), total);
  auto option_fd = MakeOptionFilePipe(ClientOptionFile(request.connection));
  if (!option_fd.ok()) return option_fd.status();
  int in_fds[2], err_fds[2];
  if (pipe2(in_fds, O_CLOEXEC) != 0 || pipe2(err_fds, O_CLOEXEC) != 0) {
    return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  }
  UniqueFd in_r(in_fds[0]), in_w(in_fds[1]), err_r(err_fds[0]), err_w(err_fds[1]);
  fcntl(in_w.get(), F_SETPIPE_SZ, 1 << 20);
  // Our end only: the client reads from its own, blocking end of the pipe.
  fcntl(in_w.get(), F_SETFL, fcntl(in_w.get(), F_GETFL) | O_NONBLOCK);
  UniqueFd dev_null(open("/dev/null", O_WRONLY | O_CLOEXEC));

  ChildSpec spec;
  // --binary-mode: the dump is data, not an interactive session (no '\' commands, no '\0'
  // rejection); DELIMITER still works.
  spec.argv = {*program, "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd),
               "--binary-mode", "--batch", "--database=" + request.database};
  if (!request.init_command.empty()) spec.argv.push_back("--init-command=" + request.init_command);
  spec.fds = {{0, in_r.get()}, {1, dev_null.get()}, {2, err_w.get()},
              {kOptionFileChildFd, option_fd->get()}};
  auto child = ChildProcess::Spawn(spec);
  if (!child.ok()) return child.status();
  in_r.Reset();
  err_w.Reset();
  option_fd->Reset();
  // The client echoes a failing statement (megabytes, maybe) before the line that says why.
  HeadTailText err_kept(kClientStderrHeadBytes, kClientStderrTailBytes);
  std::thread err_reader([&] {
    char buf[4096];
    for (;;) {
      ssize_t n = read(err_r.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      err_kept.Append({buf, static_cast<size_t>(n)});
    }
  });

  ClientSink sink(in_w.get(), request.tap, request.cancel);
  request.guard->set_downstream(&sink);
  std::unique_ptr<Decompressor> decompressor = MakeDecompressor(request.compression, request.guard);
  DecompressorSink decompressor_sink(decompressor.get());
  Status s = Pump(request, file.get(), total, decompressor.get(), &decompressor_sink);
  // A client that stopped reading is waited for, as its stderr says why. One that is still
  // loading is stopped: after a corrupt chunk, a refused statement, or when we were told to stop,
  // letting it run would commit a part of the dump, or all of it, that nobody wants any more.
  // It is stopped before its input is closed: at the end of its input the client runs whatever
  // it holds, even a statement cut off without its delimiter.
  if (!s.ok() && (s.kind() != ErrorKind::kProcess || Cancelled(request.cancel))) {
    child->Terminate();
  }
  in_w.Reset();  // EOF for the client: it finishes the last statement and exits
  std::optional<ExitInfo> exit;
  if (child->running()) {
    auto waited = child->Wait();
    if (waited.ok()) exit = *waited;
  }
  err_reader.join();
  std::string err_text = err_kept.Text();
  while (!err_text.empty() && err_text.back() == '\n') err_text.pop_back();
  if (exit && !exit->success()) {
    // The client's own message says which statement failed; it beats our EPIPE.
    return Status(ClassifyClientFailure(err_text),
                  BaseName(*program) + " failed while loading the backup (" + exit->ToString() +
                      ")" + (err_text.empty() ? "" : ": " + ClientErrorLine(err_text)))
        .SetDetail(err_text);
  }
  return s;
}

}  // namespace mysql_backup
