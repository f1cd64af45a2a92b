#include "codec/age_x25519.h"

#include <algorithm>
#include <optional>

#include "codec/age_base64.h"

namespace mysql_backup::age {
namespace {

constexpr std::string_view kLabel = "age-encryption.org/v1/X25519";
constexpr std::array<uint8_t, kNonceSize> kZeroNonce{};

Status Bad(std::string reason) { return Status(ErrorKind::kIntegrity, std::move(reason)); }

Status WrapKey(const Secret<32>& shared, const Bytes32& share, const Bytes32& recipient,
               Secret<32>* key) {
  std::array<uint8_t, 64> salt;
  std::copy(share.begin(), share.end(), salt.begin());
  std::copy(recipient.begin(), recipient.end(), salt.begin() + 32);
  return HkdfSha256(shared.bytes, salt, kLabel, key->bytes);
}

}  // namespace

Result<Stanza> WrapX25519(const X25519Recipient& recipient, const Secret<16>& file_key) {
  Secret<32> ephemeral;
  Bytes32 share;
  if (Status s = RandomBytes(ephemeral.bytes); !s.ok()) return s;
  if (Status s = X25519PublicKey(ephemeral, &share); !s.ok()) return s;
  Secret<32> shared;
  Result<bool> nonzero = X25519SharedSecret(ephemeral, recipient.public_key, &shared);
  if (!nonzero.ok()) return nonzero.status();
  if (!*nonzero) {
    return Status(ErrorKind::kConfiguration, "recipient '" + recipient.ToString() +
                                                 "' is not a usable X25519 key (a "
                                                 "low-order point)");
  }
  Secret<32> key;
  if (Status s = WrapKey(shared, share, recipient.public_key, &key); !s.ok()) return s;
  Result<ChaChaPoly> aead = ChaChaPoly::Create(key.bytes);
  if (!aead.ok()) return aead.status();
  Stanza stanza{std::string(kX25519StanzaType), {EncodeBase64(share)}, {}};
  stanza.body.resize(file_key.size() + kTagSize);
  if (Status s = aead->Seal(kZeroNonce, file_key.bytes, stanza.body.data(),
                            stanza.body.data() + file_key.size());
      !s.ok()) {
    return s;
  }
  return stanza;
}

Result<bool> UnwrapX25519(const Stanza& stanza, const X25519Identity& identity,
                          Secret<16>* file_key) {
  if (stanza.args.size() != 1) return Bad("an X25519 stanza does not have exactly one argument");
  std::optional<std::vector<uint8_t>> share_bytes = DecodeBase64(stanza.args[0]);
  if (!share_bytes || share_bytes->size() != 32) {
    return Bad("an X25519 stanza's share is not 32 bytes of canonical base64");
  }
  if (stanza.body.size() != file_key->size() + kTagSize) {
    return Bad("an X25519 stanza's body is not a wrapped 16-byte file key");
  }
  Bytes32 share;
  std::copy(share_bytes->begin(), share_bytes->end(), share.begin());
  Secret<32> shared;
  Result<bool> nonzero = X25519SharedSecret(identity.private_key, share, &shared);
  if (!nonzero.ok()) return nonzero.status();
  if (!*nonzero) {
    return Bad(
        "an X25519 stanza's share gives the all-zero shared secret (a low-order point): "
        "the file is corrupted or forged");
  }
  Secret<32> key;
  if (Status s = WrapKey(shared, share, identity.recipient.public_key, &key); !s.ok()) return s;
  Result<ChaChaPoly> aead = ChaChaPoly::Create(key.bytes);
  if (!aead.ok()) return aead.status();
  Secret<16> candidate;
  Result<bool> opened = aead->Open(kZeroNonce, std::span(stanza.body).first(file_key->size()),
                                   stanza.body.data() + file_key->size(), candidate.data());
  if (!opened.ok()) return opened.status();
  if (*opened) *file_key = candidate;
  return *opened;
}

}  // namespace mysql_backup::age
