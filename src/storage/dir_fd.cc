#include "storage/dir_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "util/file_util.h"

namespace mysql_backup {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

// Why `name` in `parent` could not be opened as a folder: a link or other non-folder gets its
// own message, anything else the errno of the failed open.
Status NotADirectory(const DirFd& parent, const std::string& name, int open_errno) {
  std::string path = parent.PathOf(name);
  struct stat st;
  if (fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return LinkRefused(path);
    if (!S_ISDIR(st.st_mode)) {
      return Status(ErrorKind::kStorage, "'" + path + "' is " + KindOf(st.st_mode) +
                                             ", not a directory; remove or rename it");
    }
  }
  return ErrnoError(ErrorKind::kStorage, "open directory", path, open_errno);
}

}  // namespace

const char* KindOf(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a regular file";
}

std::string DirFd::PathOf(const std::string& name) const { return JoinPath(path, name); }

Status LinkRefused(const std::string& path) {
  return Status(ErrorKind::kStorage, "'" + path +
                                         "' is a symbolic link; mysql-backup does not follow "
                                         "links inside backup_dir; remove it");
}

Result<DirFd> OpenTopDirectory(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return Status(ErrorKind::kStorage,
                    "backup_dir '" + path + "' does not exist; create it (mkdir -m 0750 '" + path +
                        "') or fix [backup] backup_dir");
    }
    if (errno == ENOTDIR) {
      return Status(ErrorKind::kStorage, "backup_dir '" + path + "' is not a directory");
    }
    return ErrnoError(ErrorKind::kStorage, "access backup_dir", path);
  }
  return DirFd{std::move(fd), path};
}

Result<std::optional<DirFd>> OpenSubdirectory(const DirFd& parent, const std::string& name) {
  UniqueFd fd(openat(parent.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<DirFd>();
    return NotADirectory(parent, name, errno);
  }
  return std::optional<DirFd>(DirFd{std::move(fd), parent.PathOf(name)});
}

Result<DirFd> EnsureSubdirectory(const DirFd& parent, const std::string& name, mode_t mode) {
  bool created = false;
  if (mkdirat(parent.get(), name.c_str(), mode) == 0) {
    created = true;
  } else if (errno != EEXIST) {
    return ErrnoError(ErrorKind::kStorage, "create directory", parent.PathOf(name));
  }
  auto dir = OpenSubdirectory(parent, name);
  if (!dir.ok()) return dir.status();
  if (!dir->has_value()) {  // removed between mkdirat and openat: someone is playing games
    return ErrnoError(ErrorKind::kStorage, "open directory", parent.PathOf(name), ENOENT);
  }
  DirFd out = std::move(**dir);
  if (created) {
    // mkdir honours the umask; set the mode we promise, on what we opened (not by name).
    if (fchmod(out.get(), mode) != 0) return ErrnoError(ErrorKind::kStorage, "chmod", out.path);
    Status s = FsyncDir(parent);
    if (!s.ok()) return s;
  }
  if (!DirectoryWritable(out)) {
    return ErrnoError(ErrorKind::kStorage, "write to directory", out.path);
  }
  return out;
}

Result<std::optional<struct stat>> StatAt(const DirFd& dir, const std::string& name) {
  struct stat st;
  if (fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::optional<struct stat>();
    return ErrnoError(ErrorKind::kStorage, "stat", dir.PathOf(name));
  }
  return std::optional<struct stat>(st);
}

Result<std::vector<std::string>> ListDirectory(const DirFd& dir) {
  // fdopendir() takes the descriptor it is given, so it gets its own; the shared offset is
  // rewound.
  int copy = openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return ErrnoError(ErrorKind::kStorage, "list", dir.path);
  UniqueDir d(fdopendir(copy));
  if (!d) {
    int err = errno;
    close(copy);
    return ErrnoError(ErrorKind::kStorage, "list", dir.path, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = readdir(d.get())) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
    errno = 0;
  }
  if (errno != 0) return ErrnoError(ErrorKind::kStorage, "list", dir.path);
  std::sort(names.begin(), names.end());
  return names;
}

Status FsyncDir(const DirFd& dir) {
  if (fsync(dir.get()) != 0) return ErrnoError(ErrorKind::kStorage, "fsync directory", dir.path);
  return Status::Ok();
}

bool DirectoryWritable(const DirFd& dir) {
  return faccessat(dir.get(), ".", W_OK | X_OK, 0) == 0;
}

Result<UniqueFd> OpenRegularFileAt(const DirFd& dir, const std::string& name,
                                   ErrorKind missing_kind, ErrorKind bad_kind) {
  std::string path = dir.PathOf(name);
  UniqueFd fd(openat(dir.get(), name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return ErrnoError(missing_kind, "open", path);
    if (errno == ELOOP) {
      Status s = LinkRefused(path);
      return Status(bad_kind, s.message());
    }
    return ErrnoError(ErrorKind::kStorage, "open", path);
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", path);
  if (!S_ISREG(st.st_mode)) {
    return Status(bad_kind, "'" + path + "' is " + KindOf(st.st_mode) +
                                ", not a regular file; mysql-backup only reads regular files "
                                "there; remove it");
  }
  // Regular files never block; the flag was only for the open of a FIFO.
  int flags = fcntl(fd.get(), F_GETFL);
  if (flags >= 0) (void)fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

}  // namespace mysql_backup
