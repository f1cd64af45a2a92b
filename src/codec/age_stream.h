// age's payload: STREAM over ChaCha20-Poly1305. The key is HKDF-SHA256(file key, salt = the
// 16-byte payload nonce, "payload"); the plaintext is cut into 64 KiB chunks, each sealed with
// the nonce (11-byte big-endian chunk counter || last-chunk flag). Only the last chunk may be
// short, and it may be empty only when it is the only one (an empty payload).
#ifndef MYSQL_BACKUP_CODEC_AGE_STREAM_H_
#define MYSQL_BACKUP_CODEC_AGE_STREAM_H_

#include <cstdint>

#include "codec/age_crypto.h"
#include "util/status.h"

namespace mysql_backup::age {

inline constexpr size_t kChunkSize = 64 * 1024;
inline constexpr size_t kSealedChunkSize = kChunkSize + kTagSize;
inline constexpr size_t kPayloadNonceSize = 16;

class StreamCipher {
 public:
  static Result<StreamCipher> Create(const Secret<16>& file_key,
                                     std::span<const uint8_t, kPayloadNonceSize> payload_nonce);

  // Encrypts `size` (<= kChunkSize) bytes at `data` in place and writes the tag right after
  // them; then moves on to the next chunk.
  Status Seal(uint8_t* data, size_t size, bool last);
  // Opens a sealed chunk (ciphertext then tag) of the current index into `out`; false when it
  // does not authenticate as that (index, last) pair. Does not move on: call Next() once the
  // chunk is accepted, so a caller can try the other `last` value first.
  Result<bool> Open(std::span<const uint8_t> sealed, bool last, uint8_t* out);
  void Next() { ++index_; }
  uint64_t index() const { return index_; }

 private:
  explicit StreamCipher(ChaChaPoly aead) : aead_(std::move(aead)) {}
  std::array<uint8_t, kNonceSize> Nonce(bool last) const;

  ChaChaPoly aead_;
  // The spec's counter has 11 bytes; 2^64 chunks of 64 KiB is beyond any file, so 8 suffice.
  uint64_t index_ = 0;
};

}  // namespace mysql_backup::age

#endif  // MYSQL_BACKUP_CODEC_AGE_STREAM_H_
