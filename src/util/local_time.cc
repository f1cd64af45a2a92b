#include "util/local_time.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

namespace mysql_backup {

namespace {

constexpr char kZoneInfo[] = "/usr/share/zoneinfo/";
// What "the host's zone" means when TZ is unset: glibc's own default.
constexpr char kHostZone[] = ":/etc/localtime";

// Sets TZ for its lifetime and puts the old value (or its absence) back.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const std::string& zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", zone.c_str(), 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};

bool SafeZoneName(const std::string& zone) {
  if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string::npos) return false;
  for (char c : zone) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<std::string> ResolveTimeZone(const std::string& zone) {
  if (zone.empty()) {
    const char* tz = std::getenv("TZ");
    return std::string(tz != nullptr && *tz != '\0' ? tz : kHostZone);
  }
  if (zone == "UTC") return std::string("UTC");
  struct stat st;
  if (!SafeZoneName(zone) || stat((kZoneInfo + zone).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status(ErrorKind::kUsage, "--timezone: unknown time zone '" + zone +
                                         "' (a name from the tz database, such as "
                                         "Europe/Berlin or UTC; see " + kZoneInfo + ")");
  }
  return zone;
}

Result<std::time_t> ParseLocalTime(const std::string& text, const std::string& zone) {
  int y, mo, d, h, mi, s;
  char rest;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &rest) !=
          6 ||
      text.size() != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    return Status(ErrorKind::kUsage,
                  "--until: '" + text + "' is not a time of the form \"YYYY-MM-DD HH:MM:SS\"");
  }
  ScopedTimeZone scoped(zone);
  // Read the time once as standard and once as daylight time: a time that exists once gives
  // the same answer (or only one of the two round-trips); one that exists twice gives two.
  std::optional<std::time_t> found;
  int matches = 0;
  for (int dst : {0, 1}) {
    struct tm tm = {};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    tm.tm_isdst = dst;
    std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) continue;
    struct tm back;
    localtime_r(&t, &back);
    if (back.tm_year != y - 1900 || back.tm_mon != mo - 1 || back.tm_mday != d ||
        back.tm_hour != h || back.tm_min != mi || back.tm_sec != s) {
      continue;  // normalised: this reading does not exist
    }
    if (!found || *found != t) ++matches;
    found = t;
  }
  if (!found) {
    return Status(ErrorKind::kUsage, "--until: " + text + " does not exist in time zone " + zone +
                                         " (the clocks skip it)");
  }
  if (matches > 1) {
    return Status(ErrorKind::kUsage, "--until: " + text + " happens twice in time zone " + zone +
                                         " (the clocks go back); give the time in UTC with "
                                         "--timezone UTC, or use --until-gtid");
  }
  return *found;
}

std::string FormatLocalTime(std::time_t t, const std::string& zone) {
  ScopedTimeZone scoped(zone);
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

std::string FormatUtcTime(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace mysql_backup
