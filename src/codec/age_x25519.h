// age's X25519 recipient stanza: "-> X25519 <ephemeral share>" with the file key wrapped under
// HKDF-SHA256(shared secret, salt = share || recipient, "age-encryption.org/v1/X25519") by
// ChaCha20-Poly1305 with a zero nonce (each key is used once).
#ifndef MYSQL_BACKUP_CODEC_AGE_X25519_H_
#define MYSQL_BACKUP_CODEC_AGE_X25519_H_

#include "codec/age_crypto.h"
#include "codec/age_header.h"
#include "codec/age_keys.h"
#include "util/status.h"

namespace mysql_backup::age {

inline constexpr std::string_view kX25519StanzaType = "X25519";

// A new stanza for `recipient` (fresh ephemeral key from the OS random source).
Result<Stanza> WrapX25519(const X25519Recipient& recipient, const Secret<16>& file_key);

// true with `*file_key` set when the stanza was made for `identity`; false when it was not (its
// tag does not open). Fails (kIntegrity) when the stanza is malformed (argument count, share or
// body length, encoding) or its share gives the all-zero shared secret: the spec makes these
// fatal to the whole file, not a reason to try the next stanza. Call only for X25519 stanzas.
Result<bool> UnwrapX25519(const Stanza& stanza, const X25519Identity& identity,
                          Secret<16>* file_key);

}  // namespace mysql_backup::age

#endif  // MYSQL_BACKUP_CODEC_AGE_X25519_H_
