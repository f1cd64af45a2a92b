#include "codec/spool_cipher.h"

#include <openssl/err.h>

#include <array>
#include <string>

namespace mysql_backup {

namespace {

constexpr size_t kNonceBytes = 12;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using UniqueCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

Status OpenSslError(std::string_view what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  std::string message =
      "Cannot encrypt or decrypt a spool file: OpenSSL " + std::string(what) + " failed";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    message += std::string(": ") + buf;
  }
  return Status(ErrorKind::kStorage, std::move(message));
}

// Four zero bytes, then the chunk index big-endian: a counter never repeats under one key.
std::array<uint8_t, kNonceBytes> Nonce(uint64_t index) {
  std::array<uint8_t, kNonceBytes> nonce{};
  for (int i = 0; i < 8; ++i) nonce[kNonceBytes - 1 - i] = static_cast<uint8_t>(index >> (8 * i));
  return nonce;
}

}  // namespace

Result<SpoolCipher> SpoolCipher::Create() {
  SpoolCipher c;
  c.cipher_.reset(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), CipherDeleter());
  if (!c.cipher_) return OpenSslError("AES-256-GCM fetch");
  Status s = age::RandomBytes(c.key_.bytes);
  if (!s.ok()) return s;
  return c;
}

Status SpoolCipher::Seal(uint64_t index, std::span<const uint8_t> plain, uint8_t* out) const {
  UniqueCtx ctx(EVP_CIPHER_CTX_new());
  const auto nonce = Nonce(index);
  int len = 0, final_len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex2(ctx.get(), cipher_.get(), key_.data(), nonce.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len, plain.data(), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagBytes, out + plain.size()) != 1) {
    return OpenSslError("AES-256-GCM encryption");
  }
  return Status::Ok();
}

Status SpoolCipher::Open(uint64_t index, std::span<const uint8_t> sealed, uint8_t* out) const {
  if (sealed.size() < kTagBytes) {
    return Status(ErrorKind::kStorage, "chunk " + std::to_string(index) +
                                           " of the spool file does not authenticate: it holds "
                                           "fewer bytes than its tag");
  }
  const size_t body = sealed.size() - kTagBytes;
  UniqueCtx ctx(EVP_CIPHER_CTX_new());
  const auto nonce = Nonce(index);
  int len = 0, final_len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex2(ctx.get(), cipher_.get(), key_.data(), nonce.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagBytes,
                          const_cast<uint8_t*>(sealed.data() + body)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &len, sealed.data(), static_cast<int>(body)) != 1) {
    return OpenSslError("AES-256-GCM decryption");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out + len, &final_len) != 1) {
    ERR_clear_error();
    return Status(ErrorKind::kStorage, "chunk " + std::to_string(index) +
                                           " of the spool file does not authenticate: it was "
                                           "altered, cut, or moved");
  }
  return Status::Ok();
}

}  // namespace mysql_backup
