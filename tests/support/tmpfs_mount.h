// A small tmpfs mounted on a test's folder, for a remote whose disk is full: mount(2) with
// `size=`, unmounted (lazily, so an sshd child still inside cannot keep it) when the object
// goes. Needs root, or CAP_SYS_ADMIN; tests skip, saying why, when mounting is not permitted.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_TMPFS_MOUNT_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_TMPFS_MOUNT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "util/status.h"

namespace mysql_backup::testing {

class TmpfsMount {
 public:
  // Mounts a tmpfs of `size_bytes` on `dir` (an existing, empty folder).
  static Result<std::unique_ptr<TmpfsMount>> Mount(const std::string& dir, uint64_t size_bytes);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  // Bytes an unprivileged writer can still store there.
  uint64_t FreeBytes() const;

 private:
  explicit TmpfsMount(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_TMPFS_MOUNT_H_
