#include "monitor/freshness.h"

#include <algorithm>
#include <map>
#include <utility>

namespace mysql_backup::monitor {

std::vector<SeriesVerdict> CheckFreshness(const std::vector<BackupFile>& backups,
                                          const std::vector<std::string>& expected_databases,
                                          const long long (&max_age_sec)[3], std::time_t now) {
  // Keyed by (database, type index) so the result comes out sorted.
  std::map<std::pair<std::string, int>, SeriesVerdict> series;
  auto slot = [&](const std::string& database, BackupType type) -> SeriesVerdict* {
    int t = static_cast<int>(type);
    if (max_age_sec[t] <= 0) return nullptr;
    auto [it, inserted] = series.try_emplace({database, t});
    if (inserted) {
      it->second.database = database;
      it->second.type = type;
      it->second.limit_sec = max_age_sec[t];
    }
    return &it->second;
  };
  for (const auto& database : expected_databases) {
    if (database.empty()) continue;
    for (BackupType type : kAllBackupTypes) slot(database, type);
  }
  for (const auto& b : backups) {
    // The accounts file of whole-server runs is a series of its own.
    SeriesVerdict* v = slot(
        b.name.kind == BackupKind::kAccounts ? std::string("(accounts)") : b.name.database,
        b.name.type);
    if (v == nullptr || !b.has_checksum) continue;
    long long age = std::max<long long>(0, static_cast<long long>(now - b.name.created));
    if (v->path.empty() || age < v->age_sec) {
      v->age_sec = age;
      v->path = b.path;
    }
  }
  std::vector<SeriesVerdict> out;
  for (auto& [key, v] : series) {
    if (v.path.empty()) {
      v.state = Freshness::kMissing;
    } else {
      v.state = v.age_sec <= v.limit_sec ? Freshness::kOk : Freshness::kStale;
    }
    out.push_back(std::move(v));
  }
  return out;
}

int FreshnessExitCode(const std::vector<SeriesVerdict>& verdicts) {
  for (const auto& v : verdicts) {
    if (v.state != Freshness::kOk) return 2;
  }
  return 0;
}

std::string FormatAge(long long seconds) {
  auto unit = [](long long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  if (seconds < 2 * 3600) return unit(seconds / 60, "min", "min");
  if (seconds < 2 * 86400) return unit(seconds / 3600, "hour", "hours");
  return unit(seconds / 86400, "day", "days");
}

std::string VerdictLine(const SeriesVerdict& v) {
  std::string what = std::string(BackupTypeName(v.type)) + " backup of '" + v.database + "'";
  std::string limit = "(limit " + FormatAge(v.limit_sec) + ")";
  switch (v.state) {
    case Freshness::kOk:
      return "OK: " + what + " is " + FormatAge(v.age_sec) + " old " + limit + ": '" + v.path +
             "'";
    case Freshness::kStale:
      return "STALE: " + what + " is " + FormatAge(v.age_sec) + " old " + limit + ": '" + v.path +
             "'";
    case Freshness::kMissing:
      break;
  }
  return "STALE: no verified " + what + " " + limit;
}

std::string StaleSummary(const std::vector<SeriesVerdict>& verdicts) {
  std::string out;
  for (const auto& v : verdicts) {
    if (v.state == Freshness::kOk) continue;
    if (!out.empty()) out += "; ";
    std::string type(BackupTypeName(v.type));
    if (v.state == Freshness::kStale) {
      out += type + " backups of " + v.database + " are " + FormatAge(v.age_sec) + " old";
    } else {
      out += "no " + type + " backup of " + v.database;
    }
  }
  return out;
}

}  // namespace mysql_backup::monitor
