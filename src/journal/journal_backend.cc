#include "journal/journal_backend.h"

// Without this, sd-journal.h's macros add CODE_FILE/CODE_LINE/CODE_FUNC of this file to every
// entry, which would only ever point here.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace mysql_backup {

namespace {
constexpr size_t kMaxFieldNameLength = 64;
}

bool IsValidJournalFieldName(std::string_view name) {
  if (name.empty() || name.size() > kMaxFieldNameLength) return false;
  if (name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void JournalBackend::Write(Priority priority, const std::string& message, const LogFields& fields) {
  std::vector<std::string> items;
  items.reserve(fields.size() + 3);
  items.push_back("MESSAGE=" + message);
  items.push_back("PRIORITY=" + std::to_string(static_cast<int>(priority)));
  items.push_back(std::string("SYSLOG_IDENTIFIER=") + kSyslogIdentifier);
  for (const auto& [name, value] : fields) {
    // MESSAGE, PRIORITY and SYSLOG_IDENTIFIER are ours; a second copy would make them lists.
    if (!IsValidJournalFieldName(name) || name == "MESSAGE" || name == "PRIORITY" ||
        name == "SYSLOG_IDENTIFIER") {
      continue;
    }
    items.push_back(name + "=" + value);
  }
  std::vector<iovec> iov;
  iov.reserve(items.size());
  for (auto& item : items) iov.push_back({item.data(), item.size()});
  if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0) {
    std::fprintf(stderr, "%s\n", message.c_str());
  }
}

bool JournalStreamMatches(const char* journal_stream, dev_t dev, ino_t ino) {
  if (journal_stream == nullptr) return false;
  uintmax_t want_dev = 0;
  uintmax_t want_ino = 0;
  int consumed = 0;
  if (std::sscanf(journal_stream, "%" SCNuMAX ":%" SCNuMAX "%n", &want_dev, &want_ino, &consumed) !=
          2 ||
      journal_stream[consumed] != '\0') {
    return false;
  }
  return want_dev == static_cast<uintmax_t>(dev) && want_ino == static_cast<uintmax_t>(ino);
}

bool FdIsJournalStream(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  return JournalStreamMatches(std::getenv("JOURNAL_STREAM"), st.st_dev, st.st_ino);
}

bool JournalAvailable() { return FdIsJournalStream(STDERR_FILENO); }

}  // namespace mysql_backup
