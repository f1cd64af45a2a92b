#include "journal/sd_status.h"

#include <systemd/sd-daemon.h>

namespace mysql_backup {

namespace {

// The status with every number blanked: "Dumped 12.5 MiB" and "Dumped 80.1 MiB" share a shape.
std::string Shape(const std::string& status) {
  std::string shape;
  bool in_number = false;
  for (char c : status) {
    bool numeric = (c >= '0' && c <= '9') || (in_number && (c == '.' || c == ','));
    if (numeric) {
      if (!in_number) shape.push_back('#');
    } else {
      shape.push_back(c);
    }
    in_number = numeric;
  }
  return shape;
}

}  // namespace

bool StatusThrottle::Allow(const std::string& status, Clock::time_point now) {
  std::string shape = Shape(status);
  if (last_sent_ && shape == last_shape_ && now - *last_sent_ < interval_) return false;
  last_sent_ = now;
  last_shape_ = std::move(shape);
  return true;
}

void NotifyStatus(const std::string& status) {
  static std::mutex mutex;
  static StatusThrottle throttle;
  std::lock_guard lock(mutex);
  if (!throttle.Allow(status, StatusThrottle::Clock::now())) return;
  // A STATUS= line ends at a newline; keep only the first line.
  std::string line = status.substr(0, status.find('\n'));
  // Failure to notify (no manager listening) is not worth a message.
  (void)sd_notify(0, ("STATUS=" + line).c_str());
}

}  // namespace mysql_backup
