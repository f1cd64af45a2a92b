#include "monitor/metrics_file.h"

#include <sys/stat.h>

#include <cstdio>
#include <map>
#include <span>
#include <utility>

#include "storage/atomic_file.h"
#include "util/file_util.h"

namespace mysql_backup::monitor {

namespace {

struct SeriesOnDisk {
  size_t count = 0;
  std::time_t newest = 0;
  uint64_t newest_size = 0;
};

class Writer {
 public:
  explicit Writer(const std::string& config) : config_(config) {}

  void Family(const char* name, const char* help) {
    name_ = name;
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  }
  void Sample(const std::vector<std::pair<const char*, std::string>>& labels, double value) {
    out_ += name_ + "{config=\"" + EscapeLabelValue(config_) + "\"";
    for (const auto& [key, v] : labels) out_ += std::string(",") + key + "=\"" + EscapeLabelValue(v) + "\"";
    // Timestamps and counts as integers (no exponent); durations to the microsecond.
    char number[64];
    if (value == static_cast<double>(static_cast<long long>(value))) {
      std::snprintf(number, sizeof number, "%lld", static_cast<long long>(value));
    } else {
      std::snprintf(number, sizeof number, "%.6f", value);
    }
    out_ += std::string("} ") + number + "\n";
  }
  std::string Take() { return std::move(out_); }

 private:
  const std::string& config_;
  std::string name_;
  std::string out_;
};

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatMetrics(const MetricsSnapshot& snapshot) {
  // Every type of the configured database appears, with 0 backups and a success time of 0 when
  // there is none: an alert on the age then fires for a backup that never happened, too.
  std::map<std::pair<std::string, std::string>, SeriesOnDisk> series;
  if (!snapshot.database.empty()) {
    for (BackupType type : kAllBackupTypes) {
      series[{snapshot.database, std::string(BackupTypeName(type))}];
    }
  }
  for (const auto& b : snapshot.backups) {
    std::string database =
        b.name.kind == BackupKind::kAccounts ? std::string("(accounts)") : b.name.database;
    SeriesOnDisk& s = series[{database, std::string(BackupTypeName(b.name.type))}];
    ++s.count;
    if (s.count == 1 || b.name.created > s.newest) {
      s.newest = b.name.created;
      s.newest_size = b.size;
    }
  }

  Writer w(snapshot.config);
  w.Family("mysql_backup_last_success_timestamp_seconds",
           "Start time of the newest backup on disk (0: none), from its file name.");
  for (const auto& [key, s] : series) {
    w.Sample({{"database", key.first}, {"type", key.second}}, static_cast<double>(s.newest));
  }
  w.Family("mysql_backup_last_size_bytes", "Size of the newest backup on disk.");
  for (const auto& [key, s] : series) {
    w.Sample({{"database", key.first}, {"type", key.second}}, static_cast<double>(s.newest_size));
  }
  w.Family("mysql_backup_backups", "Number of backups on disk.");
  for (const auto& [key, s] : series) {
    w.Sample({{"database", key.first}, {"type", key.second}}, static_cast<double>(s.count));
  }

  if (!snapshot.state.empty()) {
    w.Family("mysql_backup_last_attempt_timestamp_seconds",
             "Start time of the last run of the job (type), successful or not.");
    for (const auto& [job, s] : snapshot.state) {
      w.Sample({{"database", snapshot.database}, {"type", job}},
               static_cast<double>(s.last_attempt));
    }
    w.Family("mysql_backup_last_exit_code",
             "Exit status of the last run of the job (type): 0 success, sysexits otherwise.");
    for (const auto& [job, s] : snapshot.state) {
      w.Sample({{"database", snapshot.database}, {"type", job}}, s.last_exit_code);
    }
    w.Family("mysql_backup_last_duration_seconds", "Duration of the last run of the job (type).");
    for (const auto& [job, s] : snapshot.state) {
      w.Sample({{"database", snapshot.database}, {"type", job}}, s.last_duration_sec);
    }
  }
  if (auto drill = snapshot.state.find("restore-test"); drill != snapshot.state.end()) {
    w.Family("mysql_backup_restore_drill_last_success_timestamp_seconds",
             "Start time of the last restore drill that passed (0: none).");
    w.Sample({{"database", snapshot.database}}, static_cast<double>(drill->second.last_success));
    w.Family("mysql_backup_restore_drill_last_exit_code",
             "Exit status of the last restore drill: 0 passed, 65 mismatch, other sysexits.");
    w.Sample({{"database", snapshot.database}}, drill->second.last_exit_code);
  }
  if (!snapshot.binlog_archives.empty()) {
    w.Family("mysql_backup_binlog_last_event_timestamp_seconds",
             "Time of the newest event in the binlog archive, the partial copy of the active "
             "file included (0: none).");
    for (const auto& a : snapshot.binlog_archives) {
      w.Sample({{"server_id", a.server}}, static_cast<double>(a.last_event));
    }
    w.Family("mysql_backup_binlog_recovery_point_timestamp_seconds",
             "Newest moment the binlog archive is complete up to: the newest archived event or "
             "the last copy of the active file, whichever is later (0: none).");
    for (const auto& a : snapshot.binlog_archives) {
      w.Sample({{"server_id", a.server}}, static_cast<double>(a.RecoveryPoint()));
    }
  }
  if (snapshot.backup_dir_free_bytes) {
    w.Family("mysql_backup_backup_dir_free_bytes",
             "Bytes available to mysql-backup on the filesystem of backup_dir.");
    w.Sample({}, static_cast<double>(*snapshot.backup_dir_free_bytes));
  }
  return w.Take();
}

Status WriteMetricsFile(const std::string& path, const std::string& text) {
  auto folder = OpenTopDirectory(DirName(path));
  if (!folder.ok()) return folder.status();
  auto file = AtomicFile::Create(*folder, *folder, BaseName(path));
  if (!file.ok()) return file.status();
  if (fchmod(file->fd(), 0644) != 0) {
    return ErrnoError(ErrorKind::kStorage, "set the mode of", file->temp_path());
  }
  Status s = file->Write(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  if (!s.ok()) return s;
  return file->Commit();
}

}  // namespace mysql_backup::monitor
