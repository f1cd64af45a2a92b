// The transactions of a binlog as a person reads them when looking for "the moment before the
// bad statement": one entry per transaction with its commit time, GTID, where it starts, and
// what it did (the tables its row events change, or its statement). Fed events like the
// ReplayCutter (and grouped the same way: a GTID event to its XID or COMMIT, a standalone GTID
// to its one statement). Pure: no I/O.
#ifndef MYSQL_BACKUP_BINLOG_TRANSACTION_LIST_H_
#define MYSQL_BACKUP_BINLOG_TRANSACTION_LIST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "binlog/binlog_reader.h"

namespace mysql_backup {

struct ListedTransaction {
  std::string file;
  uint64_t start = 0;
  uint32_t time = 0;  // the latest event timestamp in it
  bool has_gtid = false;
  Gtid gtid;
  // "INSERT `shop`.`t`", "DELETE `shop`.`orders`" (once per table and kind, in order), or the
  // statement, on one line and cut to 200 characters.
  std::vector<std::string> what;
};

class TransactionLister {
 public:
  explicit TransactionLister(std::function<void(const ListedTransaction&)> emit)
      : emit_(std::move(emit)) {}
  void BeginFile(const std::string& name);
  void Event(const BinlogEventView& e);

 private:
  void Add(const std::string& item);
  std::function<void(const ListedTransaction&)> emit_;
  std::string file_;
  bool in_group_ = false;
  bool standalone_ = false;
  ListedTransaction t_;
  std::map<uint64_t, std::string> tables_;  // table id -> `db`.`table`, per file
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_TRANSACTION_LIST_H_
