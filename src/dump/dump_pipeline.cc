#include "dump/dump_pipeline.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "codec/age_encryptor.h"
#include "dump/dump_trailer.h"
#include "dump/read_back.h"
#include "dump/stream_check.h"
#include "mysql/accounts_filter.h"
#include "mysql/mysql_client.h"
#include "codec/sha256.h"
#include "codec/sha256_tee.h"
#include "util/child_process.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

constexpr size_t kReadChunk = 1 << 20;
constexpr int kPipeSize = 1 << 20;
constexpr size_t kMaxStderr = 64 * 1024;

// Hashes what it writes: the checksum is of the exact bytes that reach the file.
// Tells the read-back (when there is one) how far the file has grown.
class HashingFileSink : public ByteSink {
 public:
  HashingFileSink(AtomicFile* file, ReadBack* read_back) : file_(file), read_back_(read_back) {}
  Status Write(std::span<const uint8_t> data) override {
    sha_.Update(data);
    bytes_ += data.size();
    Status s = file_->Write(data);
    if (s.ok() && read_back_ != nullptr) read_back_->Written(bytes_);
    return s;
  }
  std::string FinishHex() { return sha_.FinishHex(); }
  uint64_t bytes() const { return bytes_; }

 private:
  AtomicFile* file_;
  ReadBack* read_back_;
  Sha256 sha_;
  uint64_t bytes_ = 0;
};

// Collects a child's stderr on its own thread so a chatty child can never block on it.
// Keeps the last kMaxStderr bytes.
class StderrCollector {
 public:
  explicit StderrCollector(UniqueFd fd) : fd_(std::move(fd)), thread_([this] { Run(); }) {}
  ~StderrCollector() {
    if (thread_.joinable()) thread_.join();
  }
  // Waits for EOF (the child and every copy of the write end are gone).
  std::string Take() {
    if (thread_.joinable()) thread_.join();
    return std::move(text_);
  }

 private:
  void Run() {
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd_.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      text_.append(buf, static_cast<size_t>(n));
      if (text_.size() > kMaxStderr) text_.erase(0, text_.size() - kMaxStderr);
    }
  }
  UniqueFd fd_;
  std::string text_;
  std::thread thread_;
};

// Lets a ByteSink filter feed the compressor, counting what it is given (the bytes the
// compressed stream must decompress to).
class CompressorSink : public ByteSink {
 public:
  explicit CompressorSink(Compressor* compressor) : compressor_(compressor) {}
  Status Write(std::span<const uint8_t> data) override {
    bytes_ += data.size();
    return compressor_->Write(data);
  }
  uint64_t bytes() const { return bytes_; }

 private:
  Compressor* compressor_;
  uint64_t bytes_ = 0;
};

Result<std::pair<UniqueFd, UniqueFd>> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  return std::make_pair(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<DumpOutcome> RunDump(const DumpRequest& request, AtomicFile* out,
                            const DumpProgress& progress, const std::atomic<bool>* cancel) {
  std::string program = request.program;
  if (program.empty()) {
    auto found = FindDumpProgram();
    if (!found.ok()) return found.status();
    program = *found;
  }
  auto option_fd = MakeOptionFilePipe(ClientOptionFile(request.connection));
  if (!option_fd.ok()) return option_fd.status();
  auto out_pipe = MakePipe();
  if (!out_pipe.ok()) return out_pipe.status();
  auto err_pipe = MakePipe();
  if (!err_pipe.ok()) return err_pipe.status();
  // A bigger pipe lets mysqldump run ahead while we compress; the default 64 KiB stalls it.
  fcntl(out_pipe->first.get(), F_SETPIPE_SZ, kPipeSize);
  UniqueFd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));

  ChildSpec spec;
  if (request.arguments.empty()) {
    spec.argv = DumpCommand(program, request.options, request.database);
  } else {
    spec.argv = {program, "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd)};
    spec.argv.insert(spec.argv.end(), request.options.begin(), request.options.end());
    spec.argv.insert(spec.argv.end(), request.arguments.begin(), request.arguments.end());
  }
  spec.fds = {{0, dev_null.get()},
              {1, out_pipe->second.get()},
              {2, err_pipe->second.get()},
              {kOptionFileChildFd, option_fd->get()}};
  auto child = ChildProcess::Spawn(spec);
  if (!child.ok()) return child.status();
  // Our copies of the child's ends must go, or we would never see EOF.
  out_pipe->second.Reset();
  err_pipe->second.Reset();
  option_fd->Reset();
  StderrCollector stderr_collector(std::move(err_pipe->first));

  HashingFileSink sink(out, request.read_back);
  // compressor -> [plain hash -> age] -> hash -> file, all in this one pass.
  std::unique_ptr<AgeEncryptor> encryptor;
  std::optional<Sha256Tee> plain_hash;
  ByteSink* compressed_sink = &sink;
  if (!request.recipients.empty()) {
    auto created = AgeEncryptor::Create(request.recipients, &sink);
    if (!created.ok()) {
      child->Terminate();
      return created.status();
    }
    encryptor = std::move(*created);
    plain_hash.emplace(encryptor.get());
    compressed_sink = &*plain_hash;
  }
  // compressor -> stream check -> ...: the check decompresses a copy on its own thread, unless
  // the compressor proves each block itself.
  StreamCheckTee stream_check(compressed_sink);
  std::unique_ptr<Compressor> compressor = MakeCompressor(request.compression, &stream_check);
  if (!compressor->ChecksItsOutput()) {
    if (Status started = stream_check.Start(request.compression.algorithm); !started.ok()) {
      child->Terminate();
      return started;
    }
  }
  CompressorSink compressor_sink(compressor.get());
  std::optional<InternalAccountFilter> account_filter;
  if (request.drop_internal_accounts) account_filter.emplace(&compressor_sink);
  ByteSink* stage = account_filter ? static_cast<ByteSink*>(&*account_filter) : &compressor_sink;
  DumpTrailerCheck trailer;
  std::vector<uint8_t> buf(kReadChunk);
  int in = out_pipe->first.get();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(request.timeout_sec);
  Status s;
  for (;;) {
    if (cancel != nullptr && cancel->load()) {
      s = Status(ErrorKind::kProcess, "Interrupted by a signal; the partial dump was discarded");
      break;
    }
    if (request.timeout_sec > 0 && std::chrono::steady_clock::now() >= deadline) {
      s = Status(ErrorKind::kProcess,
                 BaseName(program) + " ran longer than [backup] dump_timeout (" +
                     std::to_string(request.timeout_sec) +
                     " s) and was stopped; the partial dump was discarded");
      break;
    }
    struct pollfd pfd = {in, POLLIN, 0};
    int r = poll(&pfd, 1, 250);
    if (r < 0 && errno != EINTR) {
      s = ErrnoError(ErrorKind::kProcess, "poll", "mysqldump output");
      break;
    }
    if (r <= 0) continue;
    ssize_t n = read(in, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      s = ErrnoError(ErrorKind::kProcess, "read", "mysqldump output");
      break;
    }
    if (n == 0) break;
    std::span<const uint8_t> data(buf.data(), static_cast<size_t>(n));
    trailer.Update(data);
    for (ByteSink* tap : request.plain_taps) {
      s = tap->Write(data);
      if (!s.ok()) break;
    }
    if (!s.ok()) break;
    s = stage->Write(data);
    if (!s.ok()) break;
    if (progress) progress(trailer.total_bytes());
  }
  if (!s.ok()) {
    // Stop the child before anything else: it must not keep a transaction open on the server.
    child->Terminate();
    return s;
  }
  if (account_filter) s = account_filter->Finish();
  if (s.ok()) s = compressor->Finish();
  if (s.ok() && encryptor) s = encryptor->Finish();
  if (!s.ok()) return s;
  if (stream_check.started()) {
    auto inflated = stream_check.Finish();
    if (!inflated.ok() || *inflated != compressor_sink.bytes()) {
      child->Terminate();
      std::string why = inflated.ok() ? "it decompresses to " + std::to_string(*inflated) +
                                            " bytes, not the " +
                                            std::to_string(compressor_sink.bytes()) + " compressed"
                                      : inflated.status().message();
      return Status(ErrorKind::kIntegrity,
                    "The compressed stream written does not decompress to the dump (" + why +
                        "); the backup was discarded");
    }
  }

  auto exit = child->Wait();
  std::string err_text = Trimmed(stderr_collector.Take());
  if (!exit.ok()) return exit.status();
  if (!exit->success()) {
    ErrorKind kind = ClassifyClientFailure(err_text);
    std::string first_line = ClientErrorLine(err_text);
    std::string message = BaseName(program) + " failed (" + exit->ToString() + ")";
    if (!first_line.empty()) message += ": " + first_line;
    return Status(kind, message).SetDetail(err_text);
  }
  if (trailer.total_bytes() == 0) {
    return Status(ErrorKind::kProcess,
                  BaseName(program) + " exited successfully but wrote nothing; no backup was made")
        .SetDetail(err_text);
  }
  if (!trailer.complete()) {
    return Status(ErrorKind::kProcess,
                  BaseName(program) +
                      " exited successfully but its output lacks the '-- Dump completed' "
                      "trailer; the dump is incomplete")
        .SetDetail(err_text);
  }
  DumpOutcome outcome;
  outcome.sha256 = sink.FinishHex();
  if (plain_hash) outcome.plain_sha256 = plain_hash->FinishHex();
  outcome.compressed_bytes = sink.bytes();
  outcome.dump_bytes = trailer.total_bytes();
  outcome.dump_stderr = std::move(err_text);
  return outcome;
}

}  // namespace mysql_backup
