#include "util/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace mysql_backup {

Status WriteAll(int fd, std::span<const char> data, std::string_view path_for_errors) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kStorage, "write", path_for_errors);
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> ReadFileToString(const std::string& path) {
  auto fd = OpenForReading(path);
  if (!fd.ok()) return fd.status();
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kStorage, "read", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<std::string> ReadSmallRegularFile(const std::string& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open", path);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", path);
  if (!S_ISREG(st.st_mode)) {
    return Status(ErrorKind::kStorage, "'" + path + "' is not a regular file");
  }
  std::string too_big =
      "'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes; is it the right file?";
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return Status(ErrorKind::kStorage, too_big);
  // The size is checked again while reading: the file may grow between fstat and read.
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kStorage, "read", path);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) return Status(ErrorKind::kStorage, too_big);
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status FsyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open directory", dir);
  if (::fsync(fd.get()) != 0) return ErrnoError(ErrorKind::kStorage, "fsync directory", dir);
  return Status::Ok();
}

Status EnsureDirectory(const std::string& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) == 0) {
    // mkdir honours the umask; set the mode we promise explicitly.
    if (::chmod(dir.c_str(), mode) != 0) return ErrnoError(ErrorKind::kStorage, "chmod", dir);
    return FsyncDirectory(DirName(dir));
  }
  if (errno != EEXIST) return ErrnoError(ErrorKind::kStorage, "create directory", dir);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", dir);
  if (!S_ISDIR(st.st_mode)) {
    return Status(ErrorKind::kStorage, "'" + dir + "' exists but is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return ErrnoError(ErrorKind::kStorage, "write to directory", dir);
  }
  return Status::Ok();
}

Result<UniqueFd> OpenForReading(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open", path);
  return fd;
}

std::string DirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string JoinPath(std::string_view a, std::string_view b) {
  std::string out(a);
  if (!out.empty() && out.back() != '/') out += '/';
  out += b;
  return out;
}

std::string AbsolutePath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == nullptr) return path;
  return JoinPath(cwd, path);
}

}  // namespace mysql_backup
