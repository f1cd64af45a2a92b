// Deleting archived binary logs that no kept dump needs (the cleanup's half for the binlog
// archive). The choice is PlanBinlogPrune's; this does the I/O under the archive's lock, in an
// order a kill at any moment cannot turn into a file that looks archived but is not: first
// every doomed sidecar (a file counts as archived only while its sidecar exists), then a fsync
// of the folder, then each .gz.sha256 and last the .gz (so `sha256sum -c *.sha256` never meets
// a checksum without its file). Data left without a sidecar by an interrupted cleanup is not
// archived; the next cleanup removes it.
#ifndef MYSQL_BACKUP_BINLOG_ARCHIVE_PRUNE_H_
#define MYSQL_BACKUP_BINLOG_ARCHIVE_PRUNE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

struct PrunedBinlog {
  std::string path;   // the .gz
  uint64_t size = 0;  // of the .gz
  bool archived = true;  // false: data without a sidecar, left by an interrupted run
};

struct ArchivePruneReport {
  std::string archive_dir;
  std::vector<std::string> anchors;  // the oldest needed file per series
  std::vector<PrunedBinlog> deleted;  // (dry run: would be deleted)
  std::vector<std::string> notes;    // why something stays, sentences for the log
  std::vector<Status> errors;        // deletions that failed (the rest went on)
  // Entries that are not ours (binlog/archive_index.h `problems`): left alone, for the log.
  std::vector<Status> warnings;
};

// For every server folder under <backup_dir>/binlog: deletes (with `dry_run`, only lists) the
// archived binlogs before the oldest of `needed` (the files of every kept dump's binlog
// position). A folder whose --archive-binlogs run holds its lock is left alone (a note says
// so); a dry run takes no lock. Only regular files under our names are deleted: a link, FIFO
// or folder there, or a sidecar that is not ours, is left alone with a warning (and the
// file it belongs to with it). Empty when there is no archive. Errors: kStorage when the
// archive cannot be read.
Result<std::vector<ArchivePruneReport>> PruneBinlogArchive(const std::string& backup_dir,
                                                           const std::vector<std::string>& needed,
                                                           bool dry_run);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_ARCHIVE_PRUNE_H_
