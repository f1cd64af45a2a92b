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

// The folder of `path` (followed: the caller named it) and the last component.
Result<DirFd> OpenParent(const std::string& path) {
  std::string dir = DirName(path);
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open directory", dir);
  return DirFd{std::move(fd), dir};
}

Result<StreamCheck> VerifyAt(const DirFd& dir, const std::string& name, const StoredFormat& format,
                             bool hash_only);

// hash_only: the SHA-256 of the stored bytes and nothing else.
Result<StreamCheck> CheckStream(int fd, const std::string& path, const StoredFormat& format,
                                bool hash_only = false);

}  // namespace

Result<StreamCheck> CheckBackupStream(const std::string& path, const StoredFormat& format) {
  auto dir = OpenParent(path);
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

// Swallows the input: the hash-only check of an encrypted file with no key at hand.
class NullSink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t>) override { return Status::Ok(); }
};

Result<StreamCheck> CheckStream(int fd, const std::string& path, const StoredFormat& format,
                                bool hash_only) {
  // Clean pages are dropped by DONTNEED, so the re-read goes to the device. A disk's own cache
  // may still answer; that is as far as a user-space tool can see.
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256 sha;
  TrailerSink trailer;
  std::unique_ptr<Decompressor> decompressor = MakeDecompressor(format.compression, &trailer);
  StreamCheck out;
  out.encrypted = format.encrypted;
  out.decrypted = !hash_only && format.encrypted && format.CanDecrypt();
  // stored bytes -> [age -> plain hash] -> decompressor -> trailer; or, hash only, nowhere.
  std::optional<Sha256Tee> plain_hash;
  std::optional<AgeDecryptor> decryptor;
  NullSink null_sink;
  DecompressorSink decompressor_sink(decompressor.get());
  ByteSink* stage = &decompressor_sink;
  if (out.decrypted) {
    plain_hash.emplace(&decompressor_sink);
    decryptor.emplace(*format.identities, &*plain_hash, path);
    stage = &*decryptor;
  } else if (format.encrypted || hash_only) {
    stage = &null_sink;
  }
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(ErrorKind::kStorage, "read", path);
    }
    if (n == 0) break;
    std::span<const uint8_t> data(buf.data(), static_cast<size_t>(n));
    sha.Update(data);
    out.compressed_bytes += data.size();
    Status s = stage->Write(data);
    if (!s.ok()) return decryptor ? s : std::move(s).AddContext("'" + path + "'");
  }
  if (hash_only || (format.encrypted && !out.decrypted)) {
    out.sha256 = sha.FinishHex();
    return out;
  }
  if (decryptor) {
    // The decryptor's messages already name the file.
    Status s = decryptor->Finish();
    if (!s.ok()) return s;
    out.plain_sha256 = plain_hash->FinishHex();
  }
  Status s = decompressor->Finish();
  if (!s.ok()) return std::move(s).AddContext("'" + path + "'");
  if (!trailer.check().complete()) {
    return Status(ErrorKind::kIntegrity,
                  "'" + path + "': the dump inside does not end with '-- Dump completed'; it was "
                               "cut off");
  }
  out.sha256 = sha.FinishHex();
  out.dump_bytes = trailer.check().total_bytes();
  return out;
}

}  // namespace

struct BackupStreamChecker::State {
  Sha256 sha;
  TrailerSink trailer;
  std::unique_ptr<Decompressor> decompressor;
  uint64_t compressed_bytes = 0;
  Status failed;
};

BackupStreamChecker::BackupStreamChecker(Compression compression)
    : state_(std::make_unique<State>()) {
  state_->decompressor = MakeDecompressor(compression, &state_->trailer);
}

BackupStreamChecker::~BackupStreamChecker() = default;

Status BackupStreamChecker::Write(std::span<const uint8_t> data) {
  // A corrupt stream is remembered, not returned: the SHA-256 of the whole file is still wanted,
  // and a mismatch there is the clearer message.
  state_->sha.Update(data);
  state_->compressed_bytes += data.size();
  if (state_->failed.ok()) state_->failed = state_->decompressor->Write(data);
  return Status::Ok();
}

Result<StreamCheck> BackupStreamChecker::Finish(const std::string& what) {
  Status s = state_->failed;
  if (s.ok()) s = state_->decompressor->Finish();
  if (!s.ok()) return std::move(s).AddContext("'" + what + "'");
  if (!state_->trailer.check().complete()) {
    return Status(ErrorKind::kIntegrity,
                  "'" + what + "': the dump inside does not end with '-- Dump completed'; it was "
                               "cut off");
  }
  StreamCheck out;
  out.sha256 = state_->sha.FinishHex();
  out.compressed_bytes = state_->compressed_bytes;
  out.dump_bytes = state_->trailer.check().total_bytes();
  return out;
}

std::string ChecksumFileContent(const std::string& sha256_hex, const std::string& file_name) {
  return sha256_hex + "  " + file_name + "\n";
}

Result<std::string> ReadChecksumFile(const std::string& checksum_path,
                                     const std::string& expected_file_name) {
  auto dir = OpenParent(checksum_path);
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
  auto dir = OpenParent(path);
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
