#include "support/test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <thread>

namespace mysql_backup::testing {

namespace fs = std::filesystem;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::string BaseName(const std::string& path) { return fs::path(path).filename().string(); }
std::string DirName(const std::string& path) { return fs::path(path).parent_path().string(); }

std::vector<pid_t> ProcessesMentioning(const std::string& marker) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::atoi(name.c_str()));
    if (pid == getpid()) continue;
    std::string cmdline = ReadTextFile("/proc/" + name + "/cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (Contains(cmdline, marker)) out.push_back(pid);
  }
  return out;
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string UtcStamp(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string RealDumpProgram() {
  for (const char* name : {"mariadb-dump", "mysqldump"}) {
    CliResult r = RunShell(std::string("command -v ") + name);
    if (r.exit_code == 0 && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
  }
  return "/usr/bin/mariadb-dump";
}

CliResult Sha256sumCheck(const std::string& backup) {
  return RunShell("cd " + ShellQuote(DirName(backup)) + " && sha256sum -c " +
                  ShellQuote(BaseName(backup) + ".sha256"));
}

Result<std::string> BackupMadeBy(const CliResult& run) {
  std::smatch m;
  if (run.exit_code != 0) {
    return Status(ErrorKind::kProcess,
                  "the backup failed (exit " + std::to_string(run.exit_code) + "): " + run.err);
  }
  if (!std::regex_search(run.out, m, std::regex(" backup OK: (/\\S+) "))) {
    return Status(ErrorKind::kProcess, "the backup printed no 'backup OK' line: " + run.out);
  }
  return std::string(m[1]);
}

}  // namespace mysql_backup::testing
