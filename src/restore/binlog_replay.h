// Replays binlog files into a server in one client session:
//   mariadb-binlog --no-defaults --start-position=START [--stop-position=STOP] FILE...
//     | mariadb --defaults-extra-file=/dev/fd/3 --binary-mode --batch
// One session, because a temporary table or a user variable may span files; --binary-mode,
// because row events arrive as BINLOG '...' statements holding any byte. The credentials go on
// a pipe as for every other client run; the files are read through an inherited folder
// descriptor, so no path is resolved again.
#ifndef MYSQL_BACKUP_RESTORE_BINLOG_REPLAY_H_
#define MYSQL_BACKUP_RESTORE_BINLOG_REPLAY_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

struct BinlogReplayRequest {
  const DirFd* dir = nullptr;       // holds the plain files
  std::vector<std::string> files;   // in order
  uint64_t start_position = 0;      // in the first file
  uint64_t stop_position = 0;       // in the last file; 0: to its end
  ConnectionConfig connection;
  const std::atomic<bool>* cancel = nullptr;
};

// Errors: kProcess (mariadb-binlog or the client failed: the client's message says which
// statement, its stderr is in detail()), kConnection.
Status ReplayBinlogs(const BinlogReplayRequest& request);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_RESTORE_BINLOG_REPLAY_H_
