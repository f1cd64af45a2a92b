#include "storage/lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <chrono>
#include <thread>

#include "storage/backup_dir.h"

namespace mysql_backup {

Result<DirectoryLock> DirectoryLock::Acquire(const std::string& lock_path, int timeout_sec,
                                             const std::function<void()>& on_wait) {
  UniqueFd fd(open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kFileMode));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open lock file", lock_path);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_sec);
  bool told = false;
  for (;;) {
    if (flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return DirectoryLock(std::move(fd));
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return ErrnoError(ErrorKind::kStorage, "lock", lock_path);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status(ErrorKind::kLockTimeout,
                    "Another mysql-backup run has held '" + lock_path + "' for more than " +
                        std::to_string(timeout_sec) + " s ([backup] lock_timeout); try again later");
    }
    if (!told && on_wait) on_wait();
    told = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace mysql_backup
