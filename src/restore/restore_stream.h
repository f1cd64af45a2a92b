// Streams a backup into the mysql/mariadb client: read -> (decrypt) -> decompress -> guard ->
// (tap) -> client stdin, or with threads > 1 -> splitter -> parallel loader (which spools tables
// that wait for a connection under spool_dir). The credentials travel on a pipe as for the dump.
#ifndef MYSQL_BACKUP_RESTORE_RESTORE_STREAM_H_
#define MYSQL_BACKUP_RESTORE_RESTORE_STREAM_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "config/config.h"
#include "codec/age_keys.h"
#include "codec/compressor.h"
#include "sql/restore_guard.h"
#include "util/status.h"

namespace mysql_backup {

struct RestoreRequest {
  std::string path;  // the file to read; with `source`, only named in messages
  // When set, the stored bytes come from here instead of `path` (a download from an offsite
  // target): it writes the whole file into the sink it is given and returns the sink's error.
  std::function<Status(ByteSink*)> source;
  uint64_t source_size = 0;  // for progress
  Compression compression = Compression::kGzip;
  // An age-encrypted file (.age): decrypted with these identities (not owned, at least one).
  bool encrypted = false;
  const std::vector<age::X25519Identity>* identities = nullptr;
  ConnectionConfig connection;
  std::string database;
  // Run by the client when it connects (--init-command), e.g. "SET SESSION sql_log_bin = 0".
  std::string init_command;
  // Required: judges every statement before the client sees it (see sql/restore_guard.h).
  RestoreGuard* guard = nullptr;
  ByteSink* tap = nullptr;  // sees every byte the client gets
  std::function<void(uint64_t read, uint64_t total)> progress;
  const std::atomic<bool>* cancel = nullptr;
  // More than 1: tables load on that many connections (restore/parallel_loader.h), spooling what
  // waits under `spool_dir` (which must exist). 1: one client reads the whole stream.
  int threads = 1;
  std::string spool_dir;
  size_t spool_threshold = 1 << 20;
};

// Errors: kIntegrity (the stream is corrupt, or the guard refused a statement: then the client is
// stopped before it could run it), kConnection, kProcess (the client reported an
// SQL error; its stderr in detail()), kStorage (reading the file).
Status StreamRestore(const RestoreRequest& request);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_RESTORE_RESTORE_STREAM_H_
