// Re-reading a stored backup to prove it is whole: the SHA-256 of its bytes, a complete
// compressed stream, and (when the dump has comments) the "-- Dump completed" trailer.
#ifndef MYSQL_BACKUP_DUMP_VERIFY_H_
#define MYSQL_BACKUP_DUMP_VERIFY_H_

#include <cstdint>
#include <string>

#include "config/config.h"
#include "util/status.h"

namespace mysql_backup {

struct StreamCheck {
  std::string sha256;
  uint64_t compressed_bytes = 0;
  uint64_t dump_bytes = 0;
};

// Reads `path` once. The page cache is dropped first (posix_fadvise DONTNEED after our fsync)
// so that, as far as the kernel allows, the bytes come from the disk rather than from memory.
// Errors: kIntegrity (corrupt or truncated stream, missing trailer), kStorage (cannot read).
Result<StreamCheck> CheckBackupStream(const std::string& path, Compression compression);

// The hex digest in a sha256sum-format file, which must name `expected_file_name`.
// Errors: kIntegrity (malformed, names another file), kStorage (missing, unreadable).
Result<std::string> ReadChecksumFile(const std::string& checksum_path,
                                     const std::string& expected_file_name);

// "<hex>  <file name>\n", as sha256sum writes it.
std::string ChecksumFileContent(const std::string& sha256_hex, const std::string& file_name);

// The whole check of a stored backup against its .sha256 file. Errors as above; a missing
// .sha256 is kIntegrity (the backup cannot be trusted).
Result<StreamCheck> VerifyBackupFile(const std::string& path, Compression compression);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_VERIFY_H_
