#include "binlog/replay_index.h"

#include "binlog/archive.h"
#include "binlog/archive_index.h"

namespace mysql_backup {

Result<std::vector<BinlogIndex>> ReadBinlogIndexes(const DirFd& backup_dir) {
  std::vector<BinlogIndex> out;
  auto binlog = OpenSubdirectory(backup_dir, kBinlogFolderName);
  if (!binlog.ok()) return binlog.status();
  if (!binlog->has_value()) return out;
  auto archives = ReadServerArchives(**binlog);
  if (!archives.ok()) return archives.status();
  for (auto& a : *archives) {
    // Never plan around an entry that is not ours: it may be a file the replay would need.
    if (!a.problems.empty()) return ArchiveProblems(a);
    BinlogIndex index;
    index.server = a.server;
    index.path = a.dir.path;
    index.files = std::move(a.files);
    index.partial = std::move(a.partial);
    index.gaps = std::move(a.gaps);
    out.push_back(std::move(index));
  }
  return out;
}

}  // namespace mysql_backup
