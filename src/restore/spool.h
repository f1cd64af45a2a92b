// An append-only byte buffer between the thread that splits a dump and the threads that feed the
// client connections: one writer, readers at their own offsets. It keeps up to a threshold of
// bytes in memory; beyond that the bytes live in a temp file, so a table waiting for a free
// connection costs disk, not RAM. The file is created 0600 under the given folder and unlinked at
// once: it is gone on every way out, a crash included. What it holds is sealed in chunks of
// kChunkBytes under a key of its own that lives only in this object (codec/spool_cipher.h): a
// dump decrypted from an age file never touches the disk in plain text, and a chunk changed or
// cut on disk is an error when read back, not wrong data. The chunk still being filled stays in
// memory, so every chunk is sealed exactly once.
#ifndef MYSQL_BACKUP_RESTORE_SPOOL_H_
#define MYSQL_BACKUP_RESTORE_SPOOL_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "codec/spool_cipher.h"
#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

class Spool {
 public:
  static constexpr size_t kChunkBytes = 64 * 1024;

  // `dir`: where the temp file goes when the bytes outgrow `threshold`.
  Spool(std::string dir, size_t threshold) : dir_(std::move(dir)), threshold_(threshold) {}
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Errors: kStorage (the temp file cannot be made or written; disk full; OpenSSL failed).
  Status Append(std::string_view bytes);
  // No more bytes will come.
  void Close();
  // Readers waiting get `why` from now on.
  void Abort(const Status& why);

  // Copies bytes from `offset` into `buf`; waits until some are there. 0 at the end of a closed
  // spool. Errors: the Abort() status, kStorage (the file cannot be read, or was altered or cut).
  Result<size_t> ReadAt(uint64_t offset, std::span<char> buf);

  uint64_t size() const;
  bool spilled() const;

 private:
  // Fills `buf` from the sealed chunks, from `offset` on (all within the file); `cipher` and `fd`
  // as taken under the lock. Needs no lock: sealed chunks never change.
  Result<size_t> ReadSealed(const SpoolCipher& cipher, int fd, uint64_t offset,
                            std::span<char> buf) const;
  // Seals whole chunks from the front of memory_ into the file.
  Status SealFullChunks();

  const std::string dir_;
  const size_t threshold_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Below the threshold, all bytes; once spilled, those after the sealed ones (< one chunk but
  // for the moment of an Append).
  std::string memory_;
  UniqueFd file_;  // sealed chunks, once spilled
  std::optional<SpoolCipher> cipher_;
  uint64_t sealed_ = 0;  // bytes in the file, counted before sealing: a multiple of kChunkBytes
  uint64_t size_ = 0;
  bool closed_ = false;
  Status aborted_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_RESTORE_SPOOL_H_
