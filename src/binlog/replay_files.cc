#include "binlog/replay_files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "binlog/archive.h"
#include "codec/compressor.h"
#include "codec/sha256.h"
#include "dump/verify.h"
#include "util/local_time.h"

namespace mysql_backup {

namespace {

constexpr char kFolderPrefix[] = "pitr-replay.";

// Removes `name` (a folder of plain files) from `parent`.
void RemoveFolder(const DirFd& parent, const std::string& name) {
  auto sub = OpenSubdirectory(parent, name);
  if (!sub.ok() || !sub->has_value()) return;
  auto names = ListDirectory(**sub);
  if (names.ok()) {
    for (const auto& n : *names) unlinkat((*sub)->get(), n.c_str(), 0);
  }
  unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR);
}

// The folders of replays whose process is gone (killed before its destructor ran).
void RemoveStale(const DirFd& work) {
  auto names = ListDirectory(work);
  if (!names.ok()) return;
  for (const auto& n : *names) {
    if (n.rfind(kFolderPrefix, 0) != 0) continue;
    long pid = std::strtol(n.c_str() + sizeof(kFolderPrefix) - 1, nullptr, 10);
    if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) RemoveFolder(work, n);
  }
}

// Decompressed bytes: to the plain copy and the event walker.
class PlainSink : public ByteSink {
 public:
  PlainSink(int fd, std::string path, BinlogReader* reader)
      : fd_(fd), path_(std::move(path)), reader_(reader) {}
  Status Write(std::span<const uint8_t> data) override {
    Status s = reader_->Write(data);
    if (!s.ok()) return s;
    const uint8_t* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError(ErrorKind::kStorage, "write", path_);
      p += n;
      left -= static_cast<size_t>(n);
    }
    return Status::Ok();
  }

 private:
  int fd_;
  std::string path_;
  BinlogReader* reader_;
};

}  // namespace

ReplayFiles::~ReplayFiles() { Remove(); }

void ReplayFiles::Remove() { RemoveFolder(work_, name_); }

Result<std::unique_ptr<ReplayFiles>> ReplayFiles::Prepare(
    const DirFd& work_dir, const DirFd& archive_dir, const ReplayPlan& plan,
    const ReplayTarget& target,
    const std::map<std::string, std::pair<std::string, uint64_t>>& later,
    const std::atomic<bool>* cancel) {
  RemoveStale(work_dir);
  std::string name = kFolderPrefix + std::to_string(getpid());
  auto out = std::unique_ptr<ReplayFiles>(new ReplayFiles(work_dir, name));
  out->Remove();
  if (mkdirat(work_dir.get(), name.c_str(), 0700) != 0) {
    return ErrnoError(ErrorKind::kStorage, "create", work_dir.PathOf(name));
  }
  auto sub = OpenSubdirectory(work_dir, name);
  if (!sub.ok()) return sub.status();
  if (!sub->has_value()) return ErrnoError(ErrorKind::kStorage, "open", work_dir.PathOf(name), ENOENT);
  out->dir_ = std::move(**sub);
  out->start_position_ = plan.start.position;

  auto partial_dir = OpenSubdirectory(archive_dir, kPartialFolderName);
  if (!partial_dir.ok()) return partial_dir.status();
  ReplayCutter cutter(target);
  cutter.set_later_dumps(later);
  std::string prev_name;
  BinlogSummary prev;
  for (size_t i = 0; i < plan.files.size() && !cutter.reached() && cutter.conflict().empty();
       ++i) {
    if (cancel != nullptr && cancel->load()) return Status(ErrorKind::kProcess, "Interrupted by a signal");
    const ArchivedBinlog& f = plan.files[i];
    if (f.partial && !partial_dir->has_value()) {
      return Status(ErrorKind::kIntegrity, "'" + archive_dir.PathOf(kPartialFolderName) +
                                               "' vanished while the restore read it");
    }
    const DirFd& from = f.partial ? **partial_dir : archive_dir;
    std::string gz = f.name + ".gz";
    auto want_sha = ReadChecksumFileAt(from, gz + ".sha256", gz);
    if (!want_sha.ok()) return Status(want_sha.status()).AddContext("'" + from.PathOf(gz) + "'");
    auto in = OpenRegularFileAt(from, gz, ErrorKind::kIntegrity, ErrorKind::kIntegrity);
    if (!in.ok()) return in.status();
    UniqueFd plain(openat(out->dir_.get(), f.name.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!plain.valid()) return ErrnoError(ErrorKind::kStorage, "create", out->dir_.PathOf(f.name));

    cutter.BeginFile(f.name, i == 0 ? plan.start.position : 0);
    BinlogReader reader;
    reader.set_observer([&cutter](const BinlogEventView& e) { return cutter.Event(e); });
    PlainSink sink(plain.get(), out->dir_.PathOf(f.name), &reader);
    auto decompressor = MakeDecompressor(Compression::kGzip, &sink);
    Sha256 hash;
    std::vector<uint8_t> buf(256 * 1024);
    // The first error. A file that stops decoding is still hashed to its end: when its SHA-256
    // is not the recorded one, that (a replaced or damaged file) is the message, as
    // ReadArchivedBinlog says; an I/O error or a user's mistake (kUsage) is said as it is.
    Status s;
    for (;;) {
      ssize_t n = read(in->get(), buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        s = ErrnoError(ErrorKind::kStorage, "read", from.PathOf(gz));
        break;
      }
      if (n == 0) break;
      hash.Update({buf.data(), static_cast<size_t>(n)});
      if (s.ok()) s = decompressor->Write({buf.data(), static_cast<size_t>(n)});
    }
    if (s.ok()) s = decompressor->Finish();
    // A GTID target that is not in the binlog is the user's mistake, not damage: say so as is.
    if (!s.ok() && s.kind() == ErrorKind::kUsage) return s;
    std::string sha = hash.FinishHex();
    auto summary = [&]() -> Result<BinlogSummary> {
      if (!s.ok() && s.kind() != ErrorKind::kIntegrity) return s;
      if (sha != *want_sha) {
        return Status(ErrorKind::kIntegrity, "SHA-256 is " + sha + ", its .sha256 says " + *want_sha);
      }
      if (!s.ok()) return s;
      return reader.Finish();
    }();
    if (summary.ok() && !f.partial && !summary->complete()) {
      summary = Status(ErrorKind::kIntegrity, "does not end in a Rotate or Stop event");
    }
    if (summary.ok() && !prev_name.empty()) {
      Status follows = CheckFollowsOn(prev_name, prev, f.name, *summary);
      if (!follows.ok()) summary = Status(ErrorKind::kIntegrity, follows.message());
    }
    if (!summary.ok()) {
      return Status(summary.status())
          .AddContext("Refusing to replay '" + from.PathOf(gz) + "'");
    }
    if (fsync(plain.get()) != 0) return ErrnoError(ErrorKind::kStorage, "fsync", out->dir_.PathOf(f.name));
    out->files_.push_back(f.name);
    prev_name = f.name;
    prev = *summary;
  }
  cutter.Finish();
  if (!cutter.conflict().empty()) {
    out->conflict_ = cutter.conflict();
    return out;
  }
  if (!cutter.reached()) {
    std::string moment = "the dump's own moment";
    if (cutter.last_event_time() != 0) {
      moment = FormatUtcTime(cutter.last_event_time());
    }
    return Status(ErrorKind::kGap,
                  "the archived binlogs end before the target: their last event is at " + moment +
                      (cutter.last_applied() && cutter.last_applied()->has_gtid
                           ? " (last transaction GTID " + cutter.last_applied()->gtid.ToString() + ")"
                           : std::string()) +
                      "; that is the latest reachable moment");
  }
  if (!cutter.stop_file().empty()) {
    // Replay ends in the file where the cut is; files after it are not needed.
    while (!out->files_.empty() && out->files_.back() != cutter.stop_file()) {
      out->files_.pop_back();
    }
    out->stop_position_ = cutter.stop_position();
  }
  out->last_applied_ = cutter.last_applied();
  out->transactions_ = cutter.applied();
  out->databases_ = cutter.databases();
  return out;
}

}  // namespace mysql_backup
