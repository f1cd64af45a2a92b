#include "dump/dump_trailer.h"

namespace mysql_backup {

namespace {
constexpr size_t kKeep = 512;
}

void DumpTrailerCheck::Update(std::span<const uint8_t> data) {
  total_ += data.size();
  const char* p = reinterpret_cast<const char*>(data.data());
  if (head_.size() < kKeep) head_.append(p, std::min(kKeep - head_.size(), data.size()));
  if (data.size() >= kKeep) {
    tail_.assign(p + data.size() - kKeep, kKeep);
  } else {
    tail_.append(p, data.size());
    if (tail_.size() > kKeep) tail_.erase(0, tail_.size() - kKeep);
  }
}

bool DumpTrailerCheck::has_header() const {
  // Newer MariaDB versions put a "/*M!999999\\- enable the sandbox mode */" line first.
  size_t line = head_.rfind("/*M!999999", 0) == 0 ? head_.find('\n') + 1 : 0;
  if (line == 0 && head_.rfind("/*M!999999", 0) == 0) return false;
  return head_.compare(line, 13, "-- MySQL dump") == 0 ||
         head_.compare(line, 15, "-- MariaDB dump") == 0;
}

bool DumpTrailerCheck::has_trailer() const {
  // The last non-empty line.
  size_t end = tail_.find_last_not_of("\r\n");
  if (end == std::string::npos) return false;
  size_t start = tail_.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return tail_.compare(start, 17, "-- Dump completed") == 0;
}

}  // namespace mysql_backup
