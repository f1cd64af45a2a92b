// An append-only byte buffer between the thread that splits a dump and the threads that feed the
// client connections: one writer, readers at their own offsets. It keeps up to a threshold of
// bytes in memory; beyond that everything lives in a temp file, so a table waiting for a free
// connection costs disk, not RAM. The file is created 0600 under the given folder and unlinked at
// once: it is gone on every way out, a crash included.
#ifndef MYSQL_BACKUP_RESTORE_SPOOL_H_
#define MYSQL_BACKUP_RESTORE_SPOOL_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

class Spool {
 public:
  // `dir`: where the temp file goes when the bytes outgrow `threshold`.
  Spool(std::string dir, size_t threshold) : dir_(std::move(dir)), threshold_(threshold) {}
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Errors: kStorage (the temp file cannot be made or written; disk full).
  Status Append(std::string_view bytes);
  // No more bytes will come.
  void Close();
  // Readers waiting get `why` from now on.
  void Abort(const Status& why);

  // Copies bytes from `offset` into `buf`; waits until some are there. 0 at the end of a closed
  // spool. Errors: the Abort() status, kStorage.
  Result<size_t> ReadAt(uint64_t offset, std::span<char> buf);

  uint64_t size() const;
  bool spilled() const;

 private:
  const std::string dir_;
  const size_t threshold_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string memory_;  // all bytes while below the threshold
  UniqueFd file_;       // all bytes once above it
  uint64_t size_ = 0;
  bool closed_ = false;
  Status aborted_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_RESTORE_SPOOL_H_
