// Node packages the tests run (the S3 server, the CCTV age vectors), found in a cache folder of
// the tests' own and installed there with npm on first use. The folder is
// ${XDG_CACHE_HOME:-$HOME/.cache}/mysql-backup-tests/<cache>, the rule scripts/install-deps.sh
// fills it by; each package has a prefix of its own, since npm prunes the packages of a shared
// prefix that another install omits.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_NPM_PACKAGE_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_NPM_PACKAGE_H_

#include <string>

#include "util/status.h"

namespace mysql_backup::testing {

struct NpmPackage {
  std::string spec;          // what npm installs: "cctv-age@0.2.0"
  std::string module;        // its folder under node_modules: "cctv-age"
  std::string marker;        // a file in that folder once installed: "index.js"
  std::string cache;         // the cache's own folder: "cctv-age"
  std::string override_env;  // a variable naming an installed copy to use instead
  std::string what;          // for messages: "@20minutes/s3rver"
};

// The package's folder: $`override_env` when set, else the cached copy, installed when missing.
// An error says why there is none; `*npm_missing` (when given) is set when npm is not installed,
// the one case in which a test skips rather than fails.
Result<std::string> FindNpmPackage(const NpmPackage& package, bool* npm_missing = nullptr);

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_NPM_PACKAGE_H_
