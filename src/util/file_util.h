// Small, errno-checked file helpers that turn failures into Status with the path as context.
// Every kind here is kStorage: they are used for backup_dir and log_dir.
#ifndef MYSQL_BACKUP_UTIL_FILE_UTIL_H_
#define MYSQL_BACKUP_UTIL_FILE_UTIL_H_

#include <sys/types.h>

#include <span>
#include <string>
#include <string_view>

#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

// Writes all of `data`, retrying on EINTR and short writes.
Status WriteAll(int fd, std::span<const char> data, std::string_view path_for_errors);
// Reads a whole (small) file.
Result<std::string> ReadFileToString(const std::string& path);
// Reads a file that must be a regular file of at most `max_bytes`: opened non-blocking (a FIFO
// cannot hang the open), then checked with fstat, and read no further than the cap (a file that
// grows, or /dev/zero, cannot exhaust memory). Errors (kStorage) name the path and say which
// rule failed.
Result<std::string> ReadSmallRegularFile(const std::string& path, size_t max_bytes);
// fsync of a directory, so a rename or create in it survives a crash.
Status FsyncDirectory(const std::string& dir);
// mkdir with `mode` if missing (fsyncing the parent), then checks it is a writable directory.
Status EnsureDirectory(const std::string& dir, mode_t mode);
// Opens for reading with O_CLOEXEC.
Result<UniqueFd> OpenForReading(const std::string& path);
// The directory part of a path ("." when none) and the last component.
std::string DirName(const std::string& path);
std::string BaseName(const std::string& path);
std::string JoinPath(std::string_view a, std::string_view b);
// `path` made absolute against the working directory (as given when it already is, or empty).
std::string AbsolutePath(const std::string& path);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_FILE_UTIL_H_
