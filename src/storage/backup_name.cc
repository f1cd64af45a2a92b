#include "storage/backup_name.h"

#include <cctype>

namespace mysql_backup {

namespace {

constexpr size_t kStampLength = 16;  // YYYYmmddTHHMMSSZ
constexpr std::string_view kAccountsPrefix = "accounts";
constexpr std::string_view kAccountsInfix = ".accounts";
constexpr std::string_view kManifestPrefix = "manifest";
constexpr std::string_view kManifestSuffix = ".json";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool NeedsEscape(unsigned char c, bool first) {
  return c == '%' || c == '/' || c < 0x20 || c == 0x7F || (first && c == '.');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is not canonical
}

// "<prefix>-<type>-<stamp>" (the suffix already removed): the prefix, type and time.
struct StampedName {
  std::string_view prefix;
  BackupType type;
  std::time_t created;
};

std::optional<StampedName> ParseStamped(std::string_view rest) {
  if (rest.size() < kStampLength + 1) return std::nullopt;
  auto created = ParseUtcStamp(rest.substr(rest.size() - kStampLength));
  if (!created) return std::nullopt;
  rest.remove_suffix(kStampLength);
  if (rest.back() != '-') return std::nullopt;
  rest.remove_suffix(1);
  // The database name may itself contain '-', so the type is found from the right.
  size_t dash = rest.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  auto type = ParseBackupType(rest.substr(dash + 1));
  if (!type) return std::nullopt;
  return StampedName{rest.substr(0, dash), *type, *created};
}

}  // namespace

std::string EncodeDatabaseName(std::string_view database) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(database.size());
  for (size_t i = 0; i < database.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(database[i]);
    if (NeedsEscape(c, i == 0)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::optional<std::string> DecodeDatabaseName(std::string_view encoded) {
  if (encoded.empty()) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(encoded[i]);
    if (c != '%') {
      if (NeedsEscape(c, out.empty())) return std::nullopt;
      out += static_cast<char>(c);
      continue;
    }
    if (i + 2 >= encoded.size()) return std::nullopt;
    int hi = HexValue(encoded[i + 1]);
    int lo = HexValue(encoded[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    unsigned char d = static_cast<unsigned char>(hi * 16 + lo);
    // Only what encoding would have escaped: "%41" for 'A' would be a second name for "A".
    if (!NeedsEscape(d, out.empty())) return std::nullopt;
    out += static_cast<char>(d);
    i += 2;
  }
  return out;
}

std::string_view BackupTypeName(BackupType type) {
  switch (type) {
    case BackupType::kDaily: return "daily";
    case BackupType::kWeekly: return "weekly";
    case BackupType::kMonthly: return "monthly";
  }
  return "daily";
}

std::optional<BackupType> ParseBackupType(std::string_view name) {
  for (BackupType t : kAllBackupTypes) {
    if (BackupTypeName(t) == name) return t;
  }
  return std::nullopt;
}

std::string_view CompressionSuffix(Compression compression) {
  return compression == Compression::kZstd ? ".sql.zst" : ".sql.gz";
}

std::string FormatUtcStamp(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string FormatIsoUtc(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::time_t> ParseUtcStamp(std::string_view s) {
  if (s.size() != kStampLength || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  struct tm tm = {};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  std::time_t t = timegm(&tm);
  // Rejects dates that timegm() normalised (Feb 31), so parse(format(t)) is the identity.
  if (FormatUtcStamp(t) != s) return std::nullopt;
  return t;
}

std::string BackupFileName(const BackupName& name) {
  bool accounts = name.kind == BackupKind::kAccounts;
  std::string out = accounts ? std::string(kAccountsPrefix) : EncodeDatabaseName(name.database);
  out += '-';
  out += BackupTypeName(name.type);
  out += '-';
  out += FormatUtcStamp(name.created);
  if (accounts) out += kAccountsInfix;
  out += CompressionSuffix(name.compression);
  if (name.encrypted) out += kEncryptedSuffix;
  return out;
}

std::string ManifestFileName(BackupType type, std::time_t created) {
  std::string out(kManifestPrefix);
  out += '-';
  out += BackupTypeName(type);
  out += '-';
  out += FormatUtcStamp(created);
  out += kManifestSuffix;
  return out;
}

std::optional<ManifestName> ParseManifestFileName(std::string_view file_name) {
  if (!EndsWith(file_name, kManifestSuffix)) return std::nullopt;
  file_name.remove_suffix(kManifestSuffix.size());
  auto stamped = ParseStamped(file_name);
  if (!stamped || stamped->prefix != kManifestPrefix) return std::nullopt;
  return ManifestName{stamped->type, stamped->created};
}

std::optional<BackupName> ParseBackupFileName(std::string_view file_name) {
  BackupName name;
  std::string_view rest = file_name;
  if (EndsWith(rest, kEncryptedSuffix)) {
    rest.remove_suffix(std::string_view(kEncryptedSuffix).size());
    name.encrypted = true;
  }
  bool matched = false;
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    std::string_view suffix = CompressionSuffix(c);
    if (rest.size() > suffix.size() && EndsWith(rest, suffix)) {
      rest.remove_suffix(suffix.size());
      name.compression = c;
      matched = true;
      break;
    }
  }
  if (!matched) return std::nullopt;
  if (EndsWith(rest, kAccountsInfix)) {
    rest.remove_suffix(kAccountsInfix.size());
    name.kind = BackupKind::kAccounts;
  }
  auto stamped = ParseStamped(rest);
  if (!stamped) return std::nullopt;
  name.type = stamped->type;
  name.created = stamped->created;
  if (name.kind == BackupKind::kAccounts) {
    if (stamped->prefix != kAccountsPrefix) return std::nullopt;
    return name;
  }
  auto database = DecodeDatabaseName(stamped->prefix);
  if (!database) return std::nullopt;
  name.database = std::move(*database);
  return name;
}

}  // namespace mysql_backup
