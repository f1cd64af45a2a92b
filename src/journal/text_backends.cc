#include "journal/text_backends.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "util/file_util.h"

namespace mysql_backup {

namespace {

const char* LevelName(Priority p) {
  switch (p) {
    case Priority::kError: return "ERROR";
    case Priority::kWarning: return "WARNING";
    case Priority::kNotice: return "INFO";
    case Priority::kInfo: return "INFO";
    case Priority::kDebug: return "DEBUG";
  }
  return "INFO";
}

// On a terminal, stdout carries the results and stderr only what went wrong; elsewhere (cron,
// a container, --daemon) stderr is the log and gets every entry.
class StderrBackend : public LogBackend {
 public:
  StderrBackend() : interactive_(isatty(STDERR_FILENO) == 1) {}
  void Write(Priority priority, const std::string& message, const LogFields&) override {
    if (interactive_ && priority > Priority::kWarning) return;
    std::string line = "mysql-backup: ";
    if (priority == Priority::kError) line += "error: ";
    if (priority == Priority::kWarning) line += "warning: ";
    line += message + "\n";
    (void)!::write(STDERR_FILENO, line.data(), line.size());
  }

 private:
  bool interactive_;
};

// One entry, one line: a file name with a newline in it must not forge a line of its own in a
// log that people and scripts read line by line. Control characters other than tab are
// escaped ("\n", "\x1b"). Backslashes are kept as they are, so ordinary paths and messages read
// unchanged; the escaping is for reading, not for parsing back.
std::string EscapeControlCharacters(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (char ch : message) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string LocalDate(std::time_t t) {
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[16];
  strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

class DailyFileBackend : public LogBackend {
 public:
  explicit DailyFileBackend(std::string log_dir) : log_dir_(std::move(log_dir)) {}

  Status Open() {
    date_ = LocalDate(std::time(nullptr));
    std::string path = JoinPath(log_dir_, "mysql_backup_" + date_ + ".log");
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
    if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open log file", path);
    fd_ = std::move(fd);
    return Status::Ok();
  }

  void Write(Priority priority, const std::string& message, const LogFields&) override {
    std::time_t now = std::time(nullptr);
    if (LocalDate(now) != date_ && !Open().ok()) return;
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    std::string line = std::string(stamp) + " - " + LevelName(priority) + " - " +
                       EscapeControlCharacters(message) + "\n";
    (void)WriteAll(fd_.get(), {line.data(), line.size()}, "log file");
  }

 private:
  std::string log_dir_;
  std::string date_;
  UniqueFd fd_;
};

}  // namespace

std::unique_ptr<LogBackend> MakeStderrBackend() { return std::make_unique<StderrBackend>(); }

Result<std::unique_ptr<LogBackend>> MakeDailyFileBackend(const std::string& log_dir) {
  // Like the old tool, the log folder is created when missing.
  Status s = EnsureDirectory(log_dir, 0750);
  if (!s.ok()) return s;
  auto backend = std::make_unique<DailyFileBackend>(log_dir);
  s = backend->Open();
  if (!s.ok()) return s;
  return std::unique_ptr<LogBackend>(std::move(backend));
}

std::string DailyLogPath(const std::string& log_dir) {
  return JoinPath(log_dir, "mysql_backup_" + LocalDate(std::time(nullptr)) + ".log");
}

}  // namespace mysql_backup
