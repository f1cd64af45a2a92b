// The start and the end of a text too long to keep whole, such as a child's stderr: a failing
// mysql client first echoes the statement it ran (megabytes, maybe) and says what went wrong at
// the end, so the first bytes alone miss the reason and the last alone miss the context.
#ifndef MYSQL_BACKUP_UTIL_HEAD_TAIL_TEXT_H_
#define MYSQL_BACKUP_UTIL_HEAD_TAIL_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mysql_backup {

class HeadTailText {
 public:
  // Keeps the first `head` and the last `tail` bytes; memory stays below head + 2 * tail.
  HeadTailText(size_t head, size_t tail) : head_max_(head), tail_max_(tail) {}

  void Append(std::string_view bytes);

  // All that was appended when it fits in head + tail bytes; else the head, a line
  // "[... N bytes left out ...]", and the tail.
  std::string Text() const;
  uint64_t total() const { return total_; }

 private:
  const size_t head_max_;
  const size_t tail_max_;
  std::string head_;
  std::string tail_;  // bytes after the head; trimmed to tail_max_ only when it doubles
  uint64_t total_ = 0;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_UTIL_HEAD_TAIL_TEXT_H_
