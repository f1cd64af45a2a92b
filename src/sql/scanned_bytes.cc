#include "sql/scanned_bytes.h"

#include <utility>

namespace mysql_backup {

std::string_view ScannedBytes::Scan(DumpScanner& scanner, std::string_view chunk) {
  chunk_ = chunk;
  chunk_offset_ = scanner.bytes_scanned();
  chunk_done_ = 0;
  scanner.Scan(chunk_);
  const std::string_view rest = chunk_.substr(chunk_done_);
  chunk_ = {};
  chunk_done_ = 0;
  return rest;
}

void ScannedBytes::Finish(DumpScanner& scanner) {
  chunk_ = {};
  chunk_offset_ = scanner.bytes_scanned();
  chunk_done_ = 0;
  scanner.Finish();
}

std::string ScannedBytes::Take(const DumpScanner& scanner) {
  const size_t end = static_cast<size_t>(scanner.position() - chunk_offset_);
  std::string out = std::move(held_);
  held_.clear();
  if (end > chunk_done_) {
    out.append(chunk_.substr(chunk_done_, end - chunk_done_));
    chunk_done_ = end;
  }
  return out;
}

}  // namespace mysql_backup
