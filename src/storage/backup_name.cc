#include "storage/backup_name.h"

#include <cctype>

namespace mysql_backup {

namespace {
constexpr size_t kStampLength = 16;  // YYYYmmddTHHMMSSZ
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
  std::string out = name.database;
  out += '-';
  out += BackupTypeName(name.type);
  out += '-';
  out += FormatUtcStamp(name.created);
  out += CompressionSuffix(name.compression);
  return out;
}

std::optional<BackupName> ParseBackupFileName(std::string_view file_name) {
  BackupName name;
  std::string_view rest = file_name;
  bool matched = false;
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    std::string_view suffix = CompressionSuffix(c);
    if (rest.size() > suffix.size() && rest.substr(rest.size() - suffix.size()) == suffix) {
      rest.remove_suffix(suffix.size());
      name.compression = c;
      matched = true;
      break;
    }
  }
  if (!matched || rest.size() < kStampLength + 1) return std::nullopt;
  auto created = ParseUtcStamp(rest.substr(rest.size() - kStampLength));
  if (!created) return std::nullopt;
  name.created = *created;
  rest.remove_suffix(kStampLength);
  if (rest.back() != '-') return std::nullopt;
  rest.remove_suffix(1);
  // The database name may itself contain '-', so the type is found from the right.
  size_t dash = rest.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  auto type = ParseBackupType(rest.substr(dash + 1));
  if (!type) return std::nullopt;
  name.type = *type;
  name.database = std::string(rest.substr(0, dash));
  return name;
}

}  // namespace mysql_backup
