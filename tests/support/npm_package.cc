#include "support/npm_package.h"

#include <unistd.h>

#include <cstdlib>

#include "support/command.h"

namespace mysql_backup::testing {

namespace {

std::string CacheDir(const std::string& cache) {
  const char* xdg = getenv("XDG_CACHE_HOME");
  const char* home = getenv("HOME");
  std::string base = xdg != nullptr && *xdg != '\0'
                         ? xdg
                         : std::string(home != nullptr ? home : "/tmp") + "/.cache";
  return base + "/mysql-backup-tests/" + cache;
}

}  // namespace

Result<std::string> FindNpmPackage(const NpmPackage& package, bool* npm_missing) {
  if (npm_missing != nullptr) *npm_missing = false;
  if (const char* dir = getenv(package.override_env.c_str()); dir != nullptr && *dir != '\0') {
    return std::string(dir);
  }
  const std::string prefix = CacheDir(package.cache);
  const std::string dir = prefix + "/node_modules/" + package.module;
  const std::string marker = dir + "/" + package.marker;
  if (access(marker.c_str(), R_OK) == 0) return dir;
  Result<CommandResult> npm = RunCommand({"npm", "--version"});
  if (!npm.ok() || !npm->ok()) {
    if (npm_missing != nullptr) *npm_missing = true;
    return Status(ErrorKind::kProcess, "npm is not installed, so " + package.what +
                                           " cannot be fetched; install npm and run "
                                           "scripts/install-deps.sh");
  }
  Result<CommandResult> install =
      RunCommand({"npm", "install", "--no-save", "--silent", "--prefix", prefix, package.spec});
  if (!install.ok()) return install.status();
  if (!install->ok() || access(marker.c_str(), R_OK) != 0) {
    return Status(ErrorKind::kProcess, "npm install " + package.spec + " into '" + prefix +
                                           "' failed: " + install->Describe());
  }
  return dir;
}

}  // namespace mysql_backup::testing
