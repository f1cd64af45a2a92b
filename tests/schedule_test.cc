// The --daemon timetable, in local time, across DST changes: one run per matching day, never
// two, never none.
#include "daemon/schedule.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace mysql_backup {
namespace {

class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    const char* old = std::getenv("TZ");
    old_ = old ? old : "";
    had_ = old != nullptr;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (had_) setenv("TZ", old_.c_str(), 1); else unsetenv("TZ");
    tzset();
  }

 private:
  std::string old_;
  bool had_ = false;
};

std::time_t Local(int y, int mo, int d, int h, int mi, int isdst = -1) {
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_isdst = isdst;
  return mktime(&tm);
}

std::string Show(std::time_t t) {
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
  return buf;
}

const Schedule kDaily = {Schedule::Days::kEveryDay, 0, 0, 0};
const Schedule kWeekly = {Schedule::Days::kWeekday, 0, 1, 0};
const Schedule kMonthly = {Schedule::Days::kMonthDay, 1, 2, 0};
const Schedule kCleanup = {Schedule::Days::kEveryDay, 0, 3, 0};

TEST(ScheduleTest, DefaultJobsAreTheOldToolsTimetable) {
  auto jobs = DefaultJobs();
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[0].name, "daily");
  EXPECT_EQ(jobs[1].name, "weekly");
  EXPECT_EQ(jobs[1].schedule.day, 0);  // Sunday
  EXPECT_EQ(jobs[1].schedule.hour, 1);
  EXPECT_EQ(jobs[2].name, "monthly");
  EXPECT_EQ(jobs[2].schedule.day, 1);
  EXPECT_EQ(jobs[2].schedule.hour, 2);
  EXPECT_EQ(jobs[3].name, "cleanup");
  EXPECT_EQ(jobs[3].schedule.hour, 3);
}

TEST(ScheduleTest, ComputesNextSlotForEachJob) {
  ScopedTimeZone tz("UTC");
  std::time_t now = Local(2026, 11, 27, 22, 51);  // a Friday
  EXPECT_EQ(Show(NextRunTime(kDaily, now)), "2026-11-28 00:00 UTC");
  EXPECT_EQ(Show(NextRunTime(kWeekly, now)), "2026-11-29 01:00 UTC");
  EXPECT_EQ(Show(NextRunTime(kMonthly, now)), "2026-12-01 02:00 UTC");
  EXPECT_EQ(Show(NextRunTime(kCleanup, now)), "2026-11-28 03:00 UTC");
}

TEST(ScheduleTest, NextRunIsStrictlyAfterTheSlotJustRun) {
  ScopedTimeZone tz("UTC");
  std::time_t slot = Local(2026, 11, 28, 0, 0);
  EXPECT_EQ(Show(NextRunTime(kDaily, slot)), "2026-11-29 00:00 UTC");
  EXPECT_EQ(Show(NextRunTime(kDaily, slot - 1)), "2026-11-28 00:00 UTC");
}

TEST(ScheduleTest, MonthlyRunsOnTheFirstAcrossYearEnd) {
  ScopedTimeZone tz("UTC");
  EXPECT_EQ(Show(NextRunTime(kMonthly, Local(2026, 12, 1, 2, 0))), "2027-01-01 02:00 UTC");
}

// US fall back: on Sunday 2026-11-01 the clock reads 01:00-01:59 twice. The weekly job (Sunday
// 01:00) must run once, at the first 01:00.
TEST(ScheduleTest, RepeatedHourRunsOnceAtFirstOccurrence) {
  ScopedTimeZone tz("America/New_York");
  std::time_t saturday = Local(2026, 10, 31, 12, 0);
  std::time_t first = NextRunTime(kWeekly, saturday);
  EXPECT_EQ(Show(first), "2026-11-01 01:00 EDT");
  std::time_t after_run = first + 30 * 60;  // the job took 30 minutes
  std::time_t next = NextRunTime(kWeekly, after_run);
  EXPECT_EQ(Show(next), "2026-11-08 01:00 EST");
  // Even when asked from the second 01:00 (EST), no second run that day.
  std::time_t second_one = first + 3600;
  EXPECT_EQ(Show(second_one), "2026-11-01 01:00 EST");
  EXPECT_EQ(Show(NextRunTime(kWeekly, second_one)), "2026-11-08 01:00 EST");
}

// Europe spring forward: 2027-03-28 02:00 CET jumps to 03:00 CEST. A 02:30 job is not lost:
// it runs that day, shifted by the hour the clock skipped.
TEST(ScheduleTest, SkippedTimeOnTransitionDayIsNotMissed) {
  ScopedTimeZone tz("Europe/Berlin");
  Schedule at_0230 = {Schedule::Days::kEveryDay, 0, 2, 30};
  std::time_t evening_before = Local(2027, 3, 27, 23, 0);
  std::time_t t = NextRunTime(at_0230, evening_before);
  // 02:30 does not exist on the 28th; the run happens on the 28th, right after the jump.
  struct tm tm;
  localtime_r(&t, &tm);
  EXPECT_EQ(tm.tm_mday, 28);
  EXPECT_EQ(tm.tm_hour, 3);
  EXPECT_EQ(Show(NextRunTime(at_0230, t)), "2027-03-29 02:30 CEST");
}

// The monthly job at 02:00 when the 1st is a spring-forward day (Chile moves at 24:00, so
// 00:00 is skipped: the daily job at 00:00 must still run that day).
TEST(ScheduleTest, MidnightSkippedByDstStillRunsThatDay) {
  ScopedTimeZone tz("America/Santiago");
  // 2026-09-06: clocks go from 00:00 to 01:00 (-04 to -03).
  std::time_t before = Local(2026, 9, 5, 12, 0);
  std::time_t t = NextRunTime(kDaily, before);
  struct tm tm;
  localtime_r(&t, &tm);
  EXPECT_EQ(tm.tm_mday, 6) << Show(t);
  EXPECT_EQ(tm.tm_hour, 1) << Show(t);
  EXPECT_EQ(NextRunTime(kDaily, t) - t, 23 * 3600) << Show(NextRunTime(kDaily, t));
}

TEST(ScheduleTest, OneRunPerDayForAYearInEveryZone) {
  for (const char* zone : {"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney",
                           "America/Santiago", "Asia/Kolkata"}) {
    ScopedTimeZone tz(zone);
    for (const Schedule& s : {kDaily, kWeekly, kMonthly, kCleanup}) {
      std::time_t t = Local(2026, 1, 1, 12, 0);
      int runs = 0;
      int last_yday = -1, last_year = -1;
      while (t < Local(2027, 1, 1, 12, 0)) {
        t = NextRunTime(s, t);
        struct tm tm;
        localtime_r(&t, &tm);
        ASSERT_FALSE(tm.tm_yday == last_yday && tm.tm_year == last_year)
            << zone << ": two runs on " << Show(t);
        last_yday = tm.tm_yday;
        last_year = tm.tm_year;
        ++runs;
      }
      int expected = s.days == Schedule::Days::kEveryDay ? 365
                     : s.days == Schedule::Days::kWeekday ? 52
                                                           : 12;
      EXPECT_NEAR(runs, expected, 1) << zone;
    }
  }
}

}  // namespace
}  // namespace mysql_backup
