// What the files on disk cannot tell: when each job was last attempted, how it ended and how long
// it took. Kept beside the metrics file it feeds, as `.<metrics file name>.state` (node_exporter
// reads only *.prom): one per metrics file, so several configs on one host never mix; written
// only when metrics are on; never inside backup_dir, whose contents belong to the backups; and
// still writable when backup_dir is gone (a failed run is recorded too). One line a job:
//   daily attempt=1795651203 exit=69 duration=0.412 success=1795564803
// Updates are read-modify-write under flock of the folder, so concurrent runs do not lose each
// other's lines. Reached through descriptors that never follow links (see dir_fd.h).
#ifndef MYSQL_BACKUP_MONITOR_STATE_FILE_H_
#define MYSQL_BACKUP_MONITOR_STATE_FILE_H_

#include <ctime>
#include <map>
#include <string>
#include <string_view>

#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup::monitor {

// ".mysql_backup.prom.state" for "mysql_backup.prom".
std::string StateFileName(const std::string& metrics_file_name);

struct JobState {
  std::time_t last_attempt = 0;  // when the last run started
  int last_exit_code = 0;
  double last_duration_sec = 0;
  std::time_t last_success = 0;  // when the last run that exited 0 started; 0: never
};

// Keyed by job: "daily", "weekly", "monthly", "cleanup", "verify", "restore-test", ...
using MonitorState = std::map<std::string, JobState>;

std::string FormatState(const MonitorState& state);
// Lines that do not parse are skipped: a damaged state file costs history, never a run.
MonitorState ParseState(std::string_view text);

// The state in `folder`/`name`; empty when there is none yet. Errors: kStorage (a link in place
// of the file, an unreadable file).
Result<MonitorState> ReadState(const DirFd& folder, const std::string& name);

// Sets `job` to `value` (keeping last_success when `value` failed) and writes the file back
// atomically (mode 0640). Errors: kStorage.
Status RecordJob(const DirFd& folder, const std::string& name, const std::string& job,
                 const JobState& value);

}  // namespace mysql_backup::monitor

#endif  // MYSQL_BACKUP_MONITOR_STATE_FILE_H_
