// Splits one dump stream into what a parallel restore can load side by side: a unit per table
// (its DROP, CREATE, ALTER TABLE ... DISABLE/ENABLE KEYS, INSERTs; its LOCK TABLES and UNLOCK
// TABLES are left out, see Classify() in the .cc),
// the session statements every connection must replay (every SET, in dump order), and the rest
// (views, routines, triggers, events), which runs after all tables are loaded, in dump order.
//
// It lexes with its own DumpScanner, so it sees statements exactly where the client would. It
// sits behind the restore guard: what it splits is what the guard let through.
//
// Session state. Every SET of the dump goes to the session stream, and the loader replays that
// stream on each connection up to where the connection's next unit begins, so each unit runs in
// the session state a serial load would have there (sql_mode, character sets,
// FOREIGN_KEY_CHECKS=0, UNIQUE_CHECKS=0, time_zone, and the user variables that save and restore
// them). The post stream gets every SET too, so it is the serial load minus the tables' own
// statements.
//
// Order. Units may run in any order against each other, which holds for mysqldump's tables:
// foreign keys do not matter with FOREIGN_KEY_CHECKS=0, triggers are created after all data (a
// serial load creates a table's triggers after its data too). What the splitter does not know as
// a table's must not be reordered: a "barrier" unit (a sequence, a statement it does not
// recognise, a second unit for the same table) runs alone, after every unit before it and before
// every unit after it.
//
// Statements that could belong to either side (SETs and DROP TABLE between two units) are held
// until the next statement that decides, at most kMaxPendingBytes; beyond that they become a
// barrier. A statement under a DELIMITER other than ';' is written as "DELIMITER x", the
// statement, "DELIMITER ;", so every stream is at ';' between statements; DELIMITER commands of
// the dump are dropped.
#ifndef MYSQL_BACKUP_SQL_DUMP_SPLITTER_H_
#define MYSQL_BACKUP_SQL_DUMP_SPLITTER_H_

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/compressor.h"
#include "sql/dump_scanner.h"
#include "sql/scanned_bytes.h"
#include "util/status.h"

namespace mysql_backup {

// Where the splitter sends the pieces; called in dump order.
class SplitTarget {
 public:
  enum class UnitKind { kTable, kBarrier };
  virtual ~SplitTarget() = default;
  // A unit begins. `session_start`: how many session bytes precede it (the loader replays the
  // session stream up to there before the unit; the unit itself holds the session statements
  // that follow). `table`: the table of a kTable unit.
  virtual Status BeginUnit(UnitKind kind, const std::string& table, uint64_t session_start) = 0;
  virtual Status UnitBytes(std::string_view bytes) = 0;
  // The open unit is complete; `session_end`: how many session bytes were written by then.
  virtual Status EndUnit(uint64_t session_end) = 0;
  virtual Status SessionBytes(std::string_view bytes) = 0;
  virtual Status PostBytes(std::string_view bytes) = 0;
};

class DumpSplitter : public ByteSink, private StatementObserver {
 public:
  static constexpr size_t kMaxPendingBytes = 1 << 20;

  explicit DumpSplitter(SplitTarget* target);
  DumpSplitter(const DumpSplitter&) = delete;
  DumpSplitter& operator=(const DumpSplitter&) = delete;

  Status Write(std::span<const uint8_t> data) override;
  // Ends the stream: closes the open unit, sends what is held to the post stream.
  Status Finish();

  // Table units begun, barriers begun: for diagnostics and tests.
  uint64_t table_units() const { return table_units_; }
  uint64_t barrier_units() const { return barrier_units_; }

 private:
  // Where the statement being scanned goes.
  enum Dest : uint8_t { kNone = 0, kUnit = 1, kSession = 2, kPost = 4 };
  enum class Mode { kHolding, kStreaming, kHoldingWhole };
  struct Piece {
    std::string bytes;  // wrapped for its delimiter
    bool is_set = false;
  };

  void OnHeadReady() override;
  void OnStatementEnd() override;
  void OnClientCommand() override;

  void Emit(uint8_t dests, std::string_view bytes);
  void CloseUnit();
  void BeginUnit(SplitTarget::UnitKind kind, const std::string& table);
  // Sends the held statements into the new unit (their SETs to the post stream as well), or all
  // of them to the post stream.
  void FlushPendingToUnit();
  void FlushPendingToPost();
  // Holds the statement being scanned (a SET or DROP TABLE between units) until the next
  // statement decides where it goes; a SET goes to the session stream at once.
  void Hold(bool is_set);
  void Decide();

  SplitTarget* target_;
  DumpScanner scanner_;
  Status status_;
  Mode mode_ = Mode::kHolding;
  ScannedBytes scanned_;  // bytes of the statement being scanned, not yet sent

  uint8_t dests_ = kNone;  // kStreaming: where the statement's bytes go
  bool wrapped_ = false;   // the statement was opened with "DELIMITER x"
  bool hold_is_set_ = false;

  bool unit_open_ = false;
  SplitTarget::UnitKind unit_kind_ = SplitTarget::UnitKind::kTable;
  std::string unit_table_;
  bool post_mode_ = false;  // the last deciding statement went to the post stream
  std::set<std::string> tables_seen_;

  std::vector<Piece> pending_;
  size_t pending_bytes_ = 0;
  uint64_t pending_session_start_ = 0;
  uint64_t session_bytes_ = 0;

  uint64_t table_units_ = 0;
  uint64_t barrier_units_ = 0;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_DUMP_SPLITTER_H_
