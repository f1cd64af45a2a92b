// Small helpers the integration tests share: quoting for /bin/sh, string tests, waiting for a
// condition without timing assertions, finding the processes a test started (by a marker in
// their command line), UTC stamps as backup names spell them, the real dump program behind a
// wrapper, checking a backup the way a user would (`sha256sum -c` in its folder), and the backup
// a run made.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_TEST_UTIL_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_TEST_UTIL_H_

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "util/status.h"

namespace mysql_backup::testing {

// `s` in single quotes for /bin/sh, embedded quotes escaped.
std::string ShellQuote(const std::string& s);

bool EndsWith(const std::string& s, const std::string& suffix);
bool Contains(const std::string& haystack, const std::string& needle);

// Whether anything (a dangling symlink included) is at `path`.
bool Exists(const std::string& path);

// The last component of `path` and the folder holding it.
std::string BaseName(const std::string& path);
std::string DirName(const std::string& path);

// Pids of processes (other than this one) whose command line mentions `marker`.
std::vector<pid_t> ProcessesMentioning(const std::string& marker);

// Polls `condition` every 50 ms; false when it is still false after `limit`. The limit only
// bounds a hang; nothing should assert on how long anything took.
bool WaitUntil(const std::function<bool()>& condition,
               std::chrono::seconds limit = std::chrono::seconds(90));

// "20261127T000003Z", as backup names spell a UTC time.
std::string UtcStamp(std::time_t t);

// The real dump program (mariadb-dump or mysqldump) that wrappers first in PATH run.
std::string RealDumpProgram();

// `sha256sum -c <backup>.sha256` run in the backup's folder.
CliResult Sha256sumCheck(const std::string& backup);

// The backup a run of the binary made: the path its "<type> backup OK: <path> (...)" line
// names. An error with the exit code and stderr (stdout too when the line is missing) otherwise.
Result<std::string> BackupMadeBy(const CliResult& run);

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_TEST_UTIL_H_
