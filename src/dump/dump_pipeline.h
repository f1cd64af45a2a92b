// One pass from the mysqldump child to a file: the dump's stdout is compressed, (when recipients
// are given) encrypted with age, and the bytes that reach the file hashed (SHA-256) and written to
// an AtomicFile, all streaming with bounded memory.
// The caller commits the file; on any error the AtomicFile still owns (and removes) it and the
// child is stopped and reaped.
#ifndef MYSQL_BACKUP_DUMP_DUMP_PIPELINE_H_
#define MYSQL_BACKUP_DUMP_DUMP_PIPELINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "codec/age_keys.h"
#include "codec/compressor.h"
#include "storage/atomic_file.h"
#include "util/status.h"

namespace mysql_backup {

class ReadBack;

struct DumpRequest {
  ConnectionConfig connection;
  std::string database;
  std::vector<std::string> options;  // the user's mysqldump_options, already split
  CompressionSettings compression;
  std::string program;  // empty: FindDumpProgram()
  // Seconds the dump may run; 0: no limit. A dump that hangs (mariadb-dump 10.11 can spin
  // forever on some event bodies) must not hold the lock for ever.
  int timeout_sec = 0;
  // Sinks that see every plain (uncompressed) byte before it is compressed: the row counter and
  // the binlog position reader of the manifest. Not owned. Their errors fail the dump.
  std::vector<ByteSink*> plain_taps;
  // When set, replaces the database argument: the whole command after the options, e.g.
  // {"--system=users"} for the accounts file. Empty: `-- <database>`.
  std::vector<std::string> arguments;
  // The accounts file: drop the lines about the server's internal accounts (accounts_filter.h)
  // before compression. Taps still see the dump as the program wrote it.
  bool drop_internal_accounts = false;
  // When set, told how far the file has grown after each write, so it can read the file back
  // while the dump goes on (read_back.h). Not owned.
  ReadBack* read_back = nullptr;
  // Non-empty: the compressed stream is encrypted to these age recipients before it is hashed
  // and written (the file is then NAME.sql.gz.age).
  std::vector<age::X25519Recipient> recipients;
};

struct DumpOutcome {
  std::string sha256;         // of the file's bytes (encrypted, when encrypting)
  // Encrypting only: SHA-256 of the compressed stream before encryption, i.e. of what
  // `age -d` gives back. Empty otherwise.
  std::string plain_sha256;
  uint64_t compressed_bytes = 0;
  uint64_t dump_bytes = 0;    // uncompressed
  std::string dump_stderr;    // warnings of a successful dump
};

// Called now and then with the uncompressed bytes read so far.
using DumpProgress = std::function<void(uint64_t dump_bytes)>;

// Errors: kConnection (login refused, server unreachable), kProcess (the dump failed, was
// killed, or ended without its trailer; mysqldump's stderr in detail()), kStorage (writing),
// kProcess "Interrupted" when *cancel became true.
Result<DumpOutcome> RunDump(const DumpRequest& request, AtomicFile* out,
                            const DumpProgress& progress, const std::atomic<bool>* cancel);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_DUMP_PIPELINE_H_
