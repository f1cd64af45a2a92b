// Bech32 (BIP 173) as age uses it for keys: `age1...` recipients and `AGE-SECRET-KEY-1...`
// identities. As in age, there is no 90-character limit (age's strings are longer), the
// checksum is the original Bech32 one (not Bech32m), and a string is all lower or all upper
// case, never mixed. The human-readable part is returned in the case it was written, so that
// callers can insist on "age" for recipients and "AGE-SECRET-KEY-" for identities, as age does.
#ifndef MYSQL_BACKUP_CODEC_AGE_BECH32_H_
#define MYSQL_BACKUP_CODEC_AGE_BECH32_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mysql_backup::age {

struct Bech32Data {
  std::string hrp;  // as written: "age", "AGE-SECRET-KEY-"
  std::vector<uint8_t> data;
};

// `hrp` + "1" + data + checksum, lower case, or upper case when `upper`.
std::string Bech32Encode(std::string_view hrp, std::span<const uint8_t> data, bool upper);

// Fails (kConfiguration) with the reason only ("invalid checksum", "mixed case"); the caller
// says which string, or that it was a secret one, since the input may be a secret key.
Result<Bech32Data> Bech32Decode(std::string_view text);

}  // namespace mysql_backup::age

#endif  // MYSQL_BACKUP_CODEC_AGE_BECH32_H_
