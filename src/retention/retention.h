// Retention as a pure function: which backups a cleanup deletes. No I/O, no clock, so every
// rule is a table-driven unit test.
#ifndef MYSQL_BACKUP_RETENTION_RETENTION_H_
#define MYSQL_BACKUP_RETENTION_RETENTION_H_

#include <set>
#include <string>
#include <vector>

#include "storage/backup_dir.h"

namespace mysql_backup {

struct RetentionCounts {
  int daily = 7;
  int weekly = 4;
  int monthly = 12;
  int For(BackupType type) const;
};

// For each type, the backups of `database` (of `kind`: the accounts file counts as its own
// series, whatever `database` says) beyond the `counts` newest, newest judged by the
// stamp in the name (never mtime). Other databases' backups are never selected, nor any path
// in `keep` (the backup this run just made). Returned oldest first.
std::vector<BackupFile> SelectForDeletion(const std::vector<BackupFile>& backups,
                                          const std::string& database,
                                          const RetentionCounts& counts,
                                          const std::set<std::string>& keep = {},
                                          BackupKind kind = BackupKind::kDatabase);

// Manifests whose run has no backup left in its type folder, to delete after the backups.
// `manifests` are (type, stamp) pairs; `remaining` the backups that stay.
struct ManifestRef {
  BackupType type = BackupType::kDaily;
  std::time_t created = 0;
  bool operator<(const ManifestRef& o) const {
    return type != o.type ? type < o.type : created < o.created;
  }
};
std::vector<ManifestRef> OrphanManifests(const std::vector<ManifestRef>& manifests,
                                         const std::vector<BackupFile>& remaining);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_RETENTION_RETENTION_H_
