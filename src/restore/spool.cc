#include "restore/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "util/file_util.h"

namespace mysql_backup {

namespace {

// An unnamed file in `dir`: O_TMPFILE where the file system has it, else mkstemp and unlink.
Result<UniqueFd> MakeUnlinkedFile(const std::string& dir) {
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return UniqueFd(fd);
  std::string path = JoinPath(dir, "restore-spool.XXXXXX");
  fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError(ErrorKind::kStorage, "create a spool file in", dir);
  UniqueFd owned(fd);
  fchmod(fd, 0600);
  if (unlink(path.c_str()) != 0) return ErrnoError(ErrorKind::kStorage, "unlink", path);
  return owned;
}

}  // namespace

Status Spool::Append(std::string_view bytes) {
  if (bytes.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  if (!aborted_.ok()) return aborted_;
  if (!file_.valid() && memory_.size() + bytes.size() > threshold_) {
    auto made = MakeUnlinkedFile(dir_);
    if (!made.ok()) return made.status();
    Status s = WriteAll(made->get(), {memory_.data(), memory_.size()}, dir_ + "/<spool>");
    if (!s.ok()) return s;
    file_ = std::move(*made);
    std::string().swap(memory_);
  }
  if (file_.valid()) {
    Status s = WriteAll(file_.get(), {bytes.data(), bytes.size()}, dir_ + "/<spool>");
    if (!s.ok()) return s;
  } else {
    memory_.append(bytes);
  }
  size_ += bytes.size();
  cv_.notify_all();
  return Status::Ok();
}

void Spool::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

void Spool::Abort(const Status& why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (aborted_.ok()) aborted_ = why;
  cv_.notify_all();
}

Result<size_t> Spool::ReadAt(uint64_t offset, std::span<char> buf) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !aborted_.ok() || offset < size_ || closed_; });
  if (!aborted_.ok()) return aborted_;
  if (offset >= size_) return size_t{0};
  const size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), size_ - offset));
  if (!file_.valid()) {
    std::memcpy(buf.data(), memory_.data() + offset, n);
    return n;
  }
  const int fd = file_.get();
  lock.unlock();  // the bytes below size_ never change; the writer only appends
  for (;;) {
    ssize_t got = pread(fd, buf.data(), n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return ErrnoError(ErrorKind::kStorage, "read", dir_ + "/<spool>", got < 0 ? errno : EIO);
    return static_cast<size_t>(got);
  }
}

uint64_t Spool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

bool Spool::spilled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_.valid();
}

}  // namespace mysql_backup
