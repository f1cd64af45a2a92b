#include "config/target_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include "util/file_util.h"

namespace mysql_backup {

namespace {

constexpr size_t kMaxCredentialsFileBytes = 64 << 10;

const std::set<std::string>& KnownKeys(TargetType type) {
  static const std::set<std::string> kS3 = {
      "type",   "endpoint",         "region",  "bucket",    "prefix",       "addressing",
      "credentials_file", "profile", "part_size", "keep_daily", "keep_weekly", "keep_monthly",
      "verify"};
  static const std::set<std::string> kSftp = {
      "type", "host", "port", "user", "path", "identity_file", "host_key_sha256", "known_hosts",
      "keep_daily", "keep_weekly", "keep_monthly", "verify"};
  return type == TargetType::kS3 ? kS3 : kSftp;
}

class SectionReader {
 public:
  SectionReader(const std::string& path, const IniSection& section)
      : path_(path), section_(section) {}

  const IniEntry* Get(const std::string& key) const {
    for (const auto& e : section_.entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }
  std::string Value(const std::string& key) const {
    const IniEntry* e = Get(key);
    return e == nullptr ? "" : e->value;
  }

  Status Error(const std::string& key, const std::string& what) const {
    std::string where = "'" + path_ + "' [" + ExcerptForMessage(section_.name) + "]";
    if (!key.empty()) where += " " + key;
    if (const IniEntry* e = Get(key)) {
      where += " (line " + std::to_string(e->line) + ")";
    } else if (key.empty()) {
      where += " (line " + std::to_string(section_.line) + ")";
    }
    return Status(ErrorKind::kConfiguration, where + ": " + what);
  }

  Status Required(const std::string& key, std::string* out) const {
    *out = Value(key);
    if (out->empty()) return Error(key, "required key is missing or empty");
    return Status::Ok();
  }

  Status Int(const std::string& key, int min, int max, int* out) const {
    std::string v = Value(key);
    if (v.empty()) return Status::Ok();
    bool digits = v.size() <= 9;
    for (char c : v) digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
    int n = digits ? std::atoi(v.c_str()) : -1;
    if (!digits || n < min || n > max) {
      return Error(key, "expected a whole number from " + std::to_string(min) + " to " +
                            std::to_string(max) + ", got '" + ExcerptForMessage(v) + "'");
    }
    *out = n;
    return Status::Ok();
  }

  // Every key is one line of printable text; an unknown key is a typo, not a default.
  Status CheckKeys(TargetType type) const {
    for (const auto& e : section_.entries) {
      if (!KnownKeys(type).count(e.key)) {
        return Error(e.key, std::string("unknown key for a target of type ") +
                                (type == TargetType::kS3 ? "s3" : "sftp") +
                                "; check its spelling against mysql-backup.conf(5)");
      }
      for (char ch : e.value) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
          return Error(e.key, "contains a control character; the value must be one line");
        }
      }
    }
    return Status::Ok();
  }

 private:
  const std::string& path_;
  const IniSection& section_;
};

// "64M", "5G", "1048576" -> bytes.
bool ParseByteSize(const std::string& text, uint64_t* out) {
  if (text.empty()) return false;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return false;
  uint64_t n = std::strtoull(text.substr(0, digits).c_str(), nullptr, 10);
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit == "" || unit == "B") *out = n;
  else if (unit == "K" || unit == "KIB") *out = n << 10;
  else if (unit == "M" || unit == "MIB") *out = n << 20;
  else if (unit == "G" || unit == "GIB") *out = n << 30;
  else return false;
  return true;
}

// aws_access_key_id and aws_secret_access_key of [profile] in an AWS shared-credentials file.
Status ReadCredentials(const SectionReader& r, const std::string& file, const std::string& key,
                       const std::string& profile, TargetConfig* t) {
  auto text = ReadSmallRegularFile(file, kMaxCredentialsFileBytes);
  if (!text.ok()) return r.Error(key, text.status().message());
  auto sections = ParseIni(*text, file);
  if (!sections.ok()) {
    return r.Error(key, "cannot parse '" + file + "' as an AWS credentials file: " +
                            sections.status().message());
  }
  for (const auto& s : *sections) {
    if (s.name != profile) continue;
    for (const auto& e : s.entries) {
      auto trim = [](std::string v) {
        size_t b = v.find_first_not_of(" \t\r\n");
        size_t e2 = v.find_last_not_of(" \t\r\n");
        return b == std::string::npos ? std::string() : v.substr(b, e2 - b + 1);
      };
      if (e.key == "aws_access_key_id") t->access_key_id = trim(e.value);
      if (e.key == "aws_secret_access_key") t->secret_access_key = trim(e.value);
    }
    if (t->access_key_id.empty() || t->secret_access_key.empty()) {
      return r.Error(key, "profile [" + profile + "] in '" + file +
                              "' needs both aws_access_key_id and aws_secret_access_key");
    }
    return Status::Ok();
  }
  return r.Error(key, "'" + file + "' has no profile [" + profile + "]");
}

Status ReadS3(const SectionReader& r, TargetConfig* t, std::vector<std::string>* warnings,
              const std::string& config_path) {
  Status s = r.Required("endpoint", &t->endpoint);
  if (s.ok()) s = r.Required("bucket", &t->bucket);
  if (s.ok()) s = r.Required("prefix", &t->prefix);
  if (!s.ok()) return s;
  if (t->endpoint.rfind("https://", 0) != 0 && t->endpoint.rfind("http://", 0) != 0) {
    return r.Error("endpoint", "expected an http:// or https:// URL, got '" +
                                   ExcerptForMessage(t->endpoint) + "'");
  }
  if (std::string region = r.Value("region"); !region.empty()) t->region = region;
  if (t->prefix.front() == '/' || t->prefix.find("..") != std::string::npos) {
    return r.Error("prefix", "must not start with '/' or contain '..'");
  }
  if (t->prefix.back() != '/') t->prefix += '/';
  std::string addressing = r.Value("addressing");
  if (addressing == "virtual") {
    t->virtual_addressing = true;
  } else if (!addressing.empty() && addressing != "path") {
    return r.Error("addressing", "expected 'path' or 'virtual', got '" +
                                     ExcerptForMessage(addressing) + "'");
  }
  if (std::string part = r.Value("part_size"); !part.empty()) {
    if (!ParseByteSize(part, &t->part_size) || t->part_size < 4096 ||
        t->part_size > (5ULL << 30)) {
      return r.Error("part_size", "expected a size from 4K to 5G (like 64M), got '" +
                                      ExcerptForMessage(part) + "'");
    }
  }
  std::string profile = r.Value("profile");
  if (profile.empty()) profile = "default";
  // systemd's LoadCredential=s3-credentials:... wins, as mysql-password does for [database].
  const char* cred_dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (cred_dir != nullptr) {
    std::string cred = JoinPath(cred_dir, "s3-credentials");
    if (access(cred.c_str(), F_OK) == 0) return ReadCredentials(r, cred, "", profile, t);
  }
  std::string file = r.Value("credentials_file");
  if (file.empty()) {
    return r.Error("credentials_file",
                   "required: an AWS shared-credentials file (or the systemd credential "
                   "s3-credentials); keys never go into this file");
  }
  struct stat st;
  if (stat(file.c_str(), &st) == 0 && (st.st_mode & S_IROTH)) {
    warnings->push_back("'" + file + "' (credentials_file of [target " + t->name + "] in '" +
                        config_path + "') is readable by every user; run: chmod 0640 '" + file +
                        "'");
  }
  return ReadCredentials(r, file, "credentials_file", profile, t);
}

Status ReadSftp(const SectionReader& r, TargetConfig* t) {
  Status s = r.Required("host", &t->host);
  if (s.ok()) s = r.Int("port", 1, 65535, &t->port);
  if (s.ok()) s = r.Required("user", &t->user);
  if (s.ok()) s = r.Required("path", &t->path);
  if (s.ok()) s = r.Required("identity_file", &t->identity_file);
  if (!s.ok()) return s;
  if (t->path.front() != '/') return r.Error("path", "must be an absolute path");
  while (t->path.size() > 1 && t->path.back() == '/') t->path.pop_back();
  t->host_key_sha256 = r.Value("host_key_sha256");
  t->known_hosts = r.Value("known_hosts");
  if (t->host_key_sha256.rfind("SHA256:", 0) == 0) t->host_key_sha256.erase(0, 7);
  if (t->host_key_sha256.empty() == t->known_hosts.empty()) {
    return r.Error("host_key_sha256",
                   "give exactly one of host_key_sha256 (the server's key fingerprint, as "
                   "'ssh-keygen -lf' prints it) and known_hosts: the host key is always checked");
  }
  if (access(t->identity_file.c_str(), R_OK) != 0) {
    return r.Error("identity_file", "cannot read '" + t->identity_file + "'");
  }
  if (!t->known_hosts.empty() && access(t->known_hosts.c_str(), R_OK) != 0) {
    return r.Error("known_hosts", "cannot read '" + t->known_hosts + "'");
  }
  return Status::Ok();
}

}  // namespace

bool IsTargetSection(const std::string& section_name) {
  return section_name.rfind(kTargetSectionPrefix, 0) == 0;
}

Status ReadTargets(const std::vector<IniSection>& sections, const std::string& path,
                   int keep_daily, int keep_weekly, int keep_monthly,
                   std::vector<TargetConfig>* targets, std::vector<std::string>* warnings) {
  for (const auto& section : sections) {
    if (!IsTargetSection(section.name)) continue;
    SectionReader r(path, section);
    TargetConfig t;
    t.name = section.name.substr(sizeof(kTargetSectionPrefix) - 1);
    bool name_ok = !t.name.empty();
    for (char c : t.name) {
      name_ok &= std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    }
    if (!name_ok) {
      return r.Error("", "a target's NAME is letters, digits, '-', '_' and '.'");
    }
    std::string type = r.Value("type");
    if (type == "s3") {
      t.type = TargetType::kS3;
    } else if (type == "sftp") {
      t.type = TargetType::kSftp;
    } else {
      return r.Error("type", "expected 's3' or 'sftp', got '" + ExcerptForMessage(type) + "'");
    }
    Status s = r.CheckKeys(t.type);
    if (!s.ok()) return s;
    t.keep_daily = keep_daily;
    t.keep_weekly = keep_weekly;
    t.keep_monthly = keep_monthly;
    s = r.Int("keep_daily", 1, 100000, &t.keep_daily);
    if (s.ok()) s = r.Int("keep_weekly", 1, 100000, &t.keep_weekly);
    if (s.ok()) s = r.Int("keep_monthly", 1, 100000, &t.keep_monthly);
    if (!s.ok()) return s;
    std::string verify = r.Value("verify");
    if (verify == "full") {
      t.verify = TargetVerify::kFull;
    } else if (!verify.empty() && verify != "size") {
      return r.Error("verify", "expected 'size' or 'full', got '" + ExcerptForMessage(verify) + "'");
    }
    s = t.type == TargetType::kS3 ? ReadS3(r, &t, warnings, path) : ReadSftp(r, &t);
    if (!s.ok()) return s;
    targets->push_back(std::move(t));
  }
  return Status::Ok();
}

}  // namespace mysql_backup
