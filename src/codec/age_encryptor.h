// The encrypting stage: plaintext in, an age file (age-encryption.org/v1, X25519 recipients)
// out to a downstream ByteSink, in one pass with one 64 KiB chunk of memory. `age -d -i KEY`
// decrypts what it writes.
//
// Threading and errors as for Compressor (codec/compressor.h): one thread, the sink is called
// only from Write()/Finish(), errors are sticky. A sink error is returned as is; a failure of
// OpenSSL itself is kStorage.
#ifndef MYSQL_BACKUP_CODEC_AGE_ENCRYPTOR_H_
#define MYSQL_BACKUP_CODEC_AGE_ENCRYPTOR_H_

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "codec/age_keys.h"
#include "codec/age_stream.h"
#include "codec/compressor.h"
#include "util/status.h"

namespace mysql_backup {

class AgeEncryptor final : public ByteSink {
 public:
  // Makes the file key and one stanza per recipient (at least one; kConfiguration otherwise).
  // Nothing reaches `sink` before the first Write() or Finish().
  static Result<std::unique_ptr<AgeEncryptor>> Create(
      const std::vector<age::X25519Recipient>& recipients, ByteSink* sink);

  Status Write(std::span<const uint8_t> data) override;
  // Seals the last chunk (short, or empty for an empty input); no Write() after.
  Status Finish();

 private:
  AgeEncryptor(ByteSink* sink, std::string header, age::StreamCipher stream);
  Status WriteHeader();
  Status SealChunk(bool last);
  Status Fail(Status s);

  ByteSink* sink_;
  std::string header_;  // the whole header and payload nonce, until written
  age::StreamCipher stream_;
  std::vector<uint8_t> chunk_;  // plaintext, sealed in place (room for the tag)
  size_t fill_ = 0;
  bool finished_ = false;
  Status error_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_AGE_ENCRYPTOR_H_
