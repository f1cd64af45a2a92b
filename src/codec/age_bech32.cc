#include "codec/age_bech32.h"

#include <openssl/crypto.h>

#include <cctype>

namespace mysql_backup::age {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

uint32_t PolyMod(std::span<const uint8_t> values) {
  static constexpr uint32_t kGenerator[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                            0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGenerator[i];
    }
  }
  return chk;
}

// The checksum input: the lower-case hrp expanded as BIP 173 says, then the 5-bit data.
std::vector<uint8_t> ChecksumInput(std::string_view lower_hrp, std::span<const uint8_t> data) {
  std::vector<uint8_t> values;
  values.reserve(lower_hrp.size() * 2 + 1 + data.size() + 6);
  for (char c : lower_hrp) values.push_back(static_cast<uint8_t>(c) >> 5);
  values.push_back(0);
  for (char c : lower_hrp) values.push_back(static_cast<uint8_t>(c) & 31);
  values.insert(values.end(), data.begin(), data.end());
  return values;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status Bad(std::string reason) { return Status(ErrorKind::kConfiguration, std::move(reason)); }

}  // namespace

std::string Bech32Encode(std::string_view hrp, std::span<const uint8_t> data, bool upper) {
  std::string lower_hrp = ToLower(hrp);
  // 8-bit bytes regrouped into 5-bit values, the last one padded with zero bits.
  std::vector<uint8_t> values;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : data) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      values.push_back((acc >> bits) & 31);
    }
  }
  if (bits > 0) values.push_back((acc << (5 - bits)) & 31);

  std::vector<uint8_t> input = ChecksumInput(lower_hrp, values);
  input.insert(input.end(), 6, 0);
  uint32_t mod = PolyMod(input) ^ 1;
  std::string out = lower_hrp + "1";
  for (uint8_t v : values) out += kCharset[v];
  for (int i = 0; i < 6; ++i) out += kCharset[(mod >> (5 * (5 - i))) & 31];
  if (upper) {
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

Result<Bech32Data> Bech32Decode(std::string_view text) {
  bool has_lower = false, has_upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return Bad("invalid character (not printable ASCII)");
    has_lower |= std::islower(static_cast<unsigned char>(c)) != 0;
    has_upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
  }
  if (has_lower && has_upper) return Bad("mixed upper and lower case");
  size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0) return Bad("no '1' separator after a prefix");
  if (text.size() - sep - 1 < 6) return Bad("too short for its checksum");

  // The string may be a secret key: wipe the working copies whatever path returns.
  std::string lower = ToLower(text);
  std::vector<uint8_t> values;
  struct Wipe {
    std::string& lower;
    std::vector<uint8_t>& values;
    ~Wipe() {
      OPENSSL_cleanse(lower.data(), lower.size());
      OPENSSL_cleanse(values.data(), values.size());
    }
  } wipe{lower, values};
  values.reserve(lower.size());  // no reallocation leaves an unwiped copy behind
  for (char c : std::string_view(lower).substr(sep + 1)) {
    size_t v = kCharset.find(c);
    if (v == std::string_view::npos) {
      return Bad(std::string("invalid character '") + c + "' (not in the Bech32 alphabet)");
    }
    values.push_back(static_cast<uint8_t>(v));
  }
  std::string_view lower_hrp = std::string_view(lower).substr(0, sep);
  std::vector<uint8_t> input = ChecksumInput(lower_hrp, values);
  bool checksum_ok = PolyMod(input) == 1;
  OPENSSL_cleanse(input.data(), input.size());
  if (!checksum_ok) return Bad("invalid checksum (a typing or copying error?)");
  values.resize(values.size() - 6);

  // Back to 8-bit bytes; what is left over must be under 5 bits of zeros (canonical padding).
  Bech32Data out{std::string(text.substr(0, sep)), {}};
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t v : values) {
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.data.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (bits >= 5 || acc != 0) return Bad("non-canonical padding bits");
  return out;
}

}  // namespace mysql_backup::age
