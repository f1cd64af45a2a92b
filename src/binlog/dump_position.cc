#include "binlog/dump_position.h"

#include <cstdint>

#include "binlog/binlog_reader.h"

namespace mysql_backup {

std::optional<BinlogPosition> EarliestPosition(const RunManifest& manifest) {
  std::optional<BinlogPosition> out;
  uint64_t out_number = 0;
  for (const auto& f : manifest.files) {
    if (!f.binlog || f.binlog->file.empty()) continue;
    std::string base;
    uint64_t number = 0;
    if (!SplitBinlogName(f.binlog->file, &base, &number)) continue;
    if (!out || number < out_number ||
        (number == out_number && f.binlog->position < out->position)) {
      out = *f.binlog;
      out_number = number;
    }
  }
  return out;
}

}  // namespace mysql_backup
