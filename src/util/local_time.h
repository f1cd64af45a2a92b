// Wall-clock times in a named time zone ("2026-12-01 14:31:00" in Europe/Berlin) to Unix
// seconds and back, for --until and the messages of a point-in-time restore. The zone is read
// from the system's tz database (/usr/share/zoneinfo) by the C library: TZ is set for the
// duration of one call and put back, so these are for the main thread of the command line only.
#ifndef MYSQL_BACKUP_UTIL_LOCAL_TIME_H_
#define MYSQL_BACKUP_UTIL_LOCAL_TIME_H_

#include <ctime>
#include <string>

#include "util/status.h"

namespace mysql_backup {

// The zone to use: `zone` when given (it must name a file under /usr/share/zoneinfo, or be
// "UTC"), otherwise the host's own (/etc/localtime, or the TZ of this process when set).
// Errors: kUsage naming the unknown zone.
Result<std::string> ResolveTimeZone(const std::string& zone);

// "YYYY-MM-DD HH:MM:SS" read in `zone` (as ResolveTimeZone returns it). A time that the zone
// skips (clocks forward) or passes twice (clocks back) is refused: the moment is not clear.
// Errors: kUsage.
Result<std::time_t> ParseLocalTime(const std::string& text, const std::string& zone);

// "2026-12-01 14:31:00 CET" for `t` in `zone`.
std::string FormatLocalTime(std::time_t t, const std::string& zone);

// "2026-12-01T13:31:00Z".
std::string FormatUtcTime(std::time_t t);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_LOCAL_TIME_H_
