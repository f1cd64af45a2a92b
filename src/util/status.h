// Errors as values. A Status is ok or carries an ErrorKind (which decides the exit code), a
// message, and a chain of context added as it travels up ("while writing the daily backup").
// Result<T> is a value or a non-ok Status. Library code returns these; only main.cc logs them.
#ifndef MYSQL_BACKUP_UTIL_STATUS_H_
#define MYSQL_BACKUP_UTIL_STATUS_H_

#include <cerrno>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mysql_backup {

// The old tool's exception hierarchy, plus the two kinds a command line needs.
enum class ErrorKind {
  kUsage,          // 64: bad flags
  kIntegrity,      // 65: checksum, truncated or corrupt backup, restore-test mismatch
  kConnection,     // 69: server unreachable or login refused
  kProcess,        // 70: the dump (or restore) child failed
  kIncomplete,     // 70: a run finished, but an expected database has no verified file
  kStorage,        // 74: backup_dir, disk full, fsync, rename
  kNotification,   // 75: mail could not be sent
  kLockTimeout,    // 75: another run held the lock too long
  kConfiguration,  // 78: config file, section, key
  kOffsite,        // 76: the local backup is fine, a copy to an offsite target failed
  kGap,            // 65: the binlog archive misses files (purged before archived, reset server)
};

// The sysexits value for `kind`; the single source of truth for exit codes.
int ExitCodeFor(ErrorKind kind);
// The word used in BACKUP_ERROR= and in mails: "configuration", "connection", ...
std::string_view ErrorKindName(ErrorKind kind);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(ErrorKind kind, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  ErrorKind kind() const { return rep_->kind; }
  int exit_code() const { return ok() ? 0 : ExitCodeFor(rep_->kind); }
  // The innermost message, without context.
  const std::string& message() const { return rep_->message; }
  // Context, innermost first.
  const std::vector<std::string>& context() const { return rep_->context; }
  // Optional longer text shown after the one-line error (mysqldump's stderr, say).
  const std::string& detail() const { return rep_->detail; }

  // Adds an outer layer of context: "Cannot write daily backup: <inner>".
  Status& AddContext(std::string context) &;
  Status&& AddContext(std::string context) &&;
  Status& SetDetail(std::string detail) &;
  Status&& SetDetail(std::string detail) &&;

  // Outermost context first: "Daily backup failed: Cannot write '/x': No space left on device".
  std::string ToString() const;

 private:
  struct Rep {
    ErrorKind kind;
    std::string message;
    std::vector<std::string> context;
    std::string detail;
  };
  std::shared_ptr<Rep> rep_;  // shared: Status is copied cheaply; AddContext copies on write
};

// "Cannot <action> '<path>': <strerror(err)>", with ENOSPC and friends kept readable.
Status ErrnoError(ErrorKind kind, std::string_view action, std::string_view path, int err = errno);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                    // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}             // NOLINT: must not be ok
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status TakeStatus() && { return std::get<Status>(std::move(v_)); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_STATUS_H_
