// The old tool's timetable for --daemon, in local time, and when each job runs next. Pure:
// time comes in as a parameter, the zone from TZ, so DST changes are unit-tested.
//
// DST rules: each matching day has exactly one run, at the first instant the wall clock reads
// the job's time or later. On a day when that time is skipped (spring forward) the job runs
// that day, shifted by the skipped hour (02:30 becomes 03:30); on a day when it repeats (fall back) it runs at the first.
#ifndef MYSQL_BACKUP_DAEMON_SCHEDULE_H_
#define MYSQL_BACKUP_DAEMON_SCHEDULE_H_

#include <ctime>
#include <string>
#include <vector>

namespace mysql_backup {

struct Schedule {
  enum class Days { kEveryDay, kWeekday, kMonthDay };
  Days days = Days::kEveryDay;
  int day = 0;  // 0=Sunday for kWeekday; 1-31 for kMonthDay
  int hour = 0;
  int minute = 0;
};

struct ScheduledJob {
  std::string name;  // "daily", "weekly", "monthly", "cleanup"
  Schedule schedule;
};

// daily 00:00, weekly Sunday 01:00, monthly 1st 02:00, cleanup 03:00 (the old tool's).
std::vector<ScheduledJob> DefaultJobs();

// The first run strictly after `after`.
std::time_t NextRunTime(const Schedule& schedule, std::time_t after);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DAEMON_SCHEDULE_H_
