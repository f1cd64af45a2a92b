// Re-reading a stored backup to prove it is whole: the SHA-256 of its bytes, a complete
// compressed stream, and (when the dump has comments) the "-- Dump completed" trailer.
#ifndef MYSQL_BACKUP_DUMP_VERIFY_H_
#define MYSQL_BACKUP_DUMP_VERIFY_H_

#include <cstdint>
#include <memory>
#include <string>

#include "codec/compressor.h"
#include "config/config.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

struct StreamCheck {
  std::string sha256;
  uint64_t compressed_bytes = 0;
  uint64_t dump_bytes = 0;
};

// The same check for bytes that arrive as a stream (a download from an offsite target): write
// the whole stored file through it, then Finish().
class BackupStreamChecker : public ByteSink {
 public:
  explicit BackupStreamChecker(Compression compression);
  ~BackupStreamChecker() override;
  Status Write(std::span<const uint8_t> data) override;
  // Errors: kIntegrity (corrupt or truncated stream, missing trailer), naming `what`.
  Result<StreamCheck> Finish(const std::string& what);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A checksum file is one line of about 100 bytes; anything larger is not one of ours.
inline constexpr size_t kMaxChecksumFileSize = 1024;

// Reads `path` once. The page cache is dropped first (posix_fadvise DONTNEED after our fsync)
// so that, as far as the kernel allows, the bytes come from the disk rather than from memory.
// Errors: kIntegrity (corrupt or truncated stream, missing trailer), kStorage (cannot read).
Result<StreamCheck> CheckBackupStream(const std::string& path, Compression compression);

// The hex digest in a sha256sum-format file, which must name `expected_file_name`. The file is
// opened without following a link and without blocking, and must be a regular file of at most
// kMaxChecksumFileSize bytes: a FIFO or a link to /dev/zero planted there neither hangs the
// run nor fills its memory.
// Errors: kIntegrity (missing, malformed, names another file, a link, not a regular file, too
// large), kStorage (cannot be read: permission denied, I/O error).
Result<std::string> ReadChecksumFile(const std::string& checksum_path,
                                     const std::string& expected_file_name);
// The same for `checksum_name` inside the open folder `dir`.
Result<std::string> ReadChecksumFileAt(const DirFd& dir, const std::string& checksum_name,
                                       const std::string& expected_file_name);

// "<hex>  <file name>\n", as sha256sum writes it.
std::string ChecksumFileContent(const std::string& sha256_hex, const std::string& file_name);

// The whole check of a stored backup against its .sha256 file. Errors as above; a missing
// .sha256 is kIntegrity (the backup cannot be trusted). Neither the backup nor its .sha256 is
// followed when it is a link (the folders in `path` are), and a backup that is not a regular
// file (a FIFO, say) is kIntegrity.
Result<StreamCheck> VerifyBackupFile(const std::string& path, Compression compression);
// The same for `name` inside the open folder `dir`.
Result<StreamCheck> VerifyBackupFileAt(const DirFd& dir, const std::string& name,
                                       Compression compression);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_VERIFY_H_
