// Incremental SHA-256 (OpenSSL EVP) with an owned context.
#ifndef MYSQL_BACKUP_CODEC_SHA256_H_
#define MYSQL_BACKUP_CODEC_SHA256_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace mysql_backup {

class Sha256 {
 public:
  Sha256();
  void Update(std::span<const uint8_t> data);
  // Lower-case hex of the digest; the object cannot be updated afterwards.
  std::string FinishHex();

 private:
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_SHA256_H_
