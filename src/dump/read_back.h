// Proves that a file reads back from the device exactly as it was written, while it is still
// being written, so that the proof costs a backup no wall time of its own.
//
// The writer reports how far the file has grown (Written()). A thread of ours takes each whole
// region (kReadBackRegion bytes) behind that point, waits until the kernel has written it to the
// device (sync_file_range with WAIT_BEFORE | WRITE | WAIT_AFTER), drops its now clean pages from
// the page cache (posix_fadvise DONTNEED) and reads it again, hashing in order. Finish(), called
// after the file was fsynced, reads the rest the same way. The SHA-256 it returns is of the bytes
// the device gave back, for the caller to compare with the SHA-256 of the bytes it wrote.
//
// What this proves is what a re-read after the fsync proves (the bytes a later reader gets are
// those we wrote; a disk's own cache may still answer, which no program can see past), because
// the file is only ever appended to: a region's bytes never change once it is behind the writer.
// Memory is one read buffer; the thread lags as far as the device is slow, and Finish() reads what
// is left.
#ifndef MYSQL_BACKUP_DUMP_READ_BACK_H_
#define MYSQL_BACKUP_DUMP_READ_BACK_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "codec/sha256.h"
#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

inline constexpr uint64_t kReadBackRegion = 8 << 20;

struct ReadBackResult {
  std::string sha256;  // hex, of every byte read back
  uint64_t bytes = 0;
};

class ReadBack {
 public:
  // Reads through `fd` (opened for reading, on the file being written); `path` names the file in
  // messages. Errors: kStorage when the thread cannot start.
  static Result<std::unique_ptr<ReadBack>> Start(UniqueFd fd, std::string path);
  ReadBack(const ReadBack&) = delete;
  ReadBack& operator=(const ReadBack&) = delete;
  // Stops the thread if Finish() was not reached.
  ~ReadBack();

  // The file now holds `size` bytes, none of which will change.
  void Written(uint64_t size);

  // After the file of `size` bytes was fsynced: reads what is left and returns what was read.
  // Errors: kStorage (a read failed: the message names the file and offset), kIntegrity (the
  // file ended before `size`).
  Result<ReadBackResult> Finish(uint64_t size);

 private:
  ReadBack(UniqueFd fd, std::string path);
  void Run();
  // Reads [from, to) back from the device into the hash. Called on the thread only.
  Status ReadRange(uint64_t from, uint64_t to, bool synced);

  UniqueFd fd_;
  std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t written_ = 0;      // guarded by mu_
  uint64_t final_size_ = 0;   // guarded by mu_, once finishing_
  bool finishing_ = false;    // guarded by mu_
  bool stop_ = false;         // guarded by mu_
  std::thread thread_;
  // The thread's own; read by Finish() after the join.
  Sha256 sha_;
  uint64_t read_ = 0;
  Status failure_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_READ_BACK_H_
