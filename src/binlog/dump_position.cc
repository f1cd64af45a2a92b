#include "binlog/dump_position.h"

#include "binlog/binlog_reader.h"

namespace mysql_backup {

ReplayStart ReplayStartOf(const RunManifest& manifest) {
  ReplayStart out;
  std::string series;
  std::pair<uint64_t, uint64_t> first_order;
  bool any = false;
  auto refuse = [&](std::string why) {
    out.why_not = std::move(why);
    out.position.reset();
    out.later.clear();
    return out;
  };
  for (const auto& f : manifest.files) {
    if (f.kind != BackupKind::kDatabase) continue;
    any = true;
    if (f.binlog) out.partly_recorded = true;
  }
  if (!any) return refuse("it holds no database");
  for (const auto& f : manifest.files) {
    if (f.kind != BackupKind::kDatabase) continue;
    if (!f.binlog) {
      return refuse("'" + f.name + "' has no binlog position" +
                    (manifest.binlog_note.empty() ? std::string() : ": " + manifest.binlog_note));
    }
    std::string base;
    uint64_t number = 0;
    if (!SplitBinlogName(f.binlog->file, &base, &number)) {
      return refuse("'" + f.name + "' records the binlog position '" + f.binlog->file +
                    "', which is not a binlog name");
    }
    if (!series.empty() && base != series) {
      return refuse("its files record positions in two binlog series, '" + series + "' and '" +
                    base + "' (log_bin changed during the run?)");
    }
    series = base;
    std::pair<uint64_t, uint64_t> order{number, f.binlog->position};
    if (!out.position || order < first_order) {
      out.position = *f.binlog;
      first_order = order;
    }
  }
  for (const auto& f : manifest.files) {
    if (f.kind != BackupKind::kDatabase) continue;
    if (f.binlog->file == out.position->file && f.binlog->position == out.position->position) {
      continue;
    }
    out.later[f.database] = {f.binlog->file, f.binlog->position};
  }
  out.partly_recorded = false;
  return out;
}

}  // namespace mysql_backup
