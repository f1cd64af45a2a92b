#include "storage/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

namespace mysql_backup {

namespace {

// flock() does not care how the file was opened, so read-only is enough, and works for a
// .lock this user cannot write. O_NONBLOCK: a FIFO planted as .lock must not hang the open.
constexpr int kOpenFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;

}  // namespace

Result<DirectoryLock> DirectoryLock::Acquire(const BackupDirectory& dir, LockMode mode,
                                             int timeout_sec,
                                             const std::function<void()>& on_wait) {
  const DirFd& root = dir.root();
  std::string lock_path = root.PathOf(kLockFileName);
  UniqueFd fd(openat(root.get(), kLockFileName, kOpenFlags));
  if (!fd.valid() && errno == ENOENT) {
    // O_NOFOLLOW also holds with O_CREAT: a dangling link is refused (ELOOP), its target never
    // created.
    fd.Reset(openat(root.get(), kLockFileName, kOpenFlags | O_CREAT, 0640));
    if (!fd.valid() && mode == LockMode::kShared &&
        (errno == EACCES || errno == EROFS || errno == EPERM)) {
      return DirectoryLock(UniqueFd());
    }
  }
  if (!fd.valid() && errno == EACCES && mode == LockMode::kShared) {
    // A .lock this user may not read (another account's run made it): a reader goes on.
    return DirectoryLock(UniqueFd());
  }
  if (!fd.valid()) {
    if (errno == ELOOP) return LinkRefused(lock_path);
    return ErrnoError(ErrorKind::kStorage, "open lock file", lock_path);
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", lock_path);
  if (!S_ISREG(st.st_mode)) {
    return Status(ErrorKind::kStorage,
                  "'" + lock_path + "' is not a regular file; remove it (mysql-backup creates it)");
  }
  int operation = mode == LockMode::kExclusive ? LOCK_EX : LOCK_SH;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_sec);
  bool told = false;
  for (;;) {
    if (flock(fd.get(), operation | LOCK_NB) == 0) return DirectoryLock(std::move(fd));
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
