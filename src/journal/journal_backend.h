// The log backend for runs under systemd: each entry goes to the journal with sd_journal_sendv,
// carrying MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=mysql-backup and the entry's structured fields, so
// `journalctl BACKUP_TYPE=monthly` finds exactly that type's runs. main.cc uses it instead of the
// stderr backend when JournalAvailable() says stderr already goes to the journal.
#ifndef MYSQL_BACKUP_JOURNAL_JOURNAL_BACKEND_H_
#define MYSQL_BACKUP_JOURNAL_JOURNAL_BACKEND_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "journal/logger.h"

namespace mysql_backup {

inline constexpr char kSyslogIdentifier[] = "mysql-backup";

class JournalBackend : public LogBackend {
 public:
  // Fields whose names the journal would reject are dropped (the entry is still sent); if the
  // journal refuses the entry, the message goes to stderr instead of being lost.
  void Write(Priority priority, const std::string& message, const LogFields& fields) override;
};

// True when stderr is a stream connected to the journal: $JOURNAL_STREAM names stderr's device
// and inode (systemd's documented test; a redirected stderr no longer matches).
bool JournalAvailable();

// The same test for any fd: FdIsJournalStream(STDOUT_FILENO) says that text printed for the user
// would land in the journal as well (a second, field-less copy of a logged line).
bool FdIsJournalStream(int fd);

// The test behind JournalAvailable(): `journal_stream` is $JOURNAL_STREAM ("<dev>:<inode>", may
// be null), compared with the device and inode of the fd in question.
bool JournalStreamMatches(const char* journal_stream, dev_t dev, ino_t ino);

// A valid journal field name for our own fields: 1-64 characters of A-Z, 0-9 and '_', not
// starting with '_' (trusted fields) or a digit.
bool IsValidJournalFieldName(std::string_view name);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_JOURNAL_JOURNAL_BACKEND_H_
