// The binlog archive: every binary log of a server, copied as it completes, under
// <backup_dir>/binlog/<server_id>/:
//
//   mysql-bin.000012.gz          the file, gzip-compressed, exactly the server's bytes
//   mysql-bin.000012.gz.sha256   sha256sum format, over the compressed bytes
//   mysql-bin.000012.json        the sidecar: size, first/last event time and GTID, the GTID
//                                state before and after, the next file's name; written last,
//                                so a file counts as archived only once its sidecar exists
//   partial/mysql-bin.000013.gz  (+ .json) the active file as of the last run: a recovery point
//                                younger than the rotation, never listed as complete
//   gaps.json                    every gap found, so later runs keep saying so
//
// A file is published only when it is complete (its last event is a Rotate to its successor,
// or a Stop), its size is the one SHOW BINARY LOGS gives, and it follows on from the previous
// archived file (rotate name, GTID state). Everything is written as backups are (AtomicFile in
// <backup_dir>/.tmp, no links followed), so a run killed at any point leaves either the old
// state or the new one visible.
#ifndef MYSQL_BACKUP_BINLOG_ARCHIVE_H_
#define MYSQL_BACKUP_BINLOG_ARCHIVE_H_

#include <atomic>
#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr char kBinlogFolderName[] = "binlog";
inline constexpr char kPartialFolderName[] = "partial";
inline constexpr char kGapsFileName[] = "gaps.json";

struct ArchiveRunReport {
  unsigned long server_id = 0;
  std::string archive_dir;             // <backup_dir>/binlog/<server_id>
  std::vector<std::string> published;  // complete files archived by this run
  std::string partial;                 // the active file copied to partial/ (empty: none)
  std::vector<std::string> known_gaps;  // gaps recorded by earlier runs, as sentences
  // Ok, or kGap naming the missing range (the run still archived what follows the gap).
  Status gap;
};

// Archives the binary logs of the server `conn` reaches into `backup_dir`. `anchor_file` is the
// binlog file of the newest dump's recorded position (empty: no dump records one): a new, empty
// archive must start at that file or earlier, so when the server no longer has it the first run
// records and reports a gap. Errors: kConnection, kProcess (mariadb-binlog failed), kStorage,
// kIntegrity (a fetched file is corrupt), kGap only when nothing could be archived; otherwise a
// gap is reported in `gap`.
Result<ArchiveRunReport> ArchiveBinlogs(const ConnectionConfig& conn, const std::string& backup_dir,
                                        const std::string& anchor_file,
                                        const std::atomic<bool>* cancel);

// Re-checks every archived file under <backup_dir>/binlog: checksum, gzip stream, binlog
// events and CRC32s, completeness, and that each file follows on from the one before (a
// recorded gap excepted). Returns one problem per bad file and per entry that is not ours (a
// link, FIFO, folder or foreign sidecar under a binlog name); an empty list when all is well or
// there is no archive. `checked` gets the path of each file looked at (for an entry that is not
// ours, its folder). Errors: kStorage when the folders cannot be read.
Result<std::vector<Status>> VerifyBinlogArchive(const std::string& backup_dir,
                                                std::vector<std::string>* checked);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_ARCHIVE_H_
