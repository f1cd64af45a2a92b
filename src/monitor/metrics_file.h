// The Prometheus text file for node_exporter's textfile collector. It always holds the whole
// picture: the backups on disk (so a failed run never erases the last success) plus the state
// file's attempts and exit codes. FormatMetrics() is pure; WriteMetricsFile() replaces the file
// atomically (temp file in the same folder, which the collector ignores as it reads only *.prom,
// then rename), so a scrape never sees half a file.
#ifndef MYSQL_BACKUP_MONITOR_METRICS_FILE_H_
#define MYSQL_BACKUP_MONITOR_METRICS_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/binlog_freshness.h"
#include "monitor/state_file.h"
#include "storage/backup_dir.h"
#include "util/status.h"

namespace mysql_backup::monitor {

struct MetricsSnapshot {
  std::string config;     // the config file, label `config`
  std::string database;   // the configured database: label of the state-based series
  std::vector<BackupFile> backups;
  MonitorState state;
  std::optional<uint64_t> backup_dir_free_bytes;  // nullopt: backup_dir could not be read
  std::vector<BinlogArchiveTimes> binlog_archives;  // one per <backup_dir>/binlog/<server_id>
};

// The file's text: # HELP and # TYPE for each family, its samples together.
std::string FormatMetrics(const MetricsSnapshot& snapshot);

// `value` with '\\', '"' and line feeds escaped, for a label value.
std::string EscapeLabelValue(const std::string& value);

// Replaces `path` with `text`, mode 0644 (node_exporter runs as another user and must read it).
// Errors: kStorage naming the path.
Status WriteMetricsFile(const std::string& path, const std::string& text);

}  // namespace mysql_backup::monitor

#endif  // MYSQL_BACKUP_MONITOR_METRICS_FILE_H_
