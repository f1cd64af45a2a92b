// The one place that knows how the files of a run are named (UTC stamps, .sql.zst for zstd):
//   <database>-<type>-<YYYYmmddTHHMMSSZ>.sql.gz            one database
//   accounts-<type>-<YYYYmmddTHHMMSSZ>.accounts.sql.gz     the server's accounts and grants
//   manifest-<type>-<YYYYmmddTHHMMSSZ>.json                what the run did (storage/manifest.h)
// An encrypted backup (age, [encryption] recipients) adds ".age": "...sql.gz.age"; the rest of
// the name is the same, so listing, cleanup and retention treat it like any other backup.
// All files of one run share its stamp. A database name is written as it is unless a byte would
// make an unsafe or ambiguous file name: '%', '/', control characters and a leading '.' become
// %XX (upper-case hex), so no name can leave its type folder, hide itself, or decode two ways.
// The accounts file can never clash with a database: after a database's stamp comes
// ".sql.gz", never ".accounts".
// Format and parse are exact inverses; cleanup and listing only ever touch files that parse.
#ifndef MYSQL_BACKUP_STORAGE_BACKUP_NAME_H_
#define MYSQL_BACKUP_STORAGE_BACKUP_NAME_H_

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace mysql_backup {

enum class BackupType { kDaily, kWeekly, kMonthly };
inline constexpr BackupType kAllBackupTypes[] = {BackupType::kDaily, BackupType::kWeekly,
                                                 BackupType::kMonthly};

std::string_view BackupTypeName(BackupType type);  // "daily"
std::optional<BackupType> ParseBackupType(std::string_view name);

// What a backup file holds.
enum class BackupKind { kDatabase, kAccounts };

struct BackupName {
  std::string database;  // decoded; empty for kAccounts
  BackupType type = BackupType::kDaily;
  std::time_t created = 0;  // UTC seconds
  Compression compression = Compression::kGzip;
  BackupKind kind = BackupKind::kDatabase;
  bool encrypted = false;  // ".age" after the compression suffix
};

// "shop-daily-20261127T000003Z.sql.gz", "accounts-daily-20261127T000003Z.accounts.sql.gz"
std::string BackupFileName(const BackupName& name);
// Nullopt for anything that is not exactly one of our names (a manifest is not a backup).
std::optional<BackupName> ParseBackupFileName(std::string_view file_name);

// A database name as it appears in file names, and back. Decoding accepts only what encoding
// produces (canonical %XX), so two different files never mean the same database.
std::string EncodeDatabaseName(std::string_view database);
std::optional<std::string> DecodeDatabaseName(std::string_view encoded);

// "manifest-daily-20261127T000003Z.json" and back.
std::string ManifestFileName(BackupType type, std::time_t created);
struct ManifestName {
  BackupType type = BackupType::kDaily;
  std::time_t created = 0;
};
std::optional<ManifestName> ParseManifestFileName(std::string_view file_name);

inline constexpr char kChecksumSuffix[] = ".sha256";
inline constexpr char kEncryptedSuffix[] = ".age";
std::string_view CompressionSuffix(Compression compression);  // ".sql.gz"

// "20261127T000003Z" and back; nullopt for anything else.
std::string FormatUtcStamp(std::time_t t);
std::optional<std::time_t> ParseUtcStamp(std::string_view stamp);
// "2026-11-27T00:00:03Z", for JSON and messages.
std::string FormatIsoUtc(std::time_t t);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_BACKUP_NAME_H_
