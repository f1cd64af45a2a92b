#include "storage/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/backup_dir.h"
#include "util/file_util.h"

namespace mysql_backup {

Result<AtomicFile> AtomicFile::Create(const std::string& work_dir, const std::string& final_path) {
  std::string temp = JoinPath(work_dir, BaseName(final_path) + "." + std::to_string(getpid()) +
                                            ".partial");
  UniqueFd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "create", temp);
  // The umask may have narrowed or, worse, the process may run with a lax one: be explicit.
  if (fchmod(fd.get(), kFileMode) != 0) {
    int err = errno;
    unlink(temp.c_str());
    return ErrnoError(ErrorKind::kStorage, "chmod", temp, err);
  }
  return AtomicFile(std::move(fd), std::move(temp), final_path);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : fd_(std::move(other.fd_)),
      temp_path_(std::move(other.temp_path_)),
      final_path_(std::move(other.final_path_)),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns nothing
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !temp_path_.empty()) unlink(temp_path_.c_str());
}

Status AtomicFile::Write(std::span<const uint8_t> data) {
  return WriteAll(fd_.get(), {reinterpret_cast<const char*>(data.data()), data.size()},
                  temp_path_);
}

Status AtomicFile::Commit() {
  // Data first, then the name: after a crash the final name never points at missing blocks.
  if (fsync(fd_.get()) != 0) return ErrnoError(ErrorKind::kStorage, "fsync", temp_path_);
  if (close(fd_.Release()) != 0) return ErrnoError(ErrorKind::kStorage, "close", temp_path_);
  if (rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    return ErrnoError(ErrorKind::kStorage, "rename to '" + final_path_ + "'", temp_path_);
  }
  committed_ = true;
  return FsyncDirectory(DirName(final_path_));
}

Status WriteFileAtomically(const std::string& work_dir, const std::string& final_path,
                           const std::string& content) {
  auto file = AtomicFile::Create(work_dir, final_path);
  if (!file.ok()) return file.status();
  Status s = file->Write({reinterpret_cast<const uint8_t*>(content.data()), content.size()});
  if (!s.ok()) return s;
  return file->Commit();
}

}  // namespace mysql_backup
