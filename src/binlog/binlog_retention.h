// Which archived binary logs a cleanup deletes, as a pure function (no I/O, no clock), so the
// rule is a table-driven unit test: a file goes only when it lies entirely before the oldest
// binlog position that a kept dump records, i.e. its number is below that position's file.
// The file a kept dump starts in, and everything after it, stays.
#ifndef MYSQL_BACKUP_BINLOG_BINLOG_RETENTION_H_
#define MYSQL_BACKUP_BINLOG_BINLOG_RETENTION_H_

#include <string>
#include <vector>

namespace mysql_backup {

struct BinlogPrunePlan {
  // Per series (base name) that has a kept position: the oldest needed file.
  std::vector<std::string> anchors;
  // Binlog names to delete, oldest first.
  std::vector<std::string> to_delete;
  // Why files of the archive stay although nothing newer needs them, for the user (empty when
  // the plan deletes everything it could).
  std::vector<std::string> kept_because;
};

// `archived`: the names with a sidecar; `unpublished`: names with data but no sidecar (debris
// of an interrupted run or cleanup); `needed`: the binlog files of every kept dump's recorded
// position (any order, duplicates allowed). Nothing is deleted of a series no kept position
// belongs to, nor anything when `needed` is empty; the newest archived file of a series is
// never deleted (the archiver continues the chain from its sidecar).
BinlogPrunePlan PlanBinlogPrune(const std::vector<std::string>& archived,
                                const std::vector<std::string>& unpublished,
                                const std::vector<std::string>& needed);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_BINLOG_RETENTION_H_
