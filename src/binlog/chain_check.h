// The restore drill's look at the binlog archive: can the newest dump be rolled forward? From
// the file of the dump's recorded position to the newest archived file, every file must be
// there, match its .sha256, decode with every CRC32 right, and follow on from the one before
// (rotate name, GTID state). Nothing is replayed. The partial copy of the active file is not
// part of the chain checked here: the archiver rewrites it every run, without a lock that a
// reader could take.
#ifndef MYSQL_BACKUP_BINLOG_CHAIN_CHECK_H_
#define MYSQL_BACKUP_BINLOG_CHAIN_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

struct ChainCheckReport {
  std::string archive_dir;
  std::vector<std::string> checked;  // binlog names, in chain order
  // The archive holds nothing at or after the dump's file yet (the dump is newer than the last
  // rotation the archiver saw): there is no chain to check.
  bool nothing_after_dump = false;
};

// Checks the chain from `from_file` (position `from_position` in it) to the newest archived
// file of its series under <backup_dir>/binlog. Errors, naming the file: kGap when a file is
// missing (purged before it was archived, the archive starts after the dump, a recorded gap
// lies in the chain) or does not follow on; kIntegrity when a file is corrupt or the position
// lies beyond its file's end; kStorage when the archive cannot be read.
Result<ChainCheckReport> CheckBinlogChain(const std::string& backup_dir,
                                          const std::string& from_file, uint64_t from_position);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_CHAIN_CHECK_H_
