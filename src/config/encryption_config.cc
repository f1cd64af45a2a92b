#include "config/encryption_config.h"

#include <set>

#include "util/file_util.h"

namespace mysql_backup {

namespace {

// Far above any real key file, so that /dev/zero or a wrong path fails fast.
constexpr size_t kMaxKeyFileBytes = 1 << 20;

const IniEntry* Find(const IniSection& section, std::string_view key) {
  for (const auto& e : section.entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

Status Error(const std::string& path, const IniSection& section, std::string_view key,
             const std::string& what) {
  std::string where = "'" + path + "' [" + kEncryptionSection + "] " + std::string(key);
  if (const IniEntry* e = Find(section, key)) where += " (line " + std::to_string(e->line) + ")";
  return Status(ErrorKind::kConfiguration, where + ": " + what);
}

}  // namespace

Status ReadEncryption(const IniSection* section, const std::string& path,
                      EncryptionConfig* encryption) {
  if (section == nullptr) return Status::Ok();
  static const std::set<std::string, std::less<>> kKnown = {"recipients", "recipients_file",
                                                            "identity_file"};
  for (const auto& e : section->entries) {
    if (!kKnown.contains(e.key)) {
      return Error(path, *section, e.key,
                   "unknown key; check its spelling against mysql-backup.conf(5)");
    }
  }
  const IniEntry* list = Find(*section, "recipients");
  const IniEntry* file = Find(*section, "recipients_file");
  if (list != nullptr && file != nullptr) {
    return Error(path, *section, "recipients_file",
                 "give either recipients or recipients_file, not both");
  }
  if (list != nullptr) {
    auto parsed = age::ParseRecipientList(list->value);
    if (!parsed.ok()) return Error(path, *section, "recipients", parsed.status().message());
    encryption->recipients = std::move(*parsed);
  } else if (file != nullptr) {
    if (file->value.empty()) return Error(path, *section, "recipients_file", "empty value");
    std::string file_path = AbsolutePath(file->value);
    auto text = ReadSmallRegularFile(file_path, kMaxKeyFileBytes);
    if (!text.ok()) return Error(path, *section, "recipients_file", text.status().message());
    auto parsed = age::ParseRecipientsFile(*text, file_path);
    if (!parsed.ok()) return Error(path, *section, "recipients_file", parsed.status().message());
    encryption->recipients = std::move(*parsed);
  }
  if (const IniEntry* identity = Find(*section, "identity_file")) {
    // Only the path: the file is secret and read by the action that needs it.
    encryption->identity_file = AbsolutePath(identity->value);
  }
  return Status::Ok();
}

Result<std::vector<age::X25519Identity>> LoadIdentities(const EncryptionConfig& encryption,
                                                        const std::string& verb,
                                                        const std::string& what) {
  if (encryption.identity_file.empty()) {
    return Status(ErrorKind::kConfiguration,
                  "[" + std::string(kEncryptionSection) + "] identity_file is needed to " + verb +
                      " '" + what + "', which is encrypted; set it to the age identity file "
                      "(AGE-SECRET-KEY-1...) that matches one of its recipients");
  }
  auto text = ReadSmallRegularFile(encryption.identity_file, kMaxKeyFileBytes);
  if (!text.ok()) {
    return Status(ErrorKind::kConfiguration, text.status().message())
        .AddContext("Cannot read [encryption] identity_file");
  }
  return age::ParseIdentityFile(*text, encryption.identity_file);
}

}  // namespace mysql_backup
