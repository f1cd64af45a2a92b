// The manifest of one run: a JSON file next to the run's backups
// (<type>/manifest-<type>-<stamp>.json, with its own .sha256), written atomically after every
// backup of the run is verified. It says what the run was asked for, what it got, and what each
// file holds, so that the restore drill can compare row counts and a whole-server restore knows
// which files belong together. Format and parse are inverses; format_version 1 is documented in
// mysql-backup(8) under FILES.
#ifndef MYSQL_BACKUP_STORAGE_MANIFEST_H_
#define MYSQL_BACKUP_STORAGE_MANIFEST_H_

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/backup_name.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr int kManifestFormatVersion = 1;

// Where a dump is consistent with the server's binary log (mysqldump --master-data=2 --gtid).
struct BinlogPosition {
  std::string file;  // "mysql-bin.000042"
  uint64_t position = 0;
  std::string gtid;  // "0-1-1234"; empty when the server has none
  bool operator==(const BinlogPosition&) const = default;
};

struct ManifestFile {
  std::string name;  // file name in the type folder
  BackupKind kind = BackupKind::kDatabase;
  std::string database;  // empty for kAccounts
  uint64_t size = 0;
  std::string sha256;
  // Row tuples the dump stream inserts, per table (tables without rows are listed with 0).
  std::map<std::string, uint64_t> table_rows;
  std::optional<BinlogPosition> binlog;
  // An age-encrypted file (.age). Written only when true; absent on read means false, so older
  // manifests of format_version 1 read as before.
  bool encrypted = false;
  std::vector<std::string> recipients;  // the age1... public keys it is encrypted to
  // SHA-256 of the compressed stream before encryption: what `age -d` gives back, so
  // `age -d -i KEY FILE | sha256sum` can be compared with it. `sha256` is of the stored bytes.
  std::string plain_sha256;
  bool operator==(const ManifestFile&) const = default;
};

struct FailedDatabase {
  std::string database;
  std::string error;
  bool operator==(const FailedDatabase&) const = default;
};

struct RunManifest {
  int format_version = kManifestFormatVersion;
  std::string tool_version;
  std::string host;
  std::string server_flavour;  // "MariaDB" or "MySQL"
  std::string server_version;  // as the server reports it
  BackupType type = BackupType::kDaily;
  std::time_t stamp = 0;  // the stamp every file of the run carries
  std::time_t started = 0;
  std::time_t finished = 0;
  std::string mysqldump_options;
  std::string selection;  // "*" or the configured list, as written
  std::vector<std::string> expected;  // must have a verified file, or the run failed
  std::vector<std::string> dumped;    // have a verified file
  std::vector<std::string> vanished;  // listed at the start, gone by their turn (only under *)
  std::vector<std::string> added;     // not in the previous run of this type
  std::vector<FailedDatabase> failed;
  // Why no binlog position was recorded, when binary logging is on but it could not be.
  std::string binlog_note;
  std::vector<ManifestFile> files;
  bool operator==(const RunManifest&) const = default;
};

// Pretty-printed JSON, ending in a newline.
std::string ManifestToJson(const RunManifest& manifest);
// Errors: kIntegrity naming what is missing or malformed. Unknown members are ignored (a newer
// version may add some); a newer format_version is refused.
Result<RunManifest> ParseManifest(std::string_view json);

// The entry for `database` (kDatabase), or nullptr.
const ManifestFile* FindDatabaseFile(const RunManifest& manifest, std::string_view database);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_MANIFEST_H_
