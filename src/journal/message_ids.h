// The MESSAGE_ID values of the journal entries that end an event, one per kind of outcome. Each
// has an entry in catalog/mysql-backup.catalog (what happened, what to do), which `journalctl -x`
// shows; monitoring selects on them (`journalctl MESSAGE_ID=...`). Made once with
// `systemd-id128 new`; never change or reuse one.
//
// Fields the catalog texts substitute (besides BACKUP_TYPE and BACKUP_DATABASE, on every entry):
//   backup succeeded/failed: BACKUP_FILE, BACKUP_SIZE, BACKUP_SHA256, BACKUP_DURATION_USEC,
//                            BACKUP_ERROR (failure only: configuration, connection, process, ...)
//   cleanup done:            CLEANUP_DELETED, CLEANUP_FREED_BYTES (bytes), CLEANUP_DRY_RUN (0/1)
//   restore drill:           BACKUP_FILE, BACKUP_ERROR (failure only)
//   unit failure notified:   FAILED_UNIT, FAILED_SERVICE_RESULT, FAILED_EXIT_CODE,
//                            FAILED_EXIT_STATUS, FAILED_INVOCATION_ID
#ifndef MYSQL_BACKUP_JOURNAL_MESSAGE_IDS_H_
#define MYSQL_BACKUP_JOURNAL_MESSAGE_IDS_H_

namespace mysql_backup {

inline constexpr char kMessageBackupSucceeded[] = "fa378c1c83f54c15860a8afdf76edff0";
inline constexpr char kMessageBackupFailed[] = "250ae89039d94e4bbfc435444b39b558";
inline constexpr char kMessageCleanupDone[] = "f58bec5bf95f49a980b7dc9fffa4bad4";
inline constexpr char kMessageRestoreTestPassed[] = "c626363501de4c87a15b636268bd05ce";
inline constexpr char kMessageRestoreTestFailed[] = "07e7a45c915844cd84e26b21617eb577";
inline constexpr char kMessageUnitFailureNotified[] = "7ab84dcf5b2a4fada47b436b126294f8";

// Every id above, for the test that checks each has a catalog entry.
inline constexpr const char* kAllMessageIds[] = {
    kMessageBackupSucceeded,   kMessageBackupFailed,      kMessageCleanupDone,
    kMessageRestoreTestPassed, kMessageRestoreTestFailed, kMessageUnitFailureNotified,
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_JOURNAL_MESSAGE_IDS_H_
