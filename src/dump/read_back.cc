#include "dump/read_back.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>
#include <vector>

namespace mysql_backup {

namespace {

constexpr size_t kReadChunk = 1 << 20;

}  // namespace

Result<std::unique_ptr<ReadBack>> ReadBack::Start(UniqueFd fd, std::string path) {
  std::unique_ptr<ReadBack> read_back(new ReadBack(std::move(fd), std::move(path)));
  try {
    read_back->thread_ = std::thread(&ReadBack::Run, read_back.get());
  } catch (const std::system_error& e) {
    return Status(ErrorKind::kStorage,
                  "Cannot start the read-back of '" + read_back->path_ + "': " + e.what());
  }
  return read_back;
}

ReadBack::ReadBack(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

ReadBack::~ReadBack() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ReadBack::Written(uint64_t size) {
  bool wake;
  {
    std::lock_guard lock(mu_);
    // Wake the thread only when a whole region is ready, not on every write.
    wake = size / kReadBackRegion > written_ / kReadBackRegion;
    written_ = size;
  }
  if (wake) cv_.notify_one();
}

Result<ReadBackResult> ReadBack::Finish(uint64_t size) {
  {
    std::lock_guard lock(mu_);
    finishing_ = true;
    final_size_ = size;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (!failure_.ok()) return failure_;
  return ReadBackResult{sha_.FinishHex(), read_};
}

void ReadBack::Run() {
  for (;;) {
    uint64_t to;
    bool synced;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] {
        return stop_ || finishing_ || written_ / kReadBackRegion * kReadBackRegion > read_;
      });
      if (stop_) return;
      synced = finishing_;
      to = finishing_ ? final_size_ : written_ / kReadBackRegion * kReadBackRegion;
    }
    if (to > read_) {
      failure_ = ReadRange(read_, to, synced);
      if (!failure_.ok()) return;
    }
    if (synced) return;
  }
}

Status ReadBack::ReadRange(uint64_t from, uint64_t to, bool synced) {
  const int fd = fd_.get();
  std::vector<uint8_t> buf(kReadChunk);
  for (uint64_t region = from; region < to; region += kReadBackRegion) {
    const uint64_t end = std::min(to, region + kReadBackRegion);
    const auto offset = static_cast<off_t>(region);
    const auto length = static_cast<off_t>(end - region);
    // Until its writeback is done a page is dirty, and DONTNEED keeps dirty pages: the read
    // would come from memory. After the final fsync there is nothing left to wait for.
    if (!synced && sync_file_range(fd, offset, length,
                                   SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                       SYNC_FILE_RANGE_WAIT_AFTER) != 0) {
      // A file system without it (some FUSE ones): flush the whole file instead, on this thread.
      const bool unsupported = errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP;
      if (!unsupported || fdatasync(fd) != 0) {
        return ErrnoError(ErrorKind::kStorage, "wait for the write-back of", path_);
      }
    }
    posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED);
    for (uint64_t at = region; at < end;) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), end - at));
      ssize_t n = pread(fd, buf.data(), want, static_cast<off_t>(at));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status(ErrorKind::kStorage, "Cannot read '" + path_ + "' back at byte " +
                                               std::to_string(at) + ": " + std::strerror(errno));
      }
      if (n == 0) {
        return Status(ErrorKind::kIntegrity,
                      "'" + path_ + "' reads back only " + std::to_string(at) + " of the " +
                          std::to_string(to) + " bytes written");
      }
      sha_.Update({buf.data(), static_cast<size_t>(n)});
      at += static_cast<uint64_t>(n);
      read_ = at;
    }
  }
  return Status::Ok();
}

}  // namespace mysql_backup
