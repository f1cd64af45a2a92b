// What the binlog archive holds, read from its sidecars (not from the files themselves): per
// server folder under <backup_dir>/binlog/, the complete files in order, the partial copy of
// the active file, and the recorded gaps. The restore plans with this, then decodes the files
// it picked (which also checks them). A plain copy of binlog/archive_index.h's view, without
// the open folders, so the planner stays pure.
#ifndef MYSQL_BACKUP_BINLOG_REPLAY_INDEX_H_
#define MYSQL_BACKUP_BINLOG_REPLAY_INDEX_H_

#include <optional>
#include <string>
#include <vector>

#include "binlog/archive_sidecar.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

struct BinlogIndex {
  std::string server;  // the folder name: the server_id
  std::string path;    // <backup_dir>/binlog/<server_id>
  std::vector<ArchivedBinlog> files;  // complete, by number
  std::optional<ArchivedBinlog> partial;
  std::vector<RecordedGap> gaps;
};

// Every server folder under <backup_dir>/binlog (none: an empty list). Errors: kStorage,
// kIntegrity when a folder holds an entry that is not ours (ServerArchive::problems).
Result<std::vector<BinlogIndex>> ReadBinlogIndexes(const DirFd& backup_dir);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_REPLAY_INDEX_H_
