#include "binlog/binlog_retention.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "binlog/binlog_reader.h"

namespace mysql_backup {

BinlogPrunePlan PlanBinlogPrune(const std::vector<std::string>& archived,
                                const std::vector<std::string>& unpublished,
                                const std::vector<std::string>& needed) {
  BinlogPrunePlan plan;
  // The oldest needed file, and the newest archived one, per base name.
  std::map<std::string, std::pair<uint64_t, std::string>> oldest_needed;
  for (const auto& n : needed) {
    std::string base;
    uint64_t number = 0;
    if (!SplitBinlogName(n, &base, &number)) continue;
    auto it = oldest_needed.find(base);
    if (it == oldest_needed.end() || number < it->second.first) oldest_needed[base] = {number, n};
  }
  std::map<std::string, uint64_t> newest_archived;
  for (const auto& n : archived) {
    std::string base;
    uint64_t number = 0;
    if (!SplitBinlogName(n, &base, &number)) continue;
    newest_archived[base] = std::max(newest_archived[base], number);
  }
  for (const auto& [base, anchor] : oldest_needed) plan.anchors.push_back(anchor.second);

  std::set<std::string> unexplained;  // series without any kept position
  std::vector<std::pair<uint64_t, std::string>> doomed;
  auto consider = [&](const std::string& n, bool is_archived) {
    std::string base;
    uint64_t number = 0;
    if (!SplitBinlogName(n, &base, &number)) return;
    auto it = oldest_needed.find(base);
    if (it == oldest_needed.end()) {
      unexplained.insert(base);
      return;
    }
    if (number >= it->second.first) return;
    if (is_archived && number == newest_archived[base]) return;
    doomed.push_back({number, n});
  };
  for (const auto& n : archived) consider(n, true);
  for (const auto& n : unpublished) consider(n, false);
  std::sort(doomed.begin(), doomed.end());
  doomed.erase(std::unique(doomed.begin(), doomed.end()), doomed.end());
  for (auto& d : doomed) plan.to_delete.push_back(std::move(d.second));

  if (needed.empty()) {
    if (!archived.empty() || !unpublished.empty()) {
      plan.kept_because.push_back("no kept dump records a binlog position, so none of the "
                                  "archived binary logs can be known to be unneeded");
    }
    return plan;
  }
  for (const auto& base : unexplained) {
    plan.kept_because.push_back("no kept dump records a position in the '" + base +
                                ".*' binary logs");
  }
  for (const auto& [base, anchor] : oldest_needed) {
    auto newest = newest_archived.find(base);
    if (newest != newest_archived.end() && newest->second < anchor.first) {
      plan.kept_because.push_back("'" + base + "' binary log number " +
                                  std::to_string(newest->second) +
                                  " is kept although older than '" + anchor.second +
                                  "': the archive continues its chain from the newest file");
    }
  }
  return plan;
}

}  // namespace mysql_backup
