#include "cli/output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "journal/journal_backend.h"

namespace mysql_backup {

namespace {

// Whether the logger's stderr backend already writes every entry where stdout goes: stdout and
// stderr are one file (cron's mail, `>log 2>&1`, a pipe) that is not a terminal. On a terminal
// stderr only shows warnings and errors, so the result line is needed there.
bool StdoutIsStderrLog() {
  struct stat out, err;
  if (fstat(STDOUT_FILENO, &out) != 0 || fstat(STDERR_FILENO, &err) != 0) return false;
  return out.st_dev == err.st_dev && out.st_ino == err.st_ino && isatty(STDERR_FILENO) != 1;
}

std::string& ResultLineStore() {
  static std::string lines;
  return lines;
}

}  // namespace

const std::string& ResultLines() { return ResultLineStore(); }

void ClearResultLines() { ResultLineStore().clear(); }

void PrintResultLine(const std::string& line) {
  ResultLineStore() += line + "\n";
  static const bool said_elsewhere = FdIsJournalStream(STDOUT_FILENO) || StdoutIsStderrLog();
  if (said_elsewhere) return;
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace mysql_backup
