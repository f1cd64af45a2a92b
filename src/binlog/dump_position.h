// Where a run's dumps meet the binary log, so where rolling the run forward starts. A run dumps
// its databases one after the other, each at its own binlog position (in the manifest): the
// replay starts at the earliest, exactly there, and a database dumped later must not get a
// transaction from before its own position a second time (ReplayCutter::set_later_dumps).
// One rule for every user: the point-in-time restore, the drill's chain check, cleanup (which
// archived binlogs a kept run needs) and the archiver's anchor.
#ifndef MYSQL_BACKUP_BINLOG_DUMP_POSITION_H_
#define MYSQL_BACKUP_BINLOG_DUMP_POSITION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "storage/manifest.h"

namespace mysql_backup {

struct ReplayStart {
  // The earliest position of the run's database files; nullopt when the run cannot be rolled
  // forward, and then `why_not` says why (a sentence fragment: "'x.sql.gz' has no binlog
  // position").
  std::optional<BinlogPosition> position;
  std::string why_not;
  // Some database file records a position although the run is not usable (others lack one,
  // a name is malformed, two series): the manifest is not what a run writes, so a caller that
  // deletes by it should keep everything instead.
  bool partly_recorded = false;
  // Databases dumped at a later position than `position`: database -> (file, byte offset).
  std::map<std::string, std::pair<std::string, uint64_t>> later;
};

// Every database file of `manifest` must record a position, with a binlog name of one series
// ("mysql-bin.000012"); files of other kinds (the accounts) record none and do not count. A
// run without a database file has no start. The earliest is by file number, then offset.
ReplayStart ReplayStartOf(const RunManifest& manifest);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_DUMP_POSITION_H_
