// The bytes of a dump that a stage observing a DumpScanner has not yet handed on, for stages that
// cut the stream where the scanner reports statement boundaries (the restore guard, the dump
// splitter): what it holds back from earlier chunks, and the chunk being scanned up to the byte
// the scanner is at. Chunks may split the stream anywhere; Take() in an observer callback returns
// the same bytes whatever the chunks.
#ifndef MYSQL_BACKUP_SQL_SCANNED_BYTES_H_
#define MYSQL_BACKUP_SQL_SCANNED_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sql/dump_scanner.h"

namespace mysql_backup {

class ScannedBytes {
 public:
  // Scans `chunk` with `scanner`, whose observer may Take() meanwhile. Returns the end of the
  // chunk that was not taken (a view into `chunk`).
  std::string_view Scan(DumpScanner& scanner, std::string_view chunk);
  // Ends the stream (DumpScanner::Finish); the observer may Take() what is held.
  void Finish(DumpScanner& scanner);

  // The bytes held, then those of the chunk up to and including the byte being scanned; taken
  // out of both.
  std::string Take(const DumpScanner& scanner);

  // What is held back from earlier chunks: the stage appends to it and hands it on itself.
  std::string& held() { return held_; }

 private:
  std::string held_;
  std::string_view chunk_;
  uint64_t chunk_offset_ = 0;  // stream offset of chunk_[0]
  size_t chunk_done_ = 0;      // chunk_[0, chunk_done_) is taken
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_SCANNED_BYTES_H_
