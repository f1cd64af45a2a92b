// The validated configuration. Every key of the INI file is parsed and checked once, in
// LoadConfig(); the rest of the program trusts these values.
#ifndef MYSQL_BACKUP_CONFIG_CONFIG_H_
#define MYSQL_BACKUP_CONFIG_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

#include "config/database_selection.h"
#include "config/encryption_config.h"
#include "config/target_config.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr char kDefaultConfigPath[] = "/etc/mysql-backup/mysql_backup.conf";

// How to reach and log in to a server. Used for the backup account and the restore account.
struct ConnectionConfig {
  std::string host = "localhost";
  int port = 3306;
  std::string socket;  // empty: use host/port
  std::string user;
  std::string password;  // already resolved from password, password_file or the credential
};

enum class Compression { kGzip, kZstd };

// Which deflate implementation writes gzip output. All write files every gzip reader takes;
// kAuto is the fastest one built in (libdeflate). codec/gzip_engine.h has the trade-offs.
enum class GzipEngine { kAuto, kZlib, kLibdeflate };

struct GeneralConfig {
  std::string log_dir;  // empty: no daily log file
  std::string environment = "production";
};

struct BackupConfig {
  std::string backup_dir = "/var/backup/mysql";
  std::string mysqldump_options =
      "--single-transaction --routines --events --triggers --add-drop-table --extended-insert";
  int daily_retention = 7;
  int weekly_retention = 4;
  int monthly_retention = 12;
  Compression compression = Compression::kGzip;
  int compression_level = 6;  // 3 for zstd when not set
  GzipEngine gzip_engine = GzipEngine::kAuto;
  int threads = 0;            // 0 = number of CPUs
  int lock_timeout_sec = 3600;
  int dump_timeout_sec = 0;  // 0: no limit
  int parallel_dumps = 1;    // databases dumped at once (bounded by threads)
};

enum class NotifyOn { kAlways, kFailure };

struct NotificationConfig {
  bool enabled = false;
  std::string smtp_server;
  int smtp_port = 587;
  bool use_tls = true;
  bool use_ssl = false;
  std::string username;
  std::string password;
  std::string sender;
  std::vector<std::string> recipients;
  bool attach_logs = false;
  NotifyOn notify_on = NotifyOn::kAlways;
  std::string ca_file;  // empty: system store only
};

// [monitoring]: the metrics file, the freshness limits of --check, the heartbeat URL.
inline constexpr char kDefaultMetricsFolder[] = "/var/lib/prometheus/node-exporter";
struct MonitoringConfig {
  std::string metrics_file;  // empty: no metrics file
  // Per backup type (daily, weekly, monthly, in BackupType order); 0: not checked.
  long long max_age_sec[3] = {26 * 3600, 8 * 86400, 32 * 86400};
  std::string ping_url;  // empty: no pings; may hold a secret token, never logged
  int ping_timeout_sec = 10;
};

// [pitr]: archiving the binary logs (--archive-binlogs). The account falls back key by key to
// [database], as [restore] does.
struct PitrConfig {
  bool enabled = false;
  ConnectionConfig connection;
  long long max_lag_sec = 0;  // 0: the freshness of the archive is not checked
};

struct Config {
  std::string path;  // the file it came from, for messages
  GeneralConfig general;
  ConnectionConfig database;
  // The one database of `database = NAME` (or of a one-name `databases =`); empty otherwise.
  std::string database_name;
  DatabaseSelection selection;
  bool accounts = false;  // write the accounts file (default: yes with databases = *)
  BackupConfig backup;
  NotificationConfig notification;
  // [restore]: falls back to [database] key by key.
  ConnectionConfig restore;
  // [restore] restore_threads: connections a restore loads tables on (default: the number of
  // CPUs, at most 8); 1 is the serial load through one client.
  int restore_threads = 1;
  MonitoringConfig monitoring;
  PitrConfig pitr;
  std::vector<TargetConfig> targets;  // [target NAME] sections, in file order
  EncryptionConfig encryption;        // [encryption]
  std::vector<std::string> warnings;  // non-fatal findings (world-readable file, '%%' in a value)
};

// Reads and validates `path`. Errors are kConfiguration and name the file, section and key.
Result<Config> LoadConfig(const std::string& path);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CONFIG_CONFIG_H_
