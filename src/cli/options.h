// The command line: the old tool's flags (argparse rules: --opt VALUE, --opt=VALUE, -c FILE,
// unambiguous prefixes of long options) plus the contract's actions. Parsing only; no I/O.
#ifndef MYSQL_BACKUP_CLI_OPTIONS_H_
#define MYSQL_BACKUP_CLI_OPTIONS_H_

#include <string>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

enum class Action {
  kBackup,
  kCleanup,
  kList,
  kVerify,
  kRestore,
  kRestoreTest,
  kTestNotification,
  kNotifyFailure,
  kDaemon,
  kCheck,
  kUpload,
  kGenerateKey,
  kArchiveBinlogs,
  kBinlogEvents,
  kVersion,
  kHelp,
};

struct Options {
  Action action = Action::kHelp;
  std::string config_path;
  std::string backup_type;  // daily|weekly|monthly|all, with kBackup
  bool cleanup_after_backup = false;
  bool dry_run = false;
  bool json = false;
  std::vector<std::string> files;  // --verify FILE..., --restore FILE, --restore-test [FILE]
  std::string target_database;
  bool force = false;
  // --restore latest|STAMP: a whole run into the [restore] server, under the original names.
  std::string restore_run;                  // "latest" or a stamp; empty for a file restore
  std::vector<std::string> restore_databases;  // --databases a,b (empty: every one of the run)
  bool restore_accounts = false;               // --accounts
  // --restore latest --until "YYYY-MM-DD HH:MM:SS"|end [--timezone ZONE] / --until-gtid D-S-N:
  // a point-in-time restore (dump + binlog replay). Empty when not asked for.
  std::string until;
  std::string until_gtid;
  std::string timezone;
  // --binlog-events --from TIME [--to TIME]
  std::string from;
  std::string to;
  std::string unit;  // --notify-failure UNIT
  std::string target;  // --target NAME: an offsite target ([target NAME])
  std::string key_file;  // --generate-key FILE (empty: print the identity on stdout)
};

// Errors: kUsage, with a message saying what is wrong and pointing at --help.
Result<Options> ParseOptions(const std::vector<std::string>& args);

// The --help text.
std::string UsageText();

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_OPTIONS_H_
