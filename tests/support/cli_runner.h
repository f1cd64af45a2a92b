// Running the built mysql-backup binary from integration tests, as a user would: argv in,
// exit code, stdout and stderr out. Plus a temp folder that cleans up after itself.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_CLI_RUNNER_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_CLI_RUNNER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/command.h"
#include "support/temp_dir.h"

namespace mysql_backup::testing {

struct CliResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs the binary with `args`; `env` entries ("NAME=value") are added to the environment,
// replacing an inherited variable of the same name.
CliResult RunMysqlBackup(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {});

// Runs any command through /bin/sh -c, returning the same.
CliResult RunShell(const std::string& command);

// Starts the binary without waiting; returns its pid (stdout/stderr to the given file).
pid_t StartMysqlBackup(const std::vector<std::string>& args, const std::string& output_file,
                       const std::vector<std::string>& env = {});
// Waits for a pid started above; exit code as in CliResult.
int WaitFor(pid_t pid);

void WriteTextFile(const std::string& path, const std::string& content, mode_t mode = 0600);
std::string ReadTextFile(const std::string& path);
// Regular files under `dir` (recursively), as paths relative to it, sorted.
std::vector<std::string> ListFilesRecursively(const std::string& dir);

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_CLI_RUNNER_H_
