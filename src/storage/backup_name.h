// The one place that knows how a backup is named:
//   <database>-<type>-<YYYYmmddTHHMMSSZ>.sql.gz   (or .sql.zst), UTC.
// BackupFileName() and ParseBackupFileName() are exact inverses; cleanup and listing only ever
// touch files that parse.
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

struct BackupName {
  std::string database;
  BackupType type = BackupType::kDaily;
  std::time_t created = 0;  // UTC seconds
  Compression compression = Compression::kGzip;
};

// "shop-daily-20261127T000003Z.sql.gz"
std::string BackupFileName(const BackupName& name);
// Nullopt for anything that is not exactly one of our names.
std::optional<BackupName> ParseBackupFileName(std::string_view file_name);

inline constexpr char kChecksumSuffix[] = ".sha256";
std::string_view CompressionSuffix(Compression compression);  // ".sql.gz"

// "20261127T000003Z" and back; nullopt for anything else.
std::string FormatUtcStamp(std::time_t t);
std::optional<std::time_t> ParseUtcStamp(std::string_view stamp);
// "2026-11-27T00:00:03Z", for JSON and messages.
std::string FormatIsoUtc(std::time_t t);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_STORAGE_BACKUP_NAME_H_
