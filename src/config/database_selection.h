// Which databases a run backs up: `[database] database = NAME` (one, as the old tool),
// `databases = a, b` (each one expected), or `databases = *` with `exclude = glob, ...` (every
// database on the server when the run starts). Pure: the server's list comes in as a value.
#ifndef MYSQL_BACKUP_CONFIG_DATABASE_SELECTION_H_
#define MYSQL_BACKUP_CONFIG_DATABASE_SELECTION_H_

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mysql_backup {

struct DatabaseSelection {
  enum class Mode { kSingle, kList, kAll };
  Mode mode = Mode::kSingle;
  std::vector<std::string> names;    // kSingle: one; kList: as configured, in order
  std::vector<std::string> exclude;  // glob patterns, kAll only
  // "*" or the names joined with ", " (for the manifest and messages).
  std::string Describe() const;
};

// Splits a `databases =` or `exclude =` value at commas, trimming blanks around each item.
// Errors (kConfiguration, message without file and key: the caller adds them): an empty item,
// a duplicate, "*" mixed with names.
Result<std::vector<std::string>> SplitNameList(std::string_view value);

// The schemas that are never dumped: information_schema, performance_schema, sys (case
// insensitive, as the server treats them).
bool IsVirtualSchema(std::string_view database);

// fnmatch(3)-style glob (`*`, `?`, `[...]`) matched against the whole name, case-sensitively:
// `test` matches only "test", never "latest"; `test_*` matches "test_1".
bool GlobMatches(std::string_view pattern, std::string_view name);

struct SelectionPlan {
  std::vector<std::string> to_dump;   // in a stable order (server order for *, config order)
  std::vector<std::string> expected;  // each must end with a verified file
  std::vector<std::string> missing;   // expected but not on the server
  std::vector<std::string> excluded;  // on the server, left out by `exclude` (kAll)
};

// kSingle and kList: every name is expected; those not in `on_server` are missing (the server
// list may be empty when it could not be read: then nothing is judged missing here, the dump
// will say). kAll: every database of `on_server` except the virtual schemas, `mysql` (the
// accounts file replaces it) and the excluded ones; all of them expected.
SelectionPlan PlanDatabases(const DatabaseSelection& selection,
                            const std::vector<std::string>& on_server, bool server_listed);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CONFIG_DATABASE_SELECTION_H_
