#include "codec/age_crypto.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <string>

namespace mysql_backup::age {
namespace {

// OpenSSL's error queue text, cleared so that a later, unrelated failure does not show it.
Status OpenSslError(std::string_view what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  std::string message = "Cannot encrypt or decrypt: OpenSSL " + std::string(what) + " failed";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    message += std::string(": ") + buf;
  }
  return Status(ErrorKind::kStorage, std::move(message));
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct KdfDeleter {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
};
struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};
using UniquePkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

UniquePkey PrivateKey(const Secret<32>& key) {
  return UniquePkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, key.data(), key.size()));
}

}  // namespace

Status RandomBytes(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) return OpenSslError("RAND_bytes");
  return Status::Ok();
}

Status HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                  std::string_view info, std::span<uint8_t> out) {
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr));
  if (!kdf) return OpenSslError("HKDF fetch");
  std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return OpenSslError("HKDF context");
  char digest[] = "SHA256";
  // An empty salt is legal (the header key uses none); OpenSSL wants a non-null pointer.
  static const uint8_t kEmpty = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data()),
                                        ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                        const_cast<uint8_t*>(salt.empty() ? &kEmpty : salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                        info.size()),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return OpenSslError("HKDF");
  }
  return Status::Ok();
}

Status HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data, Bytes32* mac) {
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
           mac->data(), &len) == nullptr ||
      len != mac->size()) {
    return OpenSslError("HMAC");
  }
  return Status::Ok();
}

Status X25519PublicKey(const Secret<32>& private_key, Bytes32* public_key) {
  UniquePkey key = PrivateKey(private_key);
  size_t len = public_key->size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), public_key->data(), &len) != 1 ||
      len != public_key->size()) {
    return OpenSslError("X25519 public key");
  }
  return Status::Ok();
}

Result<bool> X25519SharedSecret(const Secret<32>& private_key, const Bytes32& peer,
                                Secret<32>* shared) {
  UniquePkey key = PrivateKey(private_key);
  UniquePkey peer_key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer.data(), peer.size()));
  if (!key || !peer_key) return OpenSslError("X25519 key");
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer_key.get()) != 1) {
    return OpenSslError("X25519 derive setup");
  }
  size_t len = shared->size();
  if (EVP_PKEY_derive(ctx.get(), shared->data(), &len) != 1) {
    // OpenSSL refuses to return an all-zero X25519 result (a low-order point); it fails for no
    // other reason once the keys above were accepted.
    ERR_clear_error();
    return false;
  }
  uint8_t any = 0;
  for (uint8_t b : shared->bytes) any |= b;
  return len == shared->size() && any != 0;
}

Result<ChaChaPoly> ChaChaPoly::Create(std::span<const uint8_t, 32> key) {
  ChaChaPoly cipher(EVP_CIPHER_CTX_new());
  if (!cipher.ctx_ || EVP_CipherInit_ex(cipher.ctx_.get(), EVP_chacha20_poly1305(), nullptr,
                                        key.data(), nullptr, 1) != 1) {
    return OpenSslError("ChaCha20-Poly1305 setup");
  }
  return cipher;
}

Status ChaChaPoly::Seal(std::span<const uint8_t, kNonceSize> nonce, std::span<const uint8_t> in,
                        uint8_t* out, uint8_t tag[kTagSize]) {
  int len = 0;
  if (EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, nullptr, nonce.data(), 1) != 1 ||
      EVP_CipherUpdate(ctx_.get(), out, &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx_.get(), out + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize, tag) != 1) {
    return OpenSslError("ChaCha20-Poly1305 encryption");
  }
  return Status::Ok();
}

Result<bool> ChaChaPoly::Open(std::span<const uint8_t, kNonceSize> nonce,
                              std::span<const uint8_t> in, const uint8_t tag[kTagSize],
                              uint8_t* out) {
  int len = 0;
  if (EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, nullptr, nonce.data(), 0) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize, const_cast<uint8_t*>(tag)) !=
          1 ||
      EVP_CipherUpdate(ctx_.get(), out, &len, in.data(), static_cast<int>(in.size())) != 1) {
    return OpenSslError("ChaCha20-Poly1305 decryption");
  }
  if (EVP_CipherFinal_ex(ctx_.get(), out + len, &len) != 1) {
    ERR_clear_error();
    return false;  // the tag does not match
  }
  return true;
}

}  // namespace mysql_backup::age
