// A file that appears under its final name complete or not at all (leveldb's way): written to
// a temp file in backup_dir/.tmp (same filesystem), fsynced, renamed, and the folder fsynced.
// Until Commit() succeeds the destructor removes the temp file, so no early return leaves a
// half-written file behind. Both folders are used through descriptors opened without following
// links (see dir_fd.h); the temp file is created O_EXCL | O_NOFOLLOW.
#ifndef MYSQL_BACKUP_STORAGE_ATOMIC_FILE_H_
#define MYSQL_BACKUP_STORAGE_ATOMIC_FILE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "storage/dir_fd.h"
#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

// "<final name>.<pid>.partial": the temp name AtomicFile uses for `final_name`.
std::string AtomicFileTempName(const std::string& final_name, long pid);
// Whether `name` is such a temp name for one of our files (a backup or its .sha256): the only
// names the .tmp/ cleanup removes.
bool IsAtomicFileTempName(std::string_view name);

inline constexpr uint64_t kWriteBehindBytes = 8 << 20;

class AtomicFile {
 public:
  // Creates `<work_dir>/<final_name>.<pid>.partial` with mode 0640, to become
  // `<final_dir>/<final_name>`.
  static Result<AtomicFile> Create(const DirFd& work_dir, const DirFd& final_dir,
                                   const std::string& final_name);

  AtomicFile(AtomicFile&&) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  int fd() const { return fd_.get(); }
  const std::string& temp_path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }
  // Appends. Every kWriteBehindBytes the kernel is asked to start writing the part behind us
  // to the device (sync_file_range), so dirty pages never pile up (a big backup does not flood
  // the page cache the database server needs) and Commit()'s fsync has little left to do.
  Status Write(std::span<const uint8_t> data);
  uint64_t bytes_written() const { return written_; }
  // A second descriptor on the file, for reading it back (it follows the file through the
  // rename). Errors: kStorage.
  Result<UniqueFd> OpenForReading() const;
  // fsync, close, rename over the final name, fsync the final folder.
  Status Commit();

 private:
  AtomicFile() = default;
  UniqueFd fd_;
  UniqueFd work_dir_;   // our own copies: the file may outlive the caller's DirFd
  UniqueFd final_dir_;
  std::string temp_name_;
  std::string final_name_;
  std::string temp_path_;   // for messages
  std::string final_path_;  // for messages
  bool committed_ = false;
  uint64_t written_ = 0;
};

// Writes a small file atomically (the .sha256).
Status WriteFileAtomically(const DirFd& work_dir, const DirFd& final_dir,
                           const std::string& final_name, const std::string& content);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_ATOMIC_FILE_H_
