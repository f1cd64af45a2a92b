#include "codec/age_keys.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "codec/age_bech32.h"

namespace mysql_backup::age {
namespace {

constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "AGE-SECRET-KEY-";

Status Bad(std::string message) { return Status(ErrorKind::kConfiguration, std::move(message)); }

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  size_t start = s.find_first_not_of(kSpace);
  if (start == std::string_view::npos) return {};
  return s.substr(start, s.find_last_not_of(kSpace) - start + 1);
}

// Calls `fn(line, number)` for each line that is neither blank nor a '#' comment.
template <typename Fn>
Status ForEachEntry(std::string_view contents, Fn fn) {
  int number = 0;
  while (!contents.empty()) {
    size_t end = contents.find('\n');
    std::string_view line = Trim(contents.substr(0, end));
    contents = end == std::string_view::npos ? std::string_view() : contents.substr(end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    if (Status s = fn(line, number); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

std::string X25519Recipient::ToString() const {
  return Bech32Encode(kRecipientHrp, public_key, /*upper=*/false);
}

std::string X25519Identity::ToString() const {
  return Bech32Encode(kIdentityHrp, private_key.bytes, /*upper=*/true);
}

Result<X25519Recipient> ParseRecipient(std::string_view text) {
  std::string quoted = "'" + std::string(text) + "'";
  if (StartsWithNoCase(text, "AGE-SECRET-KEY-")) {
    // Do not echo it: it is a secret key put where a public one belongs.
    return Bad(
        "a secret key (AGE-SECRET-KEY-1...) was given as a recipient; give its public "
        "key (age1..., the '# public key:' line of the key file) and keep the secret key "
        "off this host");
  }
  if (text.starts_with("ssh-")) {
    return Bad("SSH key " + quoted + " is not supported as a recipient; use an age1... key");
  }
  Result<Bech32Data> decoded = Bech32Decode(text);
  if (!decoded.ok()) {
    return Bad("recipient " + quoted +
               " is not a valid age1... public key: " + decoded.status().message());
  }
  if (decoded->hrp != kRecipientHrp) {
    return Bad("recipient " + quoted +
               " is not an age X25519 public key: it must start with "
               "'age1' and be in lower case");
  }
  if (decoded->data.size() != 32) {
    return Bad("recipient " + quoted + " has the wrong length for an X25519 public key");
  }
  X25519Recipient recipient;
  std::copy(decoded->data.begin(), decoded->data.end(), recipient.public_key.begin());
  return recipient;
}

Result<X25519Identity> ParseIdentity(std::string_view text) {
  if (text.starts_with("age1")) {
    return Bad(
        "a public key (age1...) was given where an identity (AGE-SECRET-KEY-1...) is "
        "needed");
  }
  Result<Bech32Data> decoded = Bech32Decode(text);
  if (!decoded.ok()) {
    return Bad("not a valid age identity (AGE-SECRET-KEY-1...): " + decoded.status().message());
  }
  struct Wipe {  // the decoded secret, whatever happens below
    std::vector<uint8_t>& data;
    ~Wipe() { OPENSSL_cleanse(data.data(), data.size()); }
  } wipe{decoded->data};
  if (decoded->hrp != kIdentityHrp) {
    return Bad(
        "not an age X25519 identity: it must start with 'AGE-SECRET-KEY-1' and be in "
        "upper case");
  }
  if (decoded->data.size() != 32) {
    return Bad("not a valid age identity: wrong length for an X25519 key");
  }
  X25519Identity identity;
  std::copy(decoded->data.begin(), decoded->data.end(), identity.private_key.bytes.begin());
  if (Status s = X25519PublicKey(identity.private_key, &identity.recipient.public_key); !s.ok()) {
    return s;
  }
  return identity;
}

Result<std::vector<X25519Recipient>> ParseRecipientList(std::string_view text) {
  std::vector<X25519Recipient> out;
  constexpr std::string_view kSeparators = " \t\r\n,";
  size_t pos = 0;
  while ((pos = text.find_first_not_of(kSeparators, pos)) != std::string_view::npos) {
    size_t end = text.find_first_of(kSeparators, pos);
    std::string_view token = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    Result<X25519Recipient> r = ParseRecipient(token);
    if (!r.ok()) return r.status();
    out.push_back(*r);
    pos = end == std::string_view::npos ? text.size() : end;
  }
  if (out.empty()) return Bad("no recipient given (expected age1... public keys)");
  return out;
}

Result<std::vector<X25519Recipient>> ParseRecipientsFile(std::string_view contents,
                                                         std::string_view name) {
  std::vector<X25519Recipient> out;
  Status s = ForEachEntry(contents, [&](std::string_view line, int number) {
    Result<X25519Recipient> r = ParseRecipient(line);
    if (!r.ok()) {
      return Bad("'" + std::string(name) + "' line " + std::to_string(number) + ": " +
                 r.status().message());
    }
    out.push_back(*r);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (out.empty()) return Bad("'" + std::string(name) + "' holds no recipient (age1... keys)");
  return out;
}

Result<std::vector<X25519Identity>> ParseIdentityFile(std::string_view contents,
                                                      std::string_view name) {
  std::vector<X25519Identity> out;
  Status s = ForEachEntry(contents, [&](std::string_view line, int number) {
    Result<X25519Identity> identity = ParseIdentity(line);
    if (!identity.ok()) {
      return Bad("'" + std::string(name) + "' line " + std::to_string(number) + ": " +
                 identity.status().message());
    }
    out.push_back(*identity);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (out.empty()) {
    return Bad("'" + std::string(name) + "' holds no identity (AGE-SECRET-KEY-1... line)");
  }
  return out;
}

Result<X25519Identity> GenerateIdentity() {
  X25519Identity identity;
  if (Status s = RandomBytes(identity.private_key.bytes); !s.ok()) return s;
  if (Status s = X25519PublicKey(identity.private_key, &identity.recipient.public_key); !s.ok()) {
    return s;
  }
  return identity;
}

std::string IdentityFileText(const X25519Identity& identity,
                             std::chrono::system_clock::time_point created) {
  // RFC 3339 in local time, as Go's time.RFC3339 (what age-keygen uses): "Z" for UTC.
  time_t t = std::chrono::system_clock::to_time_t(created);
  struct tm local;
  localtime_r(&t, &local);
  char stamp[64];
  strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &local);
  std::string when = stamp;
  long offset = local.tm_gmtoff / 60;
  if (offset == 0) {
    when += "Z";
  } else {
    char zone[48];
    std::snprintf(zone, sizeof(zone), "%c%02ld:%02ld", offset < 0 ? '-' : '+',
                  std::labs(offset) / 60, std::labs(offset) % 60);
    when += zone;
  }
  return "# created: " + when + "\n# public key: " + identity.recipient.ToString() + "\n" +
         identity.ToString() + "\n";
}

}  // namespace mysql_backup::age
