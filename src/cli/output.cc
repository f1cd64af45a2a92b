#include "cli/output.h"

#include <unistd.h>

#include <cstdio>

#include "journal/journal_backend.h"

namespace mysql_backup {

void PrintResultLine(const std::string& line) {
  static const bool to_journal = FdIsJournalStream(STDOUT_FILENO);
  if (to_journal) return;
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace mysql_backup
