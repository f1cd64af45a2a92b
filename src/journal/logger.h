// One small logging interface for the whole program. main.cc chooses the backends (journal when
// it is there, else stderr; plus the old tool's daily log file when log_dir is set). Library
// modules do not log; the run steps in main and the action runners do, through this.
#ifndef MYSQL_BACKUP_JOURNAL_LOGGER_H_
#define MYSQL_BACKUP_JOURNAL_LOGGER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mysql_backup {

// syslog priorities, as the journal uses them.
enum class Priority { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

// Extra structured fields for one entry: {"BACKUP_FILE", "/x.sql.gz"}. Names are journal field
// names (upper case); text backends may show some of them.
using LogFields = std::vector<std::pair<std::string, std::string>>;

class LogBackend {
 public:
  virtual ~LogBackend() = default;
  virtual void Write(Priority priority, const std::string& message, const LogFields& fields) = 0;
};

class Logger {
 public:
  // Fields added to every entry (BACKUP_TYPE, BACKUP_DATABASE).
  void SetCommonField(const std::string& name, const std::string& value);
  void AddBackend(std::unique_ptr<LogBackend> backend);

  void Log(Priority priority, const std::string& message, const LogFields& fields = {});
  void Info(const std::string& message, const LogFields& fields = {}) {
    Log(Priority::kInfo, message, fields);
  }
  void Warning(const std::string& message, const LogFields& fields = {}) {
    Log(Priority::kWarning, message, fields);
  }
  void Error(const std::string& message, const LogFields& fields = {}) {
    Log(Priority::kError, message, fields);
  }

  // Progress for a supervisor (sd_notify STATUS=); a no-op outside systemd.
  void Status(const std::string& status);

  // The last lines logged in this run, for the failure mail.
  const std::vector<std::string>& recent_lines() const { return recent_; }

 private:
  LogFields common_;
  std::vector<std::unique_ptr<LogBackend>> backends_;
  std::vector<std::string> recent_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_JOURNAL_LOGGER_H_
