#include "support/tmpfs_mount.h"

#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>

namespace mysql_backup::testing {

Result<std::unique_ptr<TmpfsMount>> TmpfsMount::Mount(const std::string& dir,
                                                      uint64_t size_bytes) {
  std::string options = "size=" + std::to_string(size_bytes) + ",mode=0700";
  if (mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    int e = errno;
    return ErrnoError(ErrorKind::kProcess, "mount a tmpfs on", dir, e)
        .AddContext(e == EPERM ? "Mounting needs root (CAP_SYS_ADMIN), which this test run lacks"
                               : "Cannot make a small disk for the test");
  }
  return std::unique_ptr<TmpfsMount>(new TmpfsMount(dir));
}

TmpfsMount::~TmpfsMount() { umount2(dir_.c_str(), MNT_DETACH); }

uint64_t TmpfsMount::FreeBytes() const {
  struct statvfs st;
  if (statvfs(dir_.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace mysql_backup::testing
