// Walking a binary log (v4 format, as MySQL and MariaDB write it) far enough to know whether a
// copy is whole: the 4-byte magic, then events of a 19-byte common header (timestamp, type,
// server id, event length, next position, flags) and a body. The FORMAT_DESCRIPTION event says
// whether each event ends in a CRC32 footer; when it does, every footer is checked. ROTATE names
// the next file, STOP ends a server's log; MariaDB's GTID and GTID_LIST events give the chain's
// global transaction ids. Nothing is applied or decoded beyond that.
//
// A copy taken with `mariadb-binlog --raw` of the active file looks closed (the in-use flag is
// cleared), so the only proof that a file is complete is its last event: a Rotate (to the
// successor) or a Stop.
#ifndef MYSQL_BACKUP_BINLOG_BINLOG_READER_H_
#define MYSQL_BACKUP_BINLOG_BINLOG_READER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "codec/compressor.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr uint8_t kBinlogMagic[4] = {0xfe, 'b', 'i', 'n'};

// The event types we look at (MariaDB's numbering for the GTID events).
enum BinlogEventType : uint8_t {
  kStopEvent = 3,
  kRotateEvent = 4,
  kFormatDescriptionEvent = 15,
  kGtidEvent = 162,
  kGtidListEvent = 163,
};

// One event as the reader walked it, for an observer (see BinlogReader::set_observer).
struct BinlogEventView {
  uint64_t offset = 0;  // of the event's first byte in the file
  uint64_t end = 0;     // the offset just past it (its next position)
  uint8_t type = 0;
  uint32_t time = 0;
  uint32_t server_id = 0;
  std::span<const uint8_t> body;  // after the 19-byte header, without the CRC32 footer
};

struct Gtid {
  uint32_t domain = 0;
  uint32_t server = 0;
  uint64_t seq = 0;
  std::string ToString() const;  // "0-1-1234"
  bool operator==(const Gtid&) const = default;
};

// What a walk over one file found.
struct BinlogSummary {
  uint64_t size = 0;
  uint64_t events = 0;
  uint32_t server_id = 0;    // of the FORMAT_DESCRIPTION event
  bool checksums = false;    // CRC32 footers were present (and all matched)
  uint32_t first_time = 0;   // the first and last non-zero event timestamps (Unix seconds)
  uint32_t last_time = 0;
  std::vector<Gtid> gtid_list;  // the GTID_LIST at the start: the state before this file
  bool has_gtids = false;
  Gtid first_gtid;  // the first and last GTID events (valid when has_gtids)
  Gtid last_gtid;
  // The GTID state after this file: gtid_list updated by each GTID event, per domain.
  std::vector<Gtid> end_state;
  std::string next_file;  // from a final Rotate; empty when the file does not end in one
  bool stopped = false;   // ends in a Stop event
  bool complete() const { return !next_file.empty() || stopped; }
};

// Reads a binlog given in pieces of any size (it is a ByteSink, so a decompressor can feed it).
// Write() fails with kIntegrity on a bad magic, an impossible event length or a CRC mismatch,
// naming the byte offset; Finish() fails with kIntegrity when the data stops inside an event.
class BinlogReader : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override;
  Result<BinlogSummary> Finish();
  // Called for every event (artificial ones excepted) after its checksum matched; an error
  // stops the walk and is returned by Write().
  void set_observer(std::function<Status(const BinlogEventView&)> observer) {
    observer_ = std::move(observer);
  }

 private:
  std::function<Status(const BinlogEventView&)> observer_;
  Status Event(std::span<const uint8_t> event, uint64_t offset);
  std::vector<uint8_t> pending_;
  uint64_t offset_ = 0;   // of pending_[0] in the file
  bool magic_seen_ = false;
  bool checksum_known_ = false;
  Status error_;
  BinlogSummary s_;
  uint8_t last_type_ = 0;
};

// The whole file in memory (tests, small files).
Result<BinlogSummary> ReadBinlog(std::span<const uint8_t> bytes);

// Whether `b` follows on from `a`: `a` rotated to `b_name` (or ended in a Stop and `b_name` is
// the next number: the server restarted), and the GTID state at the end of `a` is `b`'s
// GTID_LIST for every domain `a` knew. On a mismatch the message says what differs.
Status CheckFollowsOn(const std::string& a_name, const BinlogSummary& a, const std::string& b_name,
                      const BinlogSummary& b);

// "mysql-bin.000012" -> 12 and "mysql-bin"; false when the name has no numeric extension.
bool SplitBinlogName(const std::string& name, std::string* base, uint64_t* number);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_BINLOG_READER_H_
