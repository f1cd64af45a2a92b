// mysql-backup: argv -> Action; runs it (RunAction, which logs a failed action and does the
// monitoring around it; backups log each type's end themselves); Status -> exit code.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/actions.h"
#include "cli/keygen_action.h"
#include "cli/monitoring.h"
#include "cli/options.h"
#include "cli/run_context.h"
#include "config/config.h"
#include "journal/journal_backend.h"
#include "journal/logger.h"
#include "journal/text_backends.h"

#ifndef MYSQL_BACKUP_VERSION
#define MYSQL_BACKUP_VERSION "unknown"
#endif

namespace mysql_backup {
namespace {

std::atomic<bool> g_cancel{false};

void OnTerminate(int) { g_cancel.store(true); }

void InstallSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnTerminate;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  // A closed pipe (a child that died) must be an EPIPE error we report, not our death.
  signal(SIGPIPE, SIG_IGN);
}

void PrintError(const Status& s) {
  std::string line = "mysql-backup: error: " + s.ToString() + "\n";
  if (!s.detail().empty()) line += s.detail() + "\n";
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

int Run(int argc, char** argv) {
  // Everything we create is for the owner and the group (the backup operators), never others.
  umask(027);
  InstallSignalHandlers();

  auto options = ParseOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (!options.ok()) {
    PrintError(options.status());
    return options.status().exit_code();
  }
  if (options->action == Action::kHelp) {
    std::fputs(UsageText().c_str(), stdout);
    return 0;
  }
  if (options->action == Action::kVersion) {
    std::printf("mysql-backup %s\n", MYSQL_BACKUP_VERSION);
    return 0;
  }
  if (options->action == Action::kGenerateKey) {
    // No configuration: a key is made wherever the operator keeps keys, not on the backup host.
    Status s = RunGenerateKey(options->key_file);
    if (!s.ok()) PrintError(s);
    return s.exit_code();
  }
  const ActionSpec* spec = FindAction(options->action);

  auto config = LoadConfig(options->config_path);
  if (!config.ok()) {
    PrintError(config.status());
    return options->action == Action::kCheck ? kCheckUnknown : config.status().exit_code();
  }

  Logger logger;
  logger.SetCommonField("BACKUP_TYPE",
                        spec->journal_type ? spec->journal_type : options->backup_type);
  logger.SetCommonField("BACKUP_DATABASE", config->database_name.empty()
                                               ? config->selection.Describe()
                                               : config->database_name);
  // Under systemd stderr already goes to the journal: send structured entries there instead.
  if (JournalAvailable()) {
    logger.AddBackend(std::make_unique<JournalBackend>());
  } else {
    logger.AddBackend(MakeStderrBackend());
  }
  if (!config->general.log_dir.empty()) {
    auto file = MakeDailyFileBackend(config->general.log_dir);
    if (file.ok()) {
      logger.AddBackend(std::move(*file));
    } else {
      logger.Warning(file.status().ToString() + "; logging to " + "stderr only");
    }
  }
  for (const auto& w : config->warnings) logger.Warning(w);

  RunContext ctx{*options, *config, logger, &g_cancel};
  // The one exit status outside sysexits: the monitoring-plugin convention (0-3).
  if (options->action == Action::kCheck) return RunCheckAction(ctx);
  return RunAction(ctx).exit_code();
}

}  // namespace
}  // namespace mysql_backup

int main(int argc, char** argv) { return mysql_backup::Run(argc, argv); }
