// What is checked before a backup is loaded, and why that is enough.
#ifndef MYSQL_BACKUP_DUMP_LOAD_CHECK_H_
#define MYSQL_BACKUP_DUMP_LOAD_CHECK_H_

#include <string>

#include "dump/verify.h"
#include "util/status.h"

namespace mysql_backup {

// The check before a backup is loaded (--restore, --restore latest, the drill). A file this tool
// wrote is listed in its run's manifest (beside it, checked against its own .sha256) with its
// SHA-256; its stream was proven to decompress to the whole dump, trailer included, while it was
// written, so a SHA-256 equal to the one listed proves the same of it now and the decompression
// is not repeated before the load (the load decompresses it and checks the trailer anyway). Any
// other file, one of the old tool's, one copied in by hand, one whose manifest is gone or does
// not list it with that digest, is checked in full. `*proven_at_write` tells which it was.
// Errors as VerifyBackupFile.
Result<StreamCheck> VerifyBeforeLoad(const std::string& path, const StoredFormat& format,
                                     bool* proven_at_write);

// What was checked, for the log: "'<path>': SHA-256 as its run's manifest lists it ..." or
// "'<path>': checked in full ...".
std::string ProvenLine(const std::string& path, bool proven_at_write);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_LOAD_CHECK_H_
