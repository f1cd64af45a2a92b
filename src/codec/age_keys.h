// age X25519 keys as people handle them: `age1...` recipients (public, go in the config) and
// `AGE-SECRET-KEY-1...` identities (secret, kept off the backup host), in the same text formats
// as `age-keygen` and `age -R`/`-i`, so keys made by either tool work with the other.
//
// Errors are kConfiguration and name the entry: a recipient is quoted (it is public), an
// identity never is, not even in part; its line number says which one.
#ifndef MYSQL_BACKUP_CODEC_AGE_KEYS_H_
#define MYSQL_BACKUP_CODEC_AGE_KEYS_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "codec/age_crypto.h"
#include "util/status.h"

namespace mysql_backup::age {

struct X25519Recipient {
  Bytes32 public_key{};
  // "age1..." (lower case Bech32).
  std::string ToString() const;
  bool operator==(const X25519Recipient&) const = default;
};

struct X25519Identity {
  Secret<32> private_key;
  X25519Recipient recipient;  // derived from private_key
  // "AGE-SECRET-KEY-1..." (upper case Bech32). Secret: never log it.
  std::string ToString() const;
};

// One "age1..." key, lower case as age writes and requires it.
Result<X25519Recipient> ParseRecipient(std::string_view text);
// One "AGE-SECRET-KEY-1..." key, upper case as age requires it.
Result<X25519Identity> ParseIdentity(std::string_view text);

// A config value: recipients separated by spaces, tabs or commas. At least one.
Result<std::vector<X25519Recipient>> ParseRecipientList(std::string_view text);
// A recipients file (as `age -R`): one recipient per line; blank lines and lines starting with
// '#' are skipped. At least one. `name` (the path) goes in messages.
Result<std::vector<X25519Recipient>> ParseRecipientsFile(std::string_view contents,
                                                         std::string_view name);
// An identity file (as `age -i`, and as age-keygen writes it): one identity per line; blank
// lines and '#' comments are skipped. At least one.
Result<std::vector<X25519Identity>> ParseIdentityFile(std::string_view contents,
                                                      std::string_view name);

// A new identity from the OS random source.
Result<X25519Identity> GenerateIdentity();
// age-keygen's file: "# created: <RFC 3339, local time>", "# public key: age1...", the key.
std::string IdentityFileText(const X25519Identity& identity,
                             std::chrono::system_clock::time_point created);

}  // namespace mysql_backup::age

#endif  // MYSQL_BACKUP_CODEC_AGE_KEYS_H_
