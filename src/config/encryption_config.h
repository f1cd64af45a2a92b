// [encryption]: the age recipients every backup is encrypted to, and where the identity lives
// for the actions that decrypt (restore, restore drill, a decrypting verify). Recipients are
// public and parsed at load time, so a bad one is a configuration error (78) before a dump
// starts. The identity is secret and is read only by the action that needs it
// (LoadIdentities), never by a backup: the backup host needs only public keys.
#ifndef MYSQL_BACKUP_CONFIG_ENCRYPTION_CONFIG_H_
#define MYSQL_BACKUP_CONFIG_ENCRYPTION_CONFIG_H_

#include <string>
#include <vector>

#include "codec/age_keys.h"
#include "config/ini_file.h"
#include "util/status.h"

namespace mysql_backup {

struct EncryptionConfig {
  // Empty: backups are not encrypted (no [encryption] section, or one with only identity_file).
  std::vector<age::X25519Recipient> recipients;
  std::string identity_file;  // empty: none configured
  bool enabled() const { return !recipients.empty(); }
};

inline constexpr char kEncryptionSection[] = "encryption";

// Reads the [encryption] section (null: absent) of `path`. `recipients` and `recipients_file`
// are exclusive; a section without either but with identity_file only decrypts.
// Errors: kConfiguration naming the file, section and key, and the bad recipient (public);
// never the content of an identity.
Status ReadEncryption(const IniSection* section, const std::string& path,
                      EncryptionConfig* encryption);

// The identities of [encryption] identity_file, for decrypting `what` (a file, for the
// message). Errors: kConfiguration "[encryption] identity_file is needed to restore '<file>'"
// when none is configured (`verb` is "restore", "verify", ...), or naming the identity file and
// its bad line (never its content).
Result<std::vector<age::X25519Identity>> LoadIdentities(const EncryptionConfig& encryption,
                                                        const std::string& verb,
                                                        const std::string& what);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CONFIG_ENCRYPTION_CONFIG_H_
