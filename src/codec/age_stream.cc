#include "codec/age_stream.h"

namespace mysql_backup::age {

Result<StreamCipher> StreamCipher::Create(
    const Secret<16>& file_key, std::span<const uint8_t, kPayloadNonceSize> payload_nonce) {
  Secret<32> key;
  if (Status s = HkdfSha256(file_key.bytes, payload_nonce, "payload", key.bytes); !s.ok()) {
    return s;
  }
  Result<ChaChaPoly> aead = ChaChaPoly::Create(key.bytes);
  if (!aead.ok()) return aead.status();
  return StreamCipher(std::move(*aead));
}

std::array<uint8_t, kNonceSize> StreamCipher::Nonce(bool last) const {
  std::array<uint8_t, kNonceSize> nonce{};
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<uint8_t>(index_ >> (8 * i));
  nonce[11] = last ? 1 : 0;
  return nonce;
}

Status StreamCipher::Seal(uint8_t* data, size_t size, bool last) {
  if (Status s = aead_.Seal(Nonce(last), std::span<const uint8_t>(data, size), data, data + size);
      !s.ok()) {
    return s;
  }
  Next();
  return Status::Ok();
}

Result<bool> StreamCipher::Open(std::span<const uint8_t> sealed, bool last, uint8_t* out) {
  return aead_.Open(Nonce(last), sealed.first(sealed.size() - kTagSize),
                    sealed.data() + sealed.size() - kTagSize, out);
}

}  // namespace mysql_backup::age
