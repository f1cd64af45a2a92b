#include "config/database_selection.h"

#include <fnmatch.h>
#include <strings.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace mysql_backup {

std::string DatabaseSelection::Describe() const {
  if (mode == Mode::kAll) return "*";
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

Result<std::vector<std::string>> SplitNameList(std::string_view raw) {
  // A list may go on over continuation lines: a line break separates names like a comma, and
  // one next to a comma adds nothing.
  std::string joined;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\n') {
      joined += raw[i];
      continue;
    }
    while (!joined.empty() && (joined.back() == ' ' || joined.back() == '\t')) joined.pop_back();
    size_t next = raw.find_first_not_of(" \t\n", i);
    bool comma_next = next != std::string_view::npos && raw[next] == ',';
    if (!joined.empty() && joined.back() != ',' && !comma_next && next != std::string_view::npos) {
      joined += ',';
    }
    i = (next == std::string_view::npos ? raw.size() : next) - 1;
  }
  std::string_view value = joined;
  std::vector<std::string> out;
  std::set<std::string> seen;
  size_t start = 0;
  for (;;) {
    size_t comma = value.find(',', start);
    std::string_view item =
        value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.empty()) {
      return Status(ErrorKind::kConfiguration,
                    "an empty name in the list (two commas in a row, or one at an end)");
    }
    if (!seen.insert(std::string(item)).second) {
      return Status(ErrorKind::kConfiguration, "'" + std::string(item) + "' is listed twice");
    }
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.size() > 1 && seen.count("*") != 0) {
    return Status(ErrorKind::kConfiguration,
                  "'*' means every database and cannot be combined with names; use exclude "
                  "to leave some out");
  }
  return out;
}

bool IsVirtualSchema(std::string_view database) {
  for (const char* s : {"information_schema", "performance_schema", "sys"}) {
    if (database.size() == strlen(s) &&
        strncasecmp(database.data(), s, database.size()) == 0) {
      return true;
    }
  }
  return false;
}

bool GlobMatches(std::string_view pattern, std::string_view name) {
  // fnmatch anchors at both ends: the whole name must match. No FNM_PATHNAME or FNM_PERIOD:
  // database names are not paths.
  return fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

SelectionPlan PlanDatabases(const DatabaseSelection& selection,
                            const std::vector<std::string>& on_server, bool server_listed) {
  SelectionPlan plan;
  std::set<std::string> present(on_server.begin(), on_server.end());
  if (selection.mode != DatabaseSelection::Mode::kAll) {
    for (const auto& n : selection.names) {
      plan.expected.push_back(n);
      if (server_listed && present.count(n) == 0) {
        plan.missing.push_back(n);
      } else {
        plan.to_dump.push_back(n);
      }
    }
    return plan;
  }
  for (const auto& n : on_server) {
    if (IsVirtualSchema(n) || n == "mysql") continue;
    bool excluded = std::any_of(selection.exclude.begin(), selection.exclude.end(),
                                [&](const std::string& p) { return GlobMatches(p, n); });
    if (excluded) {
      plan.excluded.push_back(n);
      continue;
    }
    plan.expected.push_back(n);
    plan.to_dump.push_back(n);
  }
  return plan;
}

}  // namespace mysql_backup
