#include "cli/progress_line.h"

#include <unistd.h>

#include "cli/backup_action.h"

namespace mysql_backup {

std::string FormatTransferProgress(const std::string& what, uint64_t done, uint64_t total,
                                   double seconds) {
  std::string text = what + ": " + HumanSize(done) + " of " + HumanSize(total);
  if (total > 0) text += " (" + std::to_string(done * 100 / total) + "%)";
  if (seconds > 0) {
    text += ", " + HumanSize(static_cast<uint64_t>(static_cast<double>(done) / seconds)) + "/s";
  }
  return text;
}

ProgressLine::ProgressLine(int fd, Clock::duration interval)
    : fd_(fd), active_(isatty(fd) == 1), interval_(interval) {}

void ProgressLine::Show(const std::string& text, bool force) {
  if (!active_) return;
  auto now = Clock::now();
  if (drawn_ && !force && now - last_ < interval_) return;
  last_ = now;
  std::string line = "\r" + text;
  // Spaces over the rest of a longer earlier line (no escape sequences: any terminal will do).
  if (text.size() < width_) line.append(width_ - text.size(), ' ');
  width_ = text.size();
  drawn_ = true;
  (void)!::write(fd_, line.data(), line.size());
}

void ProgressLine::Finish() {
  if (!drawn_) return;
  drawn_ = false;
  width_ = 0;
  (void)!::write(fd_, "\n", 1);
}

}  // namespace mysql_backup
