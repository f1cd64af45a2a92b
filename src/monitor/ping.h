// Heartbeat pings in the healthchecks.io style: `<url>/start` when a backup begins, `<url>` when
// it succeeded, `<url>/<exit code>` when it failed, with the result line as the POST body. The
// URL usually holds the check's secret token, so it is never put in an error message: use
// RedactUrl() to name it.
#ifndef MYSQL_BACKUP_MONITOR_PING_H_
#define MYSQL_BACKUP_MONITOR_PING_H_

#include <string>

#include "util/status.h"

namespace mysql_backup::monitor {

// `base` with "/<suffix>" appended to its path (before any "?query"); `base` itself when
// `suffix` is empty.
std::string PingUrl(const std::string& base, const std::string& suffix);

// "https://hc-ping.com/…": scheme and host only.
std::string RedactUrl(const std::string& url);

// POSTs `body` to `url`, giving up after `timeout_sec` in all. Errors (kNotification) say what
// went wrong without the URL: "connection refused", "HTTP status 404", "timed out after 10 s".
Status Ping(const std::string& url, const std::string& body, int timeout_sec);

}  // namespace mysql_backup::monitor

#endif  // MYSQL_BACKUP_MONITOR_PING_H_
