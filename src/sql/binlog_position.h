// The binary-log position a dump is consistent with, read from the dump text itself, where
// `--master-data=2 --gtid` (MariaDB) or `--source-data=2` (MySQL) writes it as comments:
//   -- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000042', MASTER_LOG_POS=1234;   (header)
//   -- SET GLOBAL gtid_slave_pos='0-1-99';                                          (end)
//   -- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=157;
// A tap on the plain dump stream: it looks only at the first bytes of each line, so a 500 MB
// INSERT costs one memchr. The file and position are taken from the first such line (the
// header comes before any table, so no routine body can fake it); the GTID from the last one
// (it is written after every routine body).
#ifndef MYSQL_BACKUP_SQL_BINLOG_POSITION_H_
#define MYSQL_BACKUP_SQL_BINLOG_POSITION_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "codec/compressor.h"
#include "storage/manifest.h"

namespace mysql_backup {

class BinlogPositionTap : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override;
  // The position seen, if any line named one.
  std::optional<BinlogPosition> position() const;

  // One line (without its newline), for tests and for Write().
  void Line(std::string_view line);

 private:
  static constexpr size_t kMaxLine = 512;
  std::string line_;       // the start of the current line, at most kMaxLine bytes
  bool line_full_ = false;
  bool have_file_ = false;
  BinlogPosition position_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_BINLOG_POSITION_H_
