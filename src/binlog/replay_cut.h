// Where a point-in-time replay stops. Fed the events of the binlog files in replay order (from
// the dump's position on), it groups them into transactions (a GTID event to its XID or COMMIT;
// a standalone GTID, DDL, to its one statement) and finds the first transaction that must not
// be applied:
//   kTime: the first whose events carry a timestamp at or after the target (the rule of
//          mariadb-binlog --stop-datetime, kept at transaction boundaries);
//   kGtid: the one after the target GTID;
//   kEnd:  none; a transaction cut off at the end of the last file is not applied.
// Pure: no I/O. The result names the file and byte offset to pass as --stop-position, and the
// last transaction applied (its commit time and GTID), which the restore reports.
#ifndef MYSQL_BACKUP_BINLOG_REPLAY_CUT_H_
#define MYSQL_BACKUP_BINLOG_REPLAY_CUT_H_

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "binlog/binlog_reader.h"
#include "util/status.h"

namespace mysql_backup {

struct ReplayTarget {
  enum class Kind { kTime, kGtid, kEnd };
  Kind kind = Kind::kEnd;
  std::time_t time = 0;  // kTime: Unix seconds
  Gtid gtid;             // kGtid
};

// "0-1-1234" -> Gtid; false when malformed.
bool ParseGtid(const std::string& text, Gtid* out);

struct AppliedTransaction {
  std::string file;
  uint64_t start = 0;  // offset of its first event
  uint64_t end = 0;    // offset past its last event
  bool has_gtid = false;
  Gtid gtid;
  uint32_t time = 0;  // the latest event timestamp in it (its commit)
};

class ReplayCutter {
 public:
  explicit ReplayCutter(const ReplayTarget& target) : target_(target) {}

  // A run dumps its databases one after the other, each at its own binlog position. The
  // replay starts at the earliest; a transaction before a database's own position that writes
  // to it is already in that database's dump and must not run again. Given the positions
  // (database -> file and byte offset) after the start, such a transaction, or one holding a
  // statement (DDL, statement-logged DML: its database is not known) before the last of them,
  // is reported by conflict() instead of being applied twice.
  void set_later_dumps(std::map<std::string, std::pair<std::string, uint64_t>> positions);
  // Why this dump cannot be replayed from one position ("" when it can).
  const std::string& conflict() const { return conflict_; }

  // The next file; in the first one, events before `start` (the dump's position) are not
  // replayed and are only walked over.
  void BeginFile(const std::string& name, uint64_t start);
  // One event of the current file. Errors: kUsage when a --until-gtid target cannot be in the
  // binlog (its domain moved past it without it).
  Status Event(const BinlogEventView& e);
  // After the last file.
  void Finish();

  // The target was found: replay stops at stop_file/stop_position.
  bool reached() const { return reached_; }
  // Where to stop: mariadb-binlog --stop-position on `stop_file` (the last file to replay).
  // Empty stop_file: at the end of the last file (nothing after the last transaction).
  const std::string& stop_file() const { return stop_file_; }
  uint64_t stop_position() const { return stop_position_; }
  const std::optional<AppliedTransaction>& last_applied() const { return last_applied_; }
  uint64_t applied() const { return applied_; }
  // The databases the applied transactions write rows to (their row events' table maps).
  const std::set<std::string>& databases() const { return databases_; }
  // The latest event timestamp seen anywhere (the archive's end, for messages).
  uint32_t last_event_time() const { return last_event_time_; }

 private:
  void Stop(const std::string& file, uint64_t position);
  void Close(uint64_t end);
  ReplayTarget target_;
  std::string file_;
  uint64_t skip_before_ = 0;
  bool in_group_ = false;
  bool standalone_ = false;
  AppliedTransaction group_;
  bool reached_ = false;
  bool finished_ = false;
  std::string stop_file_;
  uint64_t stop_position_ = 0;
  std::optional<AppliedTransaction> last_applied_;
  uint64_t applied_ = 0;
  uint32_t last_event_time_ = 0;
  std::set<std::string> group_databases_;
  bool group_statement_ = false;  // holds a statement other than BEGIN/COMMIT/ROLLBACK
  uint64_t file_number_ = 0;
  std::map<std::string, std::pair<uint64_t, uint64_t>> later_;  // database -> (file no, offset)
  std::pair<uint64_t, uint64_t> latest_{0, 0};
  std::string conflict_;
  std::set<std::string> databases_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_REPLAY_CUT_H_
