// Running programs from tests: the mariadb client, mariadb-dump, the harness scripts and the
// built mysql-backup binary. RunCommand feeds a child its stdin and collects stdout and stderr
// whole (polling all three, so a chatty child never deadlocks on a full pipe); SourcePath and
// BinaryPath find files through the environment tests/meson.build sets.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_COMMAND_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_COMMAND_H_

#include <string>
#include <string_view>
#include <vector>

#include "util/child_process.h"
#include "util/status.h"

namespace mysql_backup::testing {

struct CommandInput {
  // Written to the child's stdin, which is then closed. Ignored when `file` is set.
  std::string data = {};
  // When set, this file is the child's stdin (for large SQL files).
  std::string file = {};
};

struct CommandResult {
  ExitInfo exit;
  std::string out;
  std::string err;
  bool ok() const { return exit.success(); }
  // "exit code 1: <stderr>", for failure messages.
  std::string Describe() const;
};

// Runs `argv` (argv[0] looked up in PATH) to completion. Errors only when it cannot be started
// or waited for; a non-zero exit is a CommandResult with ok() false.
Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandInput& input = {});

// `relative` under the source tree ($MYSQL_BACKUP_SOURCE_ROOT): "tests/fixtures/awkward.sql".
std::string SourcePath(std::string_view relative);
// The built mysql-backup binary ($MYSQL_BACKUP_BIN).
std::string BinaryPath();

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_COMMAND_H_
