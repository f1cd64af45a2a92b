// A stream stage that hashes what passes through it (SHA-256) and hands it on unchanged.
#ifndef MYSQL_BACKUP_CODEC_SHA256_TEE_H_
#define MYSQL_BACKUP_CODEC_SHA256_TEE_H_

#include <cstdint>
#include <span>
#include <string>

#include "codec/compressor.h"
#include "codec/sha256.h"

namespace mysql_backup {

class Sha256Tee : public ByteSink {
 public:
  explicit Sha256Tee(ByteSink* next) : next_(next) {}
  Status Write(std::span<const uint8_t> data) override {
    sha_.Update(data);
    return next_->Write(data);
  }
  // Lower-case hex of what passed; call once, after the last Write().
  std::string FinishHex() { return sha_.FinishHex(); }

 private:
  ByteSink* next_;
  Sha256 sha_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_SHA256_TEE_H_
