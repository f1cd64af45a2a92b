// The two text log backends: stderr (for a terminal, cron or a container) and the old tool's
// daily file <log_dir>/mysql_backup_YYYYMMDD.log ("2026-11-27 00:00:03 - INFO - message").
#ifndef MYSQL_BACKUP_JOURNAL_TEXT_BACKENDS_H_
#define MYSQL_BACKUP_JOURNAL_TEXT_BACKENDS_H_

#include <memory>
#include <string>

#include "journal/logger.h"
#include "util/status.h"

namespace mysql_backup {

std::unique_ptr<LogBackend> MakeStderrBackend();

// Opens (creating log_dir and the file, 0640) the file for today's local date; reopens when
// the date changes (--daemon runs for days). Each entry is one line: control characters in a
// message (a newline in a file name) are escaped as "\n", "\x1b".
Result<std::unique_ptr<LogBackend>> MakeDailyFileBackend(const std::string& log_dir);

// Today's log file path, for attaching to a failure mail.
std::string DailyLogPath(const std::string& log_dir);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_JOURNAL_TEXT_BACKENDS_H_
