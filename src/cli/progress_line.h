// Progress for a person at a terminal: one line, rewritten in place with '\r' and ended with a
// newline, beside the sd_notify STATUS= the service manager gets. Drawn only when the stream is
// a terminal: a log file, a pipe, cron's mail or the journal never get carriage returns.
#ifndef MYSQL_BACKUP_CLI_PROGRESS_LINE_H_
#define MYSQL_BACKUP_CLI_PROGRESS_LINE_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace mysql_backup {

// "Uploading x.sql.gz to box: 12.0 MiB of 40.0 MiB (30%), 5.1 MiB/s": `what`, the bytes done
// of `total`, and the mean rate over `seconds` (left out while it is 0).
std::string FormatTransferProgress(const std::string& what, uint64_t done, uint64_t total,
                                   double seconds);

class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  // Draws on `fd` only if it is a terminal; redraws at most once per `interval`.
  explicit ProgressLine(int fd, Clock::duration interval = std::chrono::milliseconds(250));
  ~ProgressLine() { Finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool active() const { return active_; }
  // Rewrites the line with `text` (blanking what a longer earlier text left), unless the last
  // redraw was less than `interval` ago and `force` is false.
  void Show(const std::string& text, bool force = false);
  // Ends a drawn line with a newline, so what is printed next starts on its own line; nothing
  // when no line was drawn.
  void Finish();

 private:
  int fd_;
  bool active_;
  Clock::duration interval_;
  bool drawn_ = false;
  size_t width_ = 0;
  Clock::time_point last_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_PROGRESS_LINE_H_
