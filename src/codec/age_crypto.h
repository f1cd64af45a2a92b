// The primitives age is built from, over OpenSSL 3's EVP interfaces: X25519, HKDF-SHA256,
// HMAC-SHA256, ChaCha20-Poly1305, and the OS random source. Secret<N> holds key material and
// wipes it when it goes away, so a file key never lingers in freed memory.
#ifndef MYSQL_BACKUP_CODEC_AGE_CRYPTO_H_
#define MYSQL_BACKUP_CODEC_AGE_CRYPTO_H_

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "util/status.h"

namespace mysql_backup::age {

template <size_t N>
struct Secret {
  std::array<uint8_t, N> bytes{};
  Secret() = default;
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  ~Secret() { OPENSSL_cleanse(bytes.data(), N); }
  uint8_t* data() { return bytes.data(); }
  const uint8_t* data() const { return bytes.data(); }
  static constexpr size_t size() { return N; }
  std::span<const uint8_t, N> span() const { return bytes; }
};

using Bytes32 = std::array<uint8_t, 32>;
inline constexpr size_t kTagSize = 16;    // Poly1305
inline constexpr size_t kNonceSize = 12;  // ChaCha20-Poly1305 (IETF)

// Errors from here are kStorage ("Cannot encrypt: ..."): OpenSSL itself failed.
Status RandomBytes(std::span<uint8_t> out);
Status HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                  std::string_view info, std::span<uint8_t> out);
Status HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data, Bytes32* mac);

// The public key (basepoint multiple) of an X25519 private key.
Status X25519PublicKey(const Secret<32>& private_key, Bytes32* public_key);
// The X25519 shared secret. Returns false, not an error, when the peer's point is of low order
// and so the secret would be all zeros: age forbids it, and the caller reports it as such.
Result<bool> X25519SharedSecret(const Secret<32>& private_key, const Bytes32& peer,
                                Secret<32>* shared);

// ChaCha20-Poly1305 under one key, nonce per call, no associated data. In place is allowed
// (out == in). Open() writes `out` only as scratch until the tag checks, and returns false on a
// tag mismatch; callers must not use `out` then.
class ChaChaPoly {
 public:
  static Result<ChaChaPoly> Create(std::span<const uint8_t, 32> key);
  Status Seal(std::span<const uint8_t, kNonceSize> nonce, std::span<const uint8_t> in, uint8_t* out,
              uint8_t tag[kTagSize]);
  Result<bool> Open(std::span<const uint8_t, kNonceSize> nonce, std::span<const uint8_t> in,
                    const uint8_t tag[kTagSize], uint8_t* out);

 private:
  struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
  };
  explicit ChaChaPoly(EVP_CIPHER_CTX* ctx) : ctx_(ctx) {}
  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx_;
};

}  // namespace mysql_backup::age

#endif  // MYSQL_BACKUP_CODEC_AGE_CRYPTO_H_
