// Reading a run's manifest back from backup_dir: found by type and stamp, checked against its
// own .sha256 before it is believed (a backup folder is writable by the service user, and a
// drill or a whole-server restore acts on what the manifest says).
#ifndef MYSQL_BACKUP_DUMP_MANIFEST_IO_H_
#define MYSQL_BACKUP_DUMP_MANIFEST_IO_H_

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "storage/backup_dir.h"
#include "storage/manifest.h"
#include "util/status.h"

namespace mysql_backup {

// A manifest is a few KiB per database; anything near this is not ours.
inline constexpr size_t kMaxManifestBytes = 64 << 20;

struct ManifestLocation {
  BackupType type = BackupType::kDaily;
  std::time_t stamp = 0;
  std::string name;  // file name in the type folder
  std::string path;  // for messages
};

// Every manifest in the type folders, newest stamp first (daily before weekly before monthly
// for one stamp).
Result<std::vector<ManifestLocation>> ListManifests(BackupDirectory& dir);

// Reads and parses a manifest after checking it against its .sha256. Errors: kIntegrity (no or
// wrong checksum, not a regular file, too large, not a manifest), kStorage (unreadable).
Result<RunManifest> ReadManifest(BackupDirectory& dir, const ManifestLocation& where);
// The same, in the already open type folder.
Result<RunManifest> ReadManifestAt(const DirFd& type_dir, const ManifestLocation& where);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_MANIFEST_IO_H_
