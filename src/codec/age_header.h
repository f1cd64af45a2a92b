// The age header (age-encryption.org/v1): the version line, one stanza per recipient, and the
// MAC line. Parsing is strict, as the spec asks: every encoding has exactly one accepted
// spelling (LF line ends only, single spaces, 64-column canonical base64 bodies), so the MAC,
// computed over the bytes as read, covers exactly what was parsed.
#ifndef MYSQL_BACKUP_CODEC_AGE_HEADER_H_
#define MYSQL_BACKUP_CODEC_AGE_HEADER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/age_crypto.h"
#include "util/status.h"

namespace mysql_backup::age {

inline constexpr std::string_view kVersionLine = "age-encryption.org/v1";

struct Stanza {
  std::string type;               // "X25519", or a type we skip
  std::vector<std::string> args;  // the arguments after the type
  std::vector<uint8_t> body;
};

struct Header {
  std::vector<Stanza> stanzas;
  Bytes32 mac{};
  // The length of the header up to and including "---": the bytes the MAC covers.
  size_t mac_input_size = 0;
};

// The header up to and including "---" (what the MAC covers); append " " + base64(mac) + "\n".
std::string EncodeHeaderForMac(const std::vector<Stanza>& stanzas);
std::string EncodeMacLine(const Bytes32& mac);

// Parses a complete header: everything up to and including the LF that ends the first line
// starting with "---" (stanza lines start with "->" and body lines are base64, so no earlier
// line can). Fails with kIntegrity and the reason
// ("stanza body is not canonical base64").
Result<Header> ParseHeader(std::string_view text);

// HMAC-SHA256 under HKDF(file key, info "header") of the header's first `mac_input_size` bytes.
Status ComputeHeaderMac(const Secret<16>& file_key, std::string_view mac_input, Bytes32* mac);

}  // namespace mysql_backup::age

#endif  // MYSQL_BACKUP_CODEC_AGE_HEADER_H_
