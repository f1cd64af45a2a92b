#include "monitor/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "storage/atomic_file.h"

namespace mysql_backup::monitor {

namespace {

constexpr size_t kMaxStateBytes = 64 << 10;

Result<std::string> ReadAll(const DirFd& folder, const std::string& name) {
  auto fd = OpenRegularFileAt(folder, name, ErrorKind::kStorage, ErrorKind::kStorage);
  if (!fd.ok()) return fd.status();
  std::string text;
  char buffer[4096];
  while (text.size() < kMaxStateBytes) {
    ssize_t n = read(fd->get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", folder.PathOf(name));
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

Result<MonitorState> ReadIn(const DirFd& folder, const std::string& name) {
  auto st = StatAt(folder, name);
  if (!st.ok()) return st.status();
  if (!st->has_value()) return MonitorState{};
  auto text = ReadAll(folder, name);
  if (!text.ok()) return text.status();
  return ParseState(*text);
}

// flock on the folder itself: the state file is replaced by rename, so it cannot carry the lock.
class FolderLock {
 public:
  explicit FolderLock(int fd) : fd_(fd) {
    while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~FolderLock() { flock(fd_, LOCK_UN); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_;
};

}  // namespace

std::string FormatState(const MonitorState& state) {
  std::string out;
  for (const auto& [job, s] : state) {
    char line[256];
    std::snprintf(line, sizeof line, " attempt=%lld exit=%d duration=%.3f success=%lld\n",
                  static_cast<long long>(s.last_attempt), s.last_exit_code, s.last_duration_sec,
                  static_cast<long long>(s.last_success));
    out += job + line;
  }
  return out;
}

MonitorState ParseState(std::string_view text) {
  MonitorState state;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string job, word;
    if (!(words >> job) || job.find('=') != std::string::npos) continue;
    JobState s;
    int seen = 0;
    while (words >> word) {
      size_t eq = word.find('=');
      if (eq == std::string::npos) continue;
      std::string key = word.substr(0, eq);
      const char* value = word.c_str() + eq + 1;
      char* end = nullptr;
      if (key == "attempt") {
        s.last_attempt = static_cast<std::time_t>(std::strtoll(value, &end, 10));
      } else if (key == "exit") {
        s.last_exit_code = static_cast<int>(std::strtol(value, &end, 10));
      } else if (key == "duration") {
        s.last_duration_sec = std::strtod(value, &end);
      } else if (key == "success") {
        s.last_success = static_cast<std::time_t>(std::strtoll(value, &end, 10));
      } else {
        continue;
      }
      if (end != nullptr && *end == '\0' && end != value) ++seen;
    }
    if (seen == 4) state[job] = s;
  }
  return state;
}

std::string StateFileName(const std::string& metrics_file_name) {
  return "." + metrics_file_name + ".state";
}

Result<MonitorState> ReadState(const DirFd& folder, const std::string& name) {
  return ReadIn(folder, name);
}

Status RecordJob(const DirFd& folder, const std::string& name, const std::string& job,
                 const JobState& value) {
  FolderLock lock(folder.get());
  auto state = ReadIn(folder, name);
  if (!state.ok()) return state.status();
  JobState& s = (*state)[job];
  std::time_t last_success = s.last_success;
  s = value;
  if (value.last_exit_code != 0 && value.last_success == 0) s.last_success = last_success;
  return WriteFileAtomically(folder, folder, name, FormatState(*state));
}

}  // namespace mysql_backup::monitor
