// Reading the binlog archive back for the tasks around it (cleanup, the drill's chain check,
// monitoring): which server folders exist under <backup_dir>/binlog, which files each holds
// and what their sidecars say, the partial copy, and the debris of interrupted runs. A file
// counts as archived only when its sidecar exists (the archiver writes it last, cleanup
// removes it first). Reading only: nothing here writes or deletes.
#ifndef MYSQL_BACKUP_BINLOG_ARCHIVE_INDEX_H_
#define MYSQL_BACKUP_BINLOG_ARCHIVE_INDEX_H_

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "binlog/archive_sidecar.h"
#include "binlog/binlog_reader.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

struct ServerArchive {
  std::string server;  // the folder name: the server_id
  DirFd dir;
  std::vector<ArchivedBinlog> files;      // complete files with a sidecar, oldest first by number
  std::optional<ArchivedBinlog> partial;  // partial/<name> with its sidecar, if any
  // The newest modification time of a partial/*.gz (0: none). While a run refreshes the copy
  // its sidecar is briefly gone; the data it replaces still holds every event up to then.
  std::time_t partial_data_mtime = 0;
  std::vector<RecordedGap> gaps;
  // Binlog names that have a .gz or .gz.sha256 but no sidecar: not archived (a run or a cleanup
  // was interrupted). Sorted by name.
  std::vector<std::string> unpublished;
  // Entries that are not what the archiver writes: a sidecar that does not read as ours, a
  // link, FIFO or folder under one of our names, an unreadable gaps.json. Each names the entry
  // and what to do. The binlog names involved are in neither `files` nor `unpublished`: no
  // task uses or deletes them; the restore and the drill refuse a folder that has any.
  std::vector<Status> problems;
};

// <backup_dir>/binlog, nullopt when there is none. Errors: kStorage.
Result<std::optional<DirFd>> OpenBinlogFolder(const std::string& backup_dir);

// What is wrong with the entry `name` (of type `mode`, from lstat) of the binlog folder: a link,
// or anything but a folder under a server_id name. Ok for a folder, and for other names.
Status ServerEntryProblem(const DirFd& binlog, const std::string& name, mode_t mode);

// One server folder inside the binlog folder. What is wrong with single entries goes to
// `problems`; errors only for the folder itself (as ReadArchiveIndex).
Result<ServerArchive> ReadServerArchive(const DirFd& binlog, const std::string& server);

// Every server folder in the binlog folder `binlog`, sorted by name (names starting with '.'
// and other non-folders left out). A link there, or a non-folder under a server_id name, is
// listed as a ServerArchive with no open folder (dir.fd invalid), no files and one problem.
// Errors as ReadArchiveIndex.
Result<std::vector<ServerArchive>> ReadServerArchives(const DirFd& binlog);

// Every <backup_dir>/binlog/<server_id>/ folder, sorted by name; empty when there is no binlog
// folder. Errors: kStorage (a folder unreadable, a link).
Result<std::vector<ServerArchive>> ReadArchiveIndex(const std::string& backup_dir);

// Checksum, gzip stream and every event (CRC32s) of `<name>.gz` in `dir` against its .sha256.
// Errors: kIntegrity naming what is wrong, kStorage when it cannot be read.
Result<BinlogSummary> ReadArchivedBinlog(const DirFd& dir, const std::string& name);

// One kIntegrity error listing every entry of `archive.problems`, for tasks that refuse a
// folder that has any.
Status ArchiveProblems(const ServerArchive& archive);

// Whether two binlog names belong to one numbered series ("mysql-bin.000003", "mysql-bin.000010").
bool SameSeries(const std::string& a, const std::string& b);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_ARCHIVE_INDEX_H_
