// A file that appears under its final name complete or not at all (leveldb's way): written to
// a temp file in backup_dir/.tmp (same filesystem), fsynced, renamed, and the folder fsynced.
// Until Commit() succeeds the destructor removes the temp file, so no early return leaves a
// half-written file behind.
#ifndef MYSQL_BACKUP_STORAGE_ATOMIC_FILE_H_
#define MYSQL_BACKUP_STORAGE_ATOMIC_FILE_H_

#include <cstdint>
#include <span>
#include <string>

#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

class AtomicFile {
 public:
  // Creates `<work_dir>/<final base name>.<pid>.partial` with mode 0640.
  static Result<AtomicFile> Create(const std::string& work_dir, const std::string& final_path);

  AtomicFile(AtomicFile&&) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  int fd() const { return fd_.get(); }
  const std::string& temp_path() const { return temp_path_; }
  Status Write(std::span<const uint8_t> data);
  // fsync, close, rename over final_path, fsync the final folder.
  Status Commit();

 private:
  AtomicFile(UniqueFd fd, std::string temp_path, std::string final_path)
      : fd_(std::move(fd)), temp_path_(std::move(temp_path)), final_path_(std::move(final_path)) {}
  UniqueFd fd_;
  std::string temp_path_;
  std::string final_path_;
  bool committed_ = false;
};

// Writes a small file atomically (the .sha256).
Status WriteFileAtomically(const std::string& work_dir, const std::string& final_path,
                           const std::string& content);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_ATOMIC_FILE_H_
