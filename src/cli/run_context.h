// What every action gets besides its options: the loaded config, the logger, and the flag
// that a SIGTERM/SIGINT sets.
#ifndef MYSQL_BACKUP_CLI_RUN_CONTEXT_H_
#define MYSQL_BACKUP_CLI_RUN_CONTEXT_H_

#include <atomic>

#include "cli/options.h"
#include "config/config.h"
#include "journal/logger.h"

namespace mysql_backup {

struct RunContext {
  const Options& options;
  const Config& config;
  Logger& logger;
  const std::atomic<bool>* cancel = nullptr;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_RUN_CONTEXT_H_
