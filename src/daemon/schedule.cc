#include "daemon/schedule.h"

#include <algorithm>

namespace mysql_backup {

namespace {

bool DayMatches(const Schedule& s, const struct tm& date) {
  switch (s.days) {
    case Schedule::Days::kEveryDay: return true;
    case Schedule::Days::kWeekday: return date.tm_wday == s.day;
    case Schedule::Days::kMonthDay: return date.tm_mday == s.day;
  }
  return false;
}

// The first instant of local date (year, mon, mday) at which the wall clock reads hh:mm or
// later. mktime() resolves an ambiguous time by tm_isdst, so both readings are tried and the
// earlier that really shows hh:mm wins; a skipped time is normalised forward by mktime.
std::time_t LocalTime(int year, int mon, int mday, int hour, int minute, int isdst) {
  struct tm tm = {};
  tm.tm_year = year;
  tm.tm_mon = mon;
  tm.tm_mday = mday;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_isdst = isdst;
  return mktime(&tm);
}

std::time_t FirstInstant(int year, int mon, int mday, int hour, int minute) {
  std::time_t best = -1;
  for (int isdst : {0, 1}) {
    std::time_t t = LocalTime(year, mon, mday, hour, minute, isdst);
    if (t == -1) continue;
    struct tm back;
    localtime_r(&t, &back);
    if (back.tm_year == year && back.tm_mon == mon && back.tm_mday == mday &&
        back.tm_hour == hour && back.tm_min == minute) {
      best = best == -1 ? t : std::min(best, t);
    }
  }
  return best != -1 ? best : LocalTime(year, mon, mday, hour, minute, -1);
}

}  // namespace

std::vector<ScheduledJob> DefaultJobs() {
  return {
      {"daily", {Schedule::Days::kEveryDay, 0, 0, 0}},
      {"weekly", {Schedule::Days::kWeekday, 0, 1, 0}},
      {"monthly", {Schedule::Days::kMonthDay, 1, 2, 0}},
      {"cleanup", {Schedule::Days::kEveryDay, 0, 3, 0}},
  };
}

std::time_t NextRunTime(const Schedule& schedule, std::time_t after) {
  struct tm day;
  localtime_r(&after, &day);
  // Walk local dates from the day of `after`; a monthly job on the 31st may skip months, so
  // allow a long walk.
  for (int i = 0; i < 800; ++i) {
    struct tm date = {};
    date.tm_year = day.tm_year;
    date.tm_mon = day.tm_mon;
    date.tm_mday = day.tm_mday + i;
    date.tm_hour = 12;  // noon is never skipped nor repeated, so normalising the date is safe
    date.tm_isdst = -1;
    mktime(&date);
    if (!DayMatches(schedule, date)) continue;
    std::time_t t = FirstInstant(date.tm_year, date.tm_mon, date.tm_mday, schedule.hour,
                                 schedule.minute);
    if (t > after) return t;
  }
  return after + 24 * 3600;  // unreachable with a valid schedule
}

}  // namespace mysql_backup
