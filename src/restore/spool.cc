#include "restore/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

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
    auto cipher = SpoolCipher::Create();
    if (!cipher.ok()) return cipher.status();
    auto made = MakeUnlinkedFile(dir_);
    if (!made.ok()) return made.status();
    cipher_ = std::move(*cipher);
    file_ = std::move(*made);
  }
  memory_.append(bytes);
  if (file_.valid()) {
    Status s = SealFullChunks();
    if (!s.ok()) return s;
  }
  size_ += bytes.size();
  cv_.notify_all();
  return Status::Ok();
}

Status Spool::SealFullChunks() {
  const size_t chunks = memory_.size() / kChunkBytes;
  if (chunks == 0) return Status::Ok();
  std::vector<uint8_t> sealed(kChunkBytes + SpoolCipher::kTagBytes);
  for (size_t i = 0; i < chunks; ++i) {
    const uint64_t index = sealed_ / kChunkBytes;
    const auto* plain = reinterpret_cast<const uint8_t*>(memory_.data()) + i * kChunkBytes;
    Status s = cipher_->Seal(index, {plain, kChunkBytes}, sealed.data());
    if (s.ok()) {
      s = WriteAll(file_.get(), {reinterpret_cast<const char*>(sealed.data()), sealed.size()},
                   dir_ + "/<spool>");
    }
    if (!s.ok()) {
      memory_.erase(0, i * kChunkBytes);
      return s;
    }
    // Readers find the chunk in the file from now on; the lock is held until memory_ matches.
    sealed_ += kChunkBytes;
  }
  memory_.erase(0, chunks * kChunkBytes);
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
  if (offset >= sealed_) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), size_ - offset));
    std::memcpy(buf.data(), memory_.data() + (offset - sealed_), n);
    return n;
  }
  const size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), sealed_ - offset));
  // Set once at the spill, like the file: both stay while the spool lives.
  const SpoolCipher& cipher = *cipher_;
  const int fd = file_.get();
  lock.unlock();  // sealed chunks never change; the writer only appends
  auto got = ReadSealed(cipher, fd, offset, buf.first(n));
  if (!got.ok()) {
    return Status(got.status())
        .AddContext("Cannot read back a restore spool file in '" + dir_ + "'");
  }
  return got;
}

Result<size_t> Spool::ReadSealed(const SpoolCipher& cipher, int fd, uint64_t offset,
                                 std::span<char> buf) const {
  constexpr size_t kSealedBytes = kChunkBytes + SpoolCipher::kTagBytes;
  std::vector<uint8_t> sealed(kSealedBytes);
  std::vector<uint8_t> plain;  // for a chunk only partly wanted
  size_t done = 0;
  while (done < buf.size()) {
    const uint64_t pos = offset + done;
    const uint64_t index = pos / kChunkBytes;
    const size_t skip = static_cast<size_t>(pos % kChunkBytes);
    const size_t take = std::min(kChunkBytes - skip, buf.size() - done);
    size_t have = 0;
    while (have < kSealedBytes) {
      ssize_t got = pread(fd, sealed.data() + have, kSealedBytes - have,
                          static_cast<off_t>(index * kSealedBytes + have));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return ErrnoError(ErrorKind::kStorage, "read", dir_ + "/<spool>");
      if (got == 0) {
        return Status(ErrorKind::kStorage, "chunk " + std::to_string(index) +
                                               " of the spool file is cut short: the file holds "
                                               "less than was written to it");
      }
      have += static_cast<size_t>(got);
    }
    auto* out = reinterpret_cast<uint8_t*>(buf.data()) + done;
    if (skip == 0 && take == kChunkBytes) {
      Status s = cipher.Open(index, sealed, out);
      if (!s.ok()) return s;
    } else {
      plain.resize(kChunkBytes);
      Status s = cipher.Open(index, sealed, plain.data());
      if (!s.ok()) return s;
      std::memcpy(out, plain.data() + skip, take);
    }
    done += take;
  }
  return done;
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
