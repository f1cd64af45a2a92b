// Re-reading a stored backup to prove it is whole: the SHA-256 of its bytes, a complete
// compressed stream, and (when the dump has comments) the "-- Dump completed" trailer.
//
// An encrypted (.age) file is checked as far as the keys at hand allow. Without an identity,
// only its SHA-256: that proves the stored bytes are the ones the backup wrote (and the backup
// checked the compressed stream and the trailer on the plain side while writing them), but not
// that they decrypt. With an identity, the file is also decrypted (every chunk authenticated,
// the header MAC checked) and the compressed stream and trailer inside are checked as for a
// plain file.
#ifndef MYSQL_BACKUP_DUMP_VERIFY_H_
#define MYSQL_BACKUP_DUMP_VERIFY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/age_keys.h"

#include "codec/compressor.h"
#include "config/config.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

// How a stored file is read. Converts from a Compression for plain files.
struct StoredFormat {
  StoredFormat(Compression c = Compression::kGzip) : compression(c) {}  // NOLINT: implicit
  Compression compression;
  bool encrypted = false;
  // For an encrypted file: the identities to open it with (not owned). Null or empty: the
  // check stops at the SHA-256 (StreamCheck::decrypted is false).
  const std::vector<age::X25519Identity>* identities = nullptr;
  bool CanDecrypt() const { return identities != nullptr && !identities->empty(); }
};

struct StreamCheck {
  std::string sha256;              // of the stored bytes
  uint64_t compressed_bytes = 0;   // stored bytes
  uint64_t dump_bytes = 0;         // 0 when only the hash was checked
  bool encrypted = false;
  // An encrypted file that was decrypted and fully checked; false: the hash only.
  bool decrypted = false;
  std::string plain_sha256;  // decrypted only: SHA-256 of the compressed stream inside
};

// The check itself, as a sink: write the whole stored file through it, then Finish(). Used for
// a local file (CheckBackupStream, VerifyBackupFile) and for bytes that arrive as a stream (a
// download from an offsite target), so both check a file, encrypted or not, the same way.
class BackupStreamChecker : public ByteSink {
 public:
  // `what` (the file or URL) names the file in messages. The identities `format` points to must
  // outlive the checker.
  BackupStreamChecker(const StoredFormat& format, std::string what);
  ~BackupStreamChecker() override;
  // Always Ok: the first fault of the stream is remembered (failure()), and the bytes after it
  // are still hashed, so a download can go on to its end.
  Status Write(std::span<const uint8_t> data) override;
  // The first fault so far; Ok while the stream is sound.
  const Status& failure() const;
  // Errors: kIntegrity (corrupt or truncated stream, missing trailer, a file no identity
  // opens), naming `what`.
  Result<StreamCheck> Finish();
  // The SHA-256 of every byte written; set by Finish(), whatever it returned.
  const std::string& sha256() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A checksum file is one line of about 100 bytes; anything larger is not one of ours.
inline constexpr size_t kMaxChecksumFileSize = 1024;

// The folder of `path`, followed (the caller named it), for the *At functions on its last
// component. Errors: kStorage.
Result<DirFd> OpenParentFolder(const std::string& path);

// Reads `path` once. The page cache is dropped first (posix_fadvise DONTNEED after our fsync)
// so that, as far as the kernel allows, the bytes come from the disk rather than from memory.
// Errors: kIntegrity (corrupt or truncated stream, missing trailer), kStorage (cannot read).
Result<StreamCheck> CheckBackupStream(const std::string& path, const StoredFormat& format);

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
Result<StreamCheck> VerifyBackupFile(const std::string& path, const StoredFormat& format);
// The same for `name` inside the open folder `dir`.
Result<StreamCheck> VerifyBackupFileAt(const DirFd& dir, const std::string& name,
                                       const StoredFormat& format);

// Only the SHA-256 of `name` in `dir`, read once from the device as CheckBackupStream reads,
// against its .sha256 file; nothing is decompressed. Enough for a file whose stream was proven
// when it was written (see VerifyBeforeLoad). StreamCheck::dump_bytes is 0. Errors as
// VerifyBackupFileAt.
Result<StreamCheck> VerifyStoredBytesAt(const DirFd& dir, const std::string& name);

// The format of a backup file from its name: ".sql.gz", ".sql.zst", and ".age" after either.
// Errors: kUsage for other files. The identities are left for the caller to set.
Result<StoredFormat> StoredFormatOfFile(const std::string& path);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_VERIFY_H_
