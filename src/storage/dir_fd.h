// Working inside backup_dir without following links. backup_dir itself is configured by root
// and may be a link, but everything below it is writable by the service user, so a name there
// could be swapped for a link to '/etc' at any moment. Each folder is opened once
// (O_DIRECTORY | O_NOFOLLOW) and every file operation is relative to that descriptor
// (openat, unlinkat, renameat, fstatat with AT_SYMLINK_NOFOLLOW): what a run touches is what
// it opened, never the target of a link planted in between.
#ifndef MYSQL_BACKUP_STORAGE_DIR_FD_H_
#define MYSQL_BACKUP_STORAGE_DIR_FD_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

// An open folder and the path used for it in messages.
struct DirFd {
  UniqueFd fd;
  std::string path;

  int get() const { return fd.get(); }
  // `path`/`name`, for messages.
  std::string PathOf(const std::string& name) const;
};

// Opens `path` as a folder, following links (for backup_dir itself, which root configures).
// Errors: kStorage, with "does not exist" / "is not a directory" spelled out.
Result<DirFd> OpenTopDirectory(const std::string& path);

// Opens `name` inside `parent` as a folder, never following a link. Nullopt when it does not
// exist. Errors: kStorage when it is a link ("... is a symbolic link; mysql-backup does not
// follow links inside backup_dir; remove it") or not a folder.
Result<std::optional<DirFd>> OpenSubdirectory(const DirFd& parent, const std::string& name);

// The same, creating the folder with `mode` (set explicitly, not through the umask; the parent
// fsynced) when it is missing.
Result<DirFd> EnsureSubdirectory(const DirFd& parent, const std::string& name, mode_t mode);

// lstat of `name` in `dir`; nullopt when nothing is there. Errors: kStorage.
Result<std::optional<struct stat>> StatAt(const DirFd& dir, const std::string& name);

// The names in `dir` (without "." and ".."), sorted.
Result<std::vector<std::string>> ListDirectory(const DirFd& dir);

// fsync of the folder, so a create, rename or unlink in it survives a crash.
Status FsyncDir(const DirFd& dir);

// Whether the calling user may create and remove files in `dir` (false on a read-only mount).
bool DirectoryWritable(const DirFd& dir);

// "a symbolic link", "a FIFO", "a directory", ... "a regular file": for messages.
const char* KindOf(mode_t mode);

// The refusal for a link (or other non-regular thing) where we expect a file or folder.
Status LinkRefused(const std::string& path);

// Opens `name` in `dir` for reading without following a link and without blocking (a FIFO
// would otherwise wait for a writer for ever), and checks it is a regular file.
// Errors: kStorage when it cannot be opened (EACCES, ...) with `missing_kind` used for ENOENT,
// `bad_kind` for a link or anything but a regular file.
Result<UniqueFd> OpenRegularFileAt(const DirFd& dir, const std::string& name,
                                   ErrorKind missing_kind, ErrorKind bad_kind);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_DIR_FD_H_
