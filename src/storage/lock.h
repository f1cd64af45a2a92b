// The backup_dir lock: one writer at a time (backups and cleanup take it exclusively), so a
// cleanup never deletes while a backup is written, and two backups never race for a name.
// Readers that must not see a backup vanish half-way (--verify, the restore drill, a cleanup
// dry run) take it shared: they wait for a running cleanup, and run alongside each other.
// flock(2) on <backup_dir>/.lock: released by the kernel if the holder dies, so a crash never
// leaves a stale lock. The lock file is opened relative to backup_dir with O_NOFOLLOW: a link
// planted there (even a dangling one) never makes a run create or open a file elsewhere.
#ifndef MYSQL_BACKUP_STORAGE_LOCK_H_
#define MYSQL_BACKUP_STORAGE_LOCK_H_

#include <functional>
#include <string>

#include "storage/backup_dir.h"
#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

enum class LockMode { kExclusive, kShared };

class DirectoryLock {
 public:
  // Waits up to `timeout_sec` for the lock, calling `on_wait` once if it has to wait. .lock is
  // created when missing. Only for kShared, when .lock is missing and cannot be created (a
  // read-only backup_dir) or may not be read by this user, nothing is locked and held() is
  // false: a reader must still work there.
  // Errors: kLockTimeout after the timeout; kStorage when .lock is a link or not a regular file,
  // or cannot be opened or created.
  static Result<DirectoryLock> Acquire(const BackupDirectory& dir, LockMode mode, int timeout_sec,
                                       const std::function<void()>& on_wait = nullptr);

  bool held() const { return fd_.valid(); }

 private:
  explicit DirectoryLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_LOCK_H_
