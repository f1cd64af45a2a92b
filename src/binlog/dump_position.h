// Where a run's dumps meet the binary log: the earliest of the positions its manifest records
// (with parallel dumps each file has its own). Rolling the run forward starts there, so the
// archive must hold that file and everything after it.
#ifndef MYSQL_BACKUP_BINLOG_DUMP_POSITION_H_
#define MYSQL_BACKUP_BINLOG_DUMP_POSITION_H_

#include <optional>

#include "storage/manifest.h"

namespace mysql_backup {

// The earliest position (by file number, then offset) among the files of `manifest`; nullopt
// when none records one.
std::optional<BinlogPosition> EarliestPosition(const RunManifest& manifest);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_DUMP_POSITION_H_
