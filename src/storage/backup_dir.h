// The layout of backup_dir, and listing what is in it:
//   <backup_dir>/<type>/<name>.sql.gz + <name>.sql.gz.sha256   finished backups
//   <backup_dir>/.tmp/                                           work in progress (never a backup)
//   <backup_dir>/.lock                                           held by the run that writes
#ifndef MYSQL_BACKUP_STORAGE_BACKUP_DIR_H_
#define MYSQL_BACKUP_STORAGE_BACKUP_DIR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "storage/backup_name.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr mode_t kDirMode = 0750;
inline constexpr mode_t kFileMode = 0640;

std::string TypeDirectory(const std::string& backup_dir, BackupType type);
std::string WorkDirectory(const std::string& backup_dir);
std::string LockPath(const std::string& backup_dir);

struct BackupFile {
  BackupName name;
  std::string path;           // absolute when backup_dir is
  std::string checksum_path;  // path + ".sha256"
  uint64_t size = 0;
  bool has_checksum = false;
};

// The backups found in every type folder (only names that parse; a file in the wrong type
// folder is ignored), newest first by the stamp in the name. Missing folders are empty.
Result<std::vector<BackupFile>> ListBackups(const std::string& backup_dir);

// Checksum files whose backup is gone.
Result<std::vector<std::string>> ListOrphanChecksums(const std::string& backup_dir);

// Checks that backup_dir exists and is a writable folder. It is not created: a missing
// backup_dir is often an unmounted disk, and writing into the mount point would fill '/'.
Status CheckBackupDirectory(const std::string& backup_dir);

// Removes everything under .tmp/ (call with the lock held: then it is all debris of dead runs).
// Returns the names removed.
Result<std::vector<std::string>> ClearWorkDirectory(const std::string& backup_dir);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_BACKUP_DIR_H_
