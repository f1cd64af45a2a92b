#include "cli/daemon_action.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "daemon/schedule.h"

namespace mysql_backup {

namespace {

std::string LocalTimeText(std::time_t t) {
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
  return buf;
}

bool Cancelled(const RunContext& ctx) { return ctx.cancel != nullptr && ctx.cancel->load(); }

void RunJob(const RunContext& ctx, const ScheduledJob& job, JobRunner run_job) {
  // Each job sees the config as it is now, as a timer-started unit would.
  auto config = LoadConfig(ctx.options.config_path);
  ctx.logger.SetCommonField("BACKUP_TYPE", job.name);
  if (!config.ok()) {
    ctx.logger.Log(Priority::kError,
                   "Skipping the " + job.name + " run: " + config.status().ToString(),
                   {{"BACKUP_ERROR", std::string(ErrorKindName(config.status().kind()))}});
    return;
  }
  Options options = ctx.options;
  options.action = job.name == "cleanup" ? Action::kCleanup : Action::kBackup;
  options.backup_type = job.name;
  options.cleanup_after_backup = false;
  options.dry_run = false;
  RunContext job_ctx{options, *config, ctx.logger, ctx.cancel};
  (void)run_job(job_ctx);  // logs its own failure; the daemon goes on
}

}  // namespace

Status RunDaemonAction(const RunContext& ctx, JobRunner run_job) {
  std::vector<ScheduledJob> jobs = DefaultJobs();
  std::vector<std::time_t> next;
  std::time_t now = std::time(nullptr);
  for (const auto& job : jobs) {
    next.push_back(NextRunTime(job.schedule, now));
    ctx.logger.Info("Scheduled " + job.name + ": next run " + LocalTimeText(next.back()));
  }
  ctx.logger.Status("Waiting for the next scheduled run");
  while (!Cancelled(ctx)) {
    size_t due = std::min_element(next.begin(), next.end()) - next.begin();
    now = std::time(nullptr);
    if (next[due] > now) {
      // Short naps: a signal is noticed quickly, and a clock change or a suspend at most
      // delays a run by one nap.
      auto nap = std::min<std::time_t>(next[due] - now, 1);
      std::this_thread::sleep_for(std::chrono::seconds(nap));
      continue;
    }
    ctx.logger.Info("Starting scheduled " + jobs[due].name + " run");
    RunJob(ctx, jobs[due], run_job);
    ctx.logger.SetCommonField("BACKUP_TYPE", "daemon");
    // From the later of the slot and now: a run that overran, or a suspend, never queues up
    // repeats; a missed slot runs once, as Persistent=true timers do.
    next[due] = NextRunTime(jobs[due].schedule, std::max(next[due], std::time(nullptr)));
    ctx.logger.Info("Next " + jobs[due].name + " run " + LocalTimeText(next[due]));
    ctx.logger.Status("Waiting for the next scheduled run");
  }
  ctx.logger.Info("Stopping on signal");
  return Status::Ok();
}

}  // namespace mysql_backup
