// The one reader of what the archiver writes beside each binary log: the sidecar
// `<name>.json` (size, event times, GTID states, the next file's name, when it was archived)
// and the folder's gaps.json. Cleanup, the drill's chain check, the point-in-time restore,
// --verify and --check all read the archive through here, so they agree on what a sidecar is,
// on how large one may be, and on the message when one is not ours. Files are opened without
// following links or blocking (storage/dir_fd.h), and only regular files are read.
#ifndef MYSQL_BACKUP_BINLOG_ARCHIVE_SIDECAR_H_
#define MYSQL_BACKUP_BINLOG_ARCHIVE_SIDECAR_H_

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "binlog/binlog_reader.h"
#include "storage/dir_fd.h"
#include "util/json_value.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr char kSidecarSuffix[] = ".json";

// The largest JSON file of the archive read. A sidecar is under 1 KiB and gaps.json grows by
// ~250 bytes a gap: this never refuses one of ours, and bounds what a planted file costs.
inline constexpr size_t kMaxArchiveJsonBytes = 1 << 20;

// One archived binary log as its sidecar describes it (not checked against the file itself:
// ReadArchivedBinlog does that).
struct ArchivedBinlog {
  std::string name;  // "mysql-bin.000012"
  std::string base;  // "mysql-bin"
  uint64_t number = 0;
  bool partial = false;        // the copy in partial/: the active file as of the last archive run
  bool complete = false;       // as the sidecar says: true for every file outside partial/
  uint64_t size = 0;           // of the binlog itself (uncompressed)
  std::time_t first_time = 0;  // first and last event time; 0 when the file has no event
  std::time_t last_time = 0;
  std::time_t archived_time = 0;  // when the archiver wrote the sidecar
  std::string last_gtid;          // "" when none
  std::vector<Gtid> state_start;  // the GTID state before and after the file
  std::vector<Gtid> state_end;
  std::string next_file;  // "" for the partial copy (and after a Stop)
};

// A gap recorded in gaps.json.
struct RecordedGap {
  std::string missing_from;
  std::string missing_to;
  std::string resumes_at;
  std::string reason;
};

// `name` in `dir`, parsed as JSON: a regular file of at most kMaxArchiveJsonBytes.
// Errors: kIntegrity (a link, FIFO, folder, too large, not JSON), kStorage (unreadable).
Result<JsonValue> ReadArchiveJson(const DirFd& dir, const std::string& name);

// The string member `key` of `v`; "" when absent or not a string.
std::string JsonString(const JsonValue& v, const char* key);

// "2026-12-01T13:31:00Z" -> Unix seconds; 0 when empty or malformed.
std::time_t ParseIsoTime(const std::string& text);

// "0-1-5,1-2-7" -> GTIDs (malformed items are left out); and back.
std::vector<Gtid> ParseGtidState(const std::string& text);
std::string GtidStateText(const std::vector<Gtid>& state);

// The sidecar of binlog `name` ("mysql-bin.000012") in `dir`; `partial`: `dir` is partial/.
// Errors: kIntegrity naming the file and what is wrong with it, kStorage.
Result<ArchivedBinlog> ReadSidecar(const DirFd& dir, const std::string& name, bool partial);

// gaps.json in `dir`; empty when there is none. Errors as ReadArchiveJson.
Result<std::vector<RecordedGap>> ReadGapsFile(const DirFd& dir);
// The same as written, every member kept (the archiver rewrites the file whole with a new gap).
Result<std::vector<JsonValue>> ReadGapsJson(const DirFd& dir);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_ARCHIVE_SIDECAR_H_
