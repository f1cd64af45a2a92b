// The base64 of the age header (age-encryption.org/v1): RFC 4648's standard alphabet without
// padding, and canonical only. The spec makes every encoding unique so that the header MAC,
// computed over the bytes as read, cannot be sidestepped by an equivalent spelling; so '='
// padding, non-zero trailing bits, a length that leaves one stray character, and any byte
// outside the alphabet (CR, space, '-' and '_') are all rejected.
#ifndef MYSQL_BACKUP_CODEC_AGE_BASE64_H_
#define MYSQL_BACKUP_CODEC_AGE_BASE64_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mysql_backup::age {

// Unpadded standard base64 of `data`.
std::string EncodeBase64(std::span<const uint8_t> data);

// The bytes `text` encodes, or nullopt when it is not canonical unpadded base64.
std::optional<std::vector<uint8_t>> DecodeBase64(std::string_view text);

}  // namespace mysql_backup::age

#endif  // MYSQL_BACKUP_CODEC_AGE_BASE64_H_
