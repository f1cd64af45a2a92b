// What the binlog archive holds, read from its sidecars (not from the files themselves): per
// server folder under <backup_dir>/binlog/, the complete files in order, the partial copy of
// the active file, and the recorded gaps. The restore plans with this, then decodes the files
// it picked (which also checks them).
#ifndef MYSQL_BACKUP_BINLOG_REPLAY_INDEX_H_
#define MYSQL_BACKUP_BINLOG_REPLAY_INDEX_H_

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_reader.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

struct IndexedBinlog {
  std::string name;  // "mysql-bin.000012"
  uint64_t number = 0;
  bool partial = false;  // the copy in partial/: the active file as of the last archive run
  uint64_t size = 0;
  std::time_t first_time = 0;  // first and last event time; 0 when the file has no event
  std::time_t last_time = 0;
  std::string last_gtid;  // "" when none
  std::vector<Gtid> state_start;  // the GTID state before and after the file
  std::vector<Gtid> state_end;
  std::string next_file;  // "" for the partial copy
};

struct IndexedGap {
  std::string missing_from;
  std::string missing_to;
  std::string resumes_at;
  std::string reason;
};

struct BinlogIndex {
  std::string server;  // the folder name: the server_id
  std::string path;    // <backup_dir>/binlog/<server_id>
  std::vector<IndexedBinlog> files;  // complete, by number
  std::optional<IndexedBinlog> partial;
  std::vector<IndexedGap> gaps;
};

// "0-1-5,1-2-7" -> GTIDs (malformed items are left out); and back.
std::vector<Gtid> ParseGtidState(const std::string& text);
std::string GtidStateText(const std::vector<Gtid>& state);

// Every server folder under <backup_dir>/binlog (none: an empty list). Errors: kStorage,
// kIntegrity (a sidecar that is not ours).
Result<std::vector<BinlogIndex>> ReadBinlogIndexes(const DirFd& backup_dir);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_REPLAY_INDEX_H_
