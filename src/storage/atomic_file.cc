#include "storage/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>

#include "storage/backup_dir.h"
#include "storage/backup_name.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

constexpr std::string_view kPartialSuffix = ".partial";

UniqueFd DupDir(const DirFd& dir) { return UniqueFd(fcntl(dir.get(), F_DUPFD_CLOEXEC, 0)); }

}  // namespace

std::string AtomicFileTempName(const std::string& final_name, long pid) {
  return final_name + "." + std::to_string(pid) + std::string(kPartialSuffix);
}

bool IsAtomicFileTempName(std::string_view name) {
  if (name.size() <= kPartialSuffix.size() ||
      name.substr(name.size() - kPartialSuffix.size()) != kPartialSuffix) {
    return false;
  }
  name.remove_suffix(kPartialSuffix.size());
  size_t digits = 0;
  while (digits < name.size() &&
         std::isdigit(static_cast<unsigned char>(name[name.size() - 1 - digits]))) {
    ++digits;
  }
  if (digits == 0 || digits == name.size() || name[name.size() - 1 - digits] != '.') return false;
  name.remove_suffix(digits + 1);
  std::string_view sum = kChecksumSuffix;
  if (name.size() > sum.size() && name.substr(name.size() - sum.size()) == sum) {
    name.remove_suffix(sum.size());
  }
  return ParseBackupFileName(name).has_value();
}

Result<AtomicFile> AtomicFile::Create(const DirFd& work_dir, const DirFd& final_dir,
                                      const std::string& final_name) {
  AtomicFile f;
  f.temp_name_ = AtomicFileTempName(final_name, getpid());
  f.final_name_ = final_name;
  f.temp_path_ = work_dir.PathOf(f.temp_name_);
  f.final_path_ = final_dir.PathOf(final_name);
  f.work_dir_ = DupDir(work_dir);
  f.final_dir_ = DupDir(final_dir);
  if (!f.work_dir_.valid() || !f.final_dir_.valid()) {
    return ErrnoError(ErrorKind::kStorage, "duplicate the descriptor of", work_dir.path);
  }
  // O_EXCL | O_NOFOLLOW: a name planted in .tmp/ (a link to '/etc/shadow', say) is never opened.
  f.fd_ = UniqueFd(openat(f.work_dir_.get(), f.temp_name_.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode));
  if (!f.fd_.valid()) {
    f.committed_ = true;  // nothing of ours to remove
    return ErrnoError(ErrorKind::kStorage, "create", f.temp_path_);
  }
  // The umask may have narrowed or, worse, the process may run with a lax one: be explicit.
  if (fchmod(f.fd_.get(), kFileMode) != 0) {
    return ErrnoError(ErrorKind::kStorage, "chmod", f.temp_path_);  // the destructor unlinks
  }
  return f;
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : fd_(std::move(other.fd_)),
      work_dir_(std::move(other.work_dir_)),
      final_dir_(std::move(other.final_dir_)),
      temp_name_(std::move(other.temp_name_)),
      final_name_(std::move(other.final_name_)),
      temp_path_(std::move(other.temp_path_)),
      final_path_(std::move(other.final_path_)),
      committed_(other.committed_),
      written_(other.written_) {
  other.committed_ = true;  // the moved-from object owns nothing
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !temp_name_.empty() && work_dir_.valid()) {
    unlinkat(work_dir_.get(), temp_name_.c_str(), 0);
  }
}

Status AtomicFile::Write(std::span<const uint8_t> data) {
  Status s =
      WriteAll(fd_.get(), {reinterpret_cast<const char*>(data.data()), data.size()}, temp_path_);
  if (!s.ok()) return s;
  // The whole kWriteBehindBytes regions this write completed go to the device now.
  const uint64_t from = written_ / kWriteBehindBytes * kWriteBehindBytes;
  written_ += data.size();
  const uint64_t to = written_ / kWriteBehindBytes * kWriteBehindBytes;
  if (to > from) {
    // Only a hint: an error here (EIO) comes back from Commit()'s fsync, where it fails the run.
    sync_file_range(fd_.get(), static_cast<off_t>(from), static_cast<off_t>(to - from),
                    SYNC_FILE_RANGE_WRITE);
  }
  return Status::Ok();
}

Result<UniqueFd> AtomicFile::OpenForReading() const {
  UniqueFd fd(openat(work_dir_.get(), temp_name_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open for reading", temp_path_);
  return fd;
}

Status AtomicFile::Commit() {
  // Data first, then the name: after a crash the final name never points at missing blocks.
  if (fsync(fd_.get()) != 0) return ErrnoError(ErrorKind::kStorage, "fsync", temp_path_);
  if (close(fd_.Release()) != 0) return ErrnoError(ErrorKind::kStorage, "close", temp_path_);
  if (renameat(work_dir_.get(), temp_name_.c_str(), final_dir_.get(), final_name_.c_str()) != 0) {
    return ErrnoError(ErrorKind::kStorage, "rename to '" + final_path_ + "'", temp_path_);
  }
  committed_ = true;
  if (fsync(final_dir_.get()) != 0) {
    return ErrnoError(ErrorKind::kStorage, "fsync directory", DirName(final_path_));
  }
  return Status::Ok();
}

Status WriteFileAtomically(const DirFd& work_dir, const DirFd& final_dir,
                           const std::string& final_name, const std::string& content) {
  auto file = AtomicFile::Create(work_dir, final_dir, final_name);
  if (!file.ok()) return file.status();
  Status s = file->Write({reinterpret_cast<const uint8_t*>(content.data()), content.size()});
  if (!s.ok()) return s;
  return file->Commit();
}

}  // namespace mysql_backup
