// Recognises a complete mysqldump output. When mysqldump writes comments (the default), its
// first line is "-- MySQL dump ..." or "-- MariaDB dump ..." and its last is
// "-- Dump completed ...": a dump that starts with the header but lacks the trailer was cut off.
// A dump made with --skip-comments/--compact has neither and cannot be checked this way.
#ifndef MYSQL_BACKUP_DUMP_DUMP_TRAILER_H_
#define MYSQL_BACKUP_DUMP_DUMP_TRAILER_H_

#include <cstdint>
#include <span>
#include <string>

namespace mysql_backup {

class DumpTrailerCheck {
 public:
  void Update(std::span<const uint8_t> data);
  bool has_header() const;
  bool has_trailer() const;
  // True unless the dump announced comments but does not end with the trailer.
  bool complete() const { return !has_header() || has_trailer(); }
  uint64_t total_bytes() const { return total_; }

 private:
  std::string head_;  // first bytes
  std::string tail_;  // last bytes
  uint64_t total_ = 0;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_DUMP_TRAILER_H_
