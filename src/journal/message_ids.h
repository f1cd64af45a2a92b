// MESSAGE_IDs of the catalogued journal events (made once with `systemd-id128 new`).
// catalog/mysql-backup.catalog explains each; keep the two in step.
#ifndef MYSQL_BACKUP_JOURNAL_MESSAGE_IDS_H_
#define MYSQL_BACKUP_JOURNAL_MESSAGE_IDS_H_

namespace mysql_backup {

inline constexpr char kMessageBackupSucceeded[] = "5c1e0b3a2f6d4e8b9a7c1d2e3f405162";
inline constexpr char kMessageBackupFailed[] = "a3d94f1c7b2e4c5d8e6f7a8b9c0d1e2f";
inline constexpr char kMessageCleanupDone[] = "7e2b5d8c1a3f4b6e9d0c2a4b6d8e0f13";
inline constexpr char kMessageRestoreTestPassed[] = "1f3e5d7c9b2a4c6e8f0d2b4a6c8e0a24";
inline constexpr char kMessageRestoreTestFailed[] = "c4b2a19e8d7f4e3c2b1a0f9e8d7c6b35";
inline constexpr char kMessageUnitFailureNotified[] = "9d8c7b6a5f4e4d3c2b1a0e9f8d7c6b46";

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_JOURNAL_MESSAGE_IDS_H_
