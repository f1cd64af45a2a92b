// The layout of backup_dir, and listing what is in it:
//   <backup_dir>/<type>/<name>.sql.gz + <name>.sql.gz.sha256   finished backups
//   <backup_dir>/.tmp/                                           work in progress (never a backup)
//   <backup_dir>/.lock                                           held by the run that writes
// backup_dir is opened once (BackupDirectory) and everything below it is reached relative to
// that descriptor without following links: the service user owns the folder, and a link it
// planted there must not turn a run by root against files elsewhere. A link (or a non-folder)
// where `.tmp` or a type folder belongs stops the run with kStorage (74) saying so.
#ifndef MYSQL_BACKUP_STORAGE_BACKUP_DIR_H_
#define MYSQL_BACKUP_STORAGE_BACKUP_DIR_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "storage/backup_name.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr mode_t kDirMode = 0750;
inline constexpr mode_t kFileMode = 0640;
inline constexpr char kWorkFolderName[] = ".tmp";
inline constexpr char kLockFileName[] = ".lock";

std::string TypeDirectory(const std::string& backup_dir, BackupType type);
std::string WorkDirectory(const std::string& backup_dir);
std::string LockPath(const std::string& backup_dir);

struct BackupFile {
  BackupName name;
  std::string file_name;      // base name, in the type folder name.type
  std::string path;           // absolute when backup_dir is
  std::string checksum_path;  // path + ".sha256"
  uint64_t size = 0;
  bool has_checksum = false;  // something (not necessarily a good file) is at checksum_path
};

// A .sha256 whose backup is gone.
struct OrphanChecksum {
  BackupType type = BackupType::kDaily;
  std::string file_name;
  std::string path;
};

class BackupDirectory {
 public:
  // Opens backup_dir (a link there is followed: root configured it). It is not created: a
  // missing backup_dir is often an unmounted disk, and writing into the mount point would fill
  // '/'. Writability is not required here (see RequireWritable). Errors: kStorage.
  static Result<BackupDirectory> Open(const std::string& backup_dir);

  const std::string& path() const { return root_.path; }
  const DirFd& root() const { return root_; }
  // Whether this process may create files in backup_dir (false on a read-only mount).
  bool writable() const { return DirectoryWritable(root_); }
  // kStorage naming backup_dir unless writable().
  Status RequireWritable() const;

  // The type folder or .tmp, opened once without following links. nullptr when it does not
  // exist and `create` is false. Errors: kStorage for a link or non-folder in its place.
  Result<const DirFd*> TypeFolder(BackupType type, bool create = false);
  Result<const DirFd*> WorkFolder(bool create = false);

  // The backups (regular files whose names parse, in the folder of their type; links, FIFOs and
  // the like are not backups) of every type, newest first by the stamp in the name. Missing
  // folders are empty.
  Result<std::vector<BackupFile>> ListBackups();
  // Checksum files (of any database) whose backup is gone.
  Result<std::vector<OrphanChecksum>> ListOrphanChecksums();
  // Removes the debris of dead runs from .tmp/: only files named as AtomicFile names its temp
  // files (call with the lock held exclusively: then none of them is live). Anything else there
  // is left alone; no link is followed. Returns the names removed.
  Result<std::vector<std::string>> ClearWorkFolder();

 private:
  explicit BackupDirectory(DirFd root) : root_(std::move(root)) {}
  Result<const DirFd*> Folder(const std::string& name, bool create);

  DirFd root_;
  std::map<std::string, DirFd> folders_;  // opened so far, by name; nodes survive a move
};

// The backups in `backup_dir`, as BackupDirectory::ListBackups.
Result<std::vector<BackupFile>> ListBackups(const std::string& backup_dir);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_BACKUP_DIR_H_
