// Authenticated encryption for the chunks of a temp file that lives only as long as this process
// (the restore's spool files). Each SpoolCipher draws a fresh random AES-256-GCM key that exists
// only in memory and is wiped with the object, so what the file holds is unreadable to anyone who
// finds it, during the run or after a crash. Chunk `index` is sealed with the nonce `index` (a
// counter; the key is never reused across files), so a chunk that was altered, cut short, or
// moved to another place in the file fails to open instead of yielding wrong bytes.
#ifndef MYSQL_BACKUP_CODEC_SPOOL_CIPHER_H_
#define MYSQL_BACKUP_CODEC_SPOOL_CIPHER_H_

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "codec/age_crypto.h"
#include "util/status.h"

namespace mysql_backup {

class SpoolCipher {
 public:
  static constexpr size_t kTagBytes = 16;

  // A cipher with a fresh random key. Errors: kStorage (OpenSSL failed).
  static Result<SpoolCipher> Create();

  // Encrypts `plain` as chunk `index` into `out`, which holds plain.size() + kTagBytes bytes.
  // Seal each index once: a second chunk under the same index would reuse the nonce.
  // Thread-safe. Errors: kStorage (OpenSSL failed).
  Status Seal(uint64_t index, std::span<const uint8_t> plain, uint8_t* out) const;
  // Decrypts chunk `index` (`sealed`, as Seal wrote it) into `out`, which holds
  // sealed.size() - kTagBytes bytes; `out` is only scratch unless this returns ok.
  // Thread-safe. Errors: kStorage ("chunk N does not authenticate": altered, cut, or another
  // chunk's bytes; or OpenSSL failed).
  Status Open(uint64_t index, std::span<const uint8_t> sealed, uint8_t* out) const;

 private:
  struct CipherDeleter {
    void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
  };
  SpoolCipher() = default;

  age::Secret<32> key_;
  // Fetched once: looking the algorithm up for every chunk would cost more than sealing it.
  std::shared_ptr<EVP_CIPHER> cipher_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_SPOOL_CIPHER_H_
