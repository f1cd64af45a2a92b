#include "util/head_tail_text.h"

#include <algorithm>

namespace mysql_backup {

void HeadTailText::Append(std::string_view bytes) {
  total_ += bytes.size();
  const size_t to_head = std::min(bytes.size(), head_max_ - head_.size());
  head_.append(bytes.substr(0, to_head));
  bytes.remove_prefix(to_head);
  if (bytes.empty()) return;
  if (bytes.size() >= tail_max_) {
    tail_.assign(bytes.substr(bytes.size() - tail_max_));
    return;
  }
  tail_.append(bytes);
  // Trimming on every read of a pipe would move tail_max_ bytes each time.
  if (tail_.size() > 2 * tail_max_) tail_.erase(0, tail_.size() - tail_max_);
}

std::string HeadTailText::Text() const {
  const size_t tail = std::min(tail_.size(), tail_max_);
  const uint64_t left_out = total_ - head_.size() - tail;
  if (left_out == 0) return head_ + tail_;
  std::string text = head_;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "[... " + std::to_string(left_out) + " bytes left out ...]\n";
  text.append(tail_, tail_.size() - tail, tail);
  return text;
}

}  // namespace mysql_backup
