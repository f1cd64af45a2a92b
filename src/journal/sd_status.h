// Progress for the service manager: sd_notify("STATUS=...") so `systemctl status
// mysql-backup@daily` shows how far a dump is. The dump reports per buffer, far more often than
// anyone reads a status line, so updates are throttled to about one a second. Without
// $NOTIFY_SOCKET (outside systemd) sending is a no-op.
#ifndef MYSQL_BACKUP_JOURNAL_SD_STATUS_H_
#define MYSQL_BACKUP_JOURNAL_SD_STATUS_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace mysql_backup {

// The throttle itself, with the clock passed in so it can be tested.
class StatusThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit StatusThrottle(Clock::duration interval = std::chrono::seconds(1))
      : interval_(interval) {}

  // True when an update at `now` may be sent: the first one, one at least `interval` after the
  // last one allowed, or one whose text differs from the last sent in anything but digits
  // (a new phase, "Verifying" after "Dumping 12 MiB", is never swallowed).
  bool Allow(const std::string& status, Clock::time_point now);

 private:
  Clock::duration interval_;
  std::optional<Clock::time_point> last_sent_;
  std::string last_shape_;
};

// Sends STATUS=`status` to the service manager, subject to one process-wide StatusThrottle.
// Thread-safe.
void NotifyStatus(const std::string& status);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_JOURNAL_SD_STATUS_H_
