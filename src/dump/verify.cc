#include "dump/verify.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <optional>
#include <vector>

#include "codec/age_decryptor.h"
#include "codec/compressor.h"
#include "dump/dump_trailer.h"
#include "codec/sha256.h"
#include "codec/sha256_tee.h"
#include "storage/backup_name.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

class TrailerSink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    check_.Update(data);
    return Status::Ok();
  }
  const DumpTrailerCheck& check() const { return check_; }

 private:
  DumpTrailerCheck check_;
};

Result<StreamCheck> VerifyAt(const DirFd& dir, const std::string& name, const StoredFormat& format,
                             bool hash_only);

// hash_only: the SHA-256 of the stored bytes and nothing else.
Result<StreamCheck> CheckStream(int fd, const std::string& path, const StoredFormat& format,
                                bool hash_only = false);

}  // namespace

Result<DirFd> OpenParentFolder(const std::string& path) {
  std::string dir = DirName(path);
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open directory", dir);
  return DirFd{std::move(fd), dir};
}

Result<StreamCheck> CheckBackupStream(const std::string& path, const StoredFormat& format) {
  auto dir = OpenParentFolder(path);
  if (!dir.ok()) return dir.status();
  auto fd = OpenRegularFileAt(*dir, BaseName(path), ErrorKind::kStorage, ErrorKind::kIntegrity);
  if (!fd.ok()) return fd.status();
  return CheckStream(fd->get(), path, format);
}

namespace {

// Lets the decryptor (a ByteSink chain) feed the decompressor.
class DecompressorSink : public ByteSink {
 public:
  explicit DecompressorSink(Decompressor* d) : d_(d) {}
  Status Write(std::span<const uint8_t> data) override { return d_->Write(data); }

 private:
  Decompressor* d_;
};

Result<StreamCheck> CheckStream(int fd, const std::string& path, const StoredFormat& format,
                                bool hash_only) {
  // Clean pages are dropped by DONTNEED, so the re-read goes to the device. A disk's own cache
  // may still answer; that is as far as a user-space tool can see.
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<uint8_t> buf(1 << 20);
  if (hash_only) {
    Sha256 sha;
    StreamCheck out;
    out.encrypted = format.encrypted;
    for (;;) {
      ssize_t n = read(fd, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(ErrorKind::kStorage, "read", path);
      }
      if (n == 0) break;
      sha.Update({buf.data(), static_cast<size_t>(n)});
      out.compressed_bytes += static_cast<uint64_t>(n);
    }
    out.sha256 = sha.FinishHex();
    return out;
  }
  BackupStreamChecker checker(format, path);
  // A local file is read no further than its first fault: that fault is the message.
  while (checker.failure().ok()) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kStorage, "read", path);
    }
    if (n == 0) break;
    (void)checker.Write({buf.data(), static_cast<size_t>(n)});
  }
  return checker.Finish();
}

}  // namespace

// stored bytes -> SHA-256 -> [age -> plain SHA-256] -> decompressor -> trailer; or, for an
// encrypted file without identities, the SHA-256 alone.
struct BackupStreamChecker::State {
  std::string what;
  bool encrypted = false;
  bool decrypting = false;
  Sha256 sha;
  uint64_t stored_bytes = 0;
  TrailerSink trailer;
  std::unique_ptr<Decompressor> decompressor;
  std::optional<DecompressorSink> decompressor_sink;
  std::optional<Sha256Tee> plain_hash;
  std::optional<AgeDecryptor> decryptor;
  ByteSink* first_stage = nullptr;  // null: hash only
  Status failed;
  std::string sha256;
};

BackupStreamChecker::BackupStreamChecker(const StoredFormat& format, std::string what)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.what = std::move(what);
  s.encrypted = format.encrypted;
  s.decrypting = format.encrypted && format.CanDecrypt();
  if (s.encrypted && !s.decrypting) return;
  s.decompressor = MakeDecompressor(format.compression, &s.trailer);
  s.decompressor_sink.emplace(s.decompressor.get());
  s.first_stage = &*s.decompressor_sink;
  if (s.decrypting) {
    s.plain_hash.emplace(&*s.decompressor_sink);
    s.decryptor.emplace(*format.identities, &*s.plain_hash, s.what);
    s.first_stage = &*s.decryptor;
  }
}

BackupStreamChecker::~BackupStreamChecker() = default;

Status BackupStreamChecker::Write(std::span<const uint8_t> data) {
  // A fault is remembered, not returned: a download goes on, as the SHA-256 of the whole file is
  // still wanted and a mismatch there is the clearer message.
  State& s = *state_;
  s.sha.Update(data);
  s.stored_bytes += data.size();
  if (s.first_stage != nullptr && s.failed.ok()) {
    Status r = s.first_stage->Write(data);
    // The decryptor's messages already name the file.
    if (!r.ok()) s.failed = s.decryptor ? r : std::move(r).AddContext("'" + s.what + "'");
  }
  return Status::Ok();
}

const Status& BackupStreamChecker::failure() const { return state_->failed; }

const std::string& BackupStreamChecker::sha256() const { return state_->sha256; }

Result<StreamCheck> BackupStreamChecker::Finish() {
  State& s = *state_;
  s.sha256 = s.sha.FinishHex();
  if (!s.failed.ok()) return s.failed;
  StreamCheck out;
  out.sha256 = s.sha256;
  out.compressed_bytes = s.stored_bytes;
  out.encrypted = s.encrypted;
  out.decrypted = s.decrypting;
  if (s.first_stage == nullptr) return out;
  if (s.decryptor) {
    Status r = s.decryptor->Finish();
    if (!r.ok()) return r;
    out.plain_sha256 = s.plain_hash->FinishHex();
  }
  Status r = s.decompressor->Finish();
  if (!r.ok()) return std::move(r).AddContext("'" + s.what + "'");
  if (!s.trailer.check().complete()) {
    return Status(ErrorKind::kIntegrity,
                  "'" + s.what + "': the dump inside does not end with '-- Dump completed'; it "
                                 "was cut off");
  }
  out.dump_bytes = s.trailer.check().total_bytes();
  return out;
}

std::string ChecksumFileContent(const std::string& sha256_hex, const std::string& file_name) {
  return sha256_hex + "  " + file_name + "\n";
}

Result<std::string> ReadChecksumFile(const std::string& checksum_path,
                                     const std::string& expected_file_name) {
  auto dir = OpenParentFolder(checksum_path);
  if (!dir.ok()) return dir.status();
  return ReadChecksumFileAt(*dir, BaseName(checksum_path), expected_file_name);
}

Result<std::string> ReadChecksumFileAt(const DirFd& dir, const std::string& checksum_name,
                                       const std::string& expected_file_name) {
  std::string checksum_path = dir.PathOf(checksum_name);
  auto present = StatAt(dir, checksum_name);
  if (present.ok() && !present->has_value()) {
    return Status(ErrorKind::kIntegrity,
                  "checksum file '" + checksum_path + "' is missing; the backup cannot be trusted");
  }
  // A link, FIFO or device there is bad content (65); one we may not read is storage (74).
  auto fd = OpenRegularFileAt(dir, checksum_name, ErrorKind::kIntegrity, ErrorKind::kIntegrity);
  if (!fd.ok()) return fd.status();
  // One byte more than allowed tells "too large" from "exactly the limit", whatever st_size said
  // (the file may grow while we read).
  std::string text(kMaxChecksumFileSize + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = read(fd->get(), text.data() + got, text.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kStorage, "read", checksum_path);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > kMaxChecksumFileSize) {
    return Status(ErrorKind::kIntegrity,
                  "checksum file '" + checksum_path + "' is larger than " +
                      std::to_string(kMaxChecksumFileSize) +
                      " bytes; a .sha256 file holds one line of about 100 bytes, so this is not "
                      "one; remove it or write it again with sha256sum");
  }
  text.resize(got);
  std::string line = text.substr(0, text.find('\n'));
  bool hex = line.size() > 64;
  for (size_t i = 0; hex && i < 64; ++i) hex = std::isxdigit(static_cast<unsigned char>(line[i]));
  // sha256sum writes "<hex>  <name>" (text mode) or "<hex> *<name>" (binary mode).
  std::string name = hex && line.size() > 66 ? line.substr(66) : "";
  if (!hex || line[64] != ' ' || (line[65] != ' ' && line[65] != '*') || name.empty()) {
    return Status(ErrorKind::kIntegrity,
                  "checksum file '" + checksum_path + "' is not in sha256sum format");
  }
  if (name != expected_file_name) {
    return Status(ErrorKind::kIntegrity, "checksum file '" + checksum_path + "' is for '" + name +
                                             "', not '" + expected_file_name + "'");
  }
  std::string digest = line.substr(0, 64);
  for (char& c : digest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return digest;
}

Result<StreamCheck> VerifyBackupFile(const std::string& path, const StoredFormat& format) {
  auto dir = OpenParentFolder(path);
  if (!dir.ok()) return dir.status();
  return VerifyBackupFileAt(*dir, BaseName(path), format);
}

Result<StoredFormat> StoredFormatOfFile(const std::string& path) {
  std::string_view rest = path;
  bool encrypted = rest.ends_with(kEncryptedSuffix);
  if (encrypted) rest.remove_suffix(std::string_view(kEncryptedSuffix).size());
  StoredFormat format;
  format.encrypted = encrypted;
  if (rest.ends_with(".gz")) {
    format.compression = Compression::kGzip;
  } else if (rest.ends_with(".zst")) {
    format.compression = Compression::kZstd;
  } else {
    return Status(ErrorKind::kUsage, "'" + path +
                                         "' is not a backup: expected a .sql.gz or .sql.zst file "
                                         "(or .sql.gz.age, .sql.zst.age when encrypted)");
  }
  return format;
}

Result<StreamCheck> VerifyBackupFileAt(const DirFd& dir, const std::string& name,
                                       const StoredFormat& format) {
  return VerifyAt(dir, name, format, /*hash_only=*/false);
}

Result<StreamCheck> VerifyStoredBytesAt(const DirFd& dir, const std::string& name) {
  return VerifyAt(dir, name, StoredFormat(), /*hash_only=*/true);
}

namespace {

Result<StreamCheck> VerifyAt(const DirFd& dir, const std::string& name, const StoredFormat& format,
                             bool hash_only) {
  std::string path = dir.PathOf(name);
  // The backup is opened first: one that is gone or not a backup is reported as such, not as
  // a backup without checksum.
  auto fd = OpenRegularFileAt(dir, name, ErrorKind::kStorage, ErrorKind::kIntegrity);
  if (!fd.ok()) return fd.status();
  auto expected = ReadChecksumFileAt(dir, name + kChecksumSuffix, name);
  if (!expected.ok()) return expected.status();
  auto check = CheckStream(fd->get(), path, format, hash_only);
  if (!check.ok()) return check.status();
  if (check->sha256 != *expected) {
    return Status(ErrorKind::kIntegrity, "'" + path + "': SHA-256 " + check->sha256 +
                                             " does not match " + *expected + " in its .sha256 file");
  }
  return check;
}

}  // namespace

}  // namespace mysql_backup
