// The backup_dir lock: one writer at a time (backups and cleanup), so a cleanup never deletes
// while a backup is written, and two backups never race for a name. flock(2) on
// <backup_dir>/.lock: released by the kernel if the holder dies, so a crash never leaves a
// stale lock.
#ifndef MYSQL_BACKUP_STORAGE_LOCK_H_
#define MYSQL_BACKUP_STORAGE_LOCK_H_

#include <functional>
#include <string>

#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

class DirectoryLock {
 public:
  // Waits up to `timeout_sec` for the lock, calling `on_wait` once if it has to wait.
  // Errors: kLockTimeout after the timeout, kStorage when the lock file cannot be opened.
  static Result<DirectoryLock> Acquire(const std::string& lock_path, int timeout_sec,
                                       const std::function<void()>& on_wait = nullptr);

 private:
  explicit DirectoryLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_LOCK_H_
