#include "storage/backup_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "storage/atomic_file.h"
#include "util/file_util.h"

namespace mysql_backup {

std::string TypeDirectory(const std::string& backup_dir, BackupType type) {
  return JoinPath(backup_dir, BackupTypeName(type));
}

std::string WorkDirectory(const std::string& backup_dir) {
  return JoinPath(backup_dir, kWorkFolderName);
}

std::string LockPath(const std::string& backup_dir) { return JoinPath(backup_dir, kLockFileName); }

Result<BackupDirectory> BackupDirectory::Open(const std::string& backup_dir) {
  auto root = OpenTopDirectory(backup_dir);
  if (!root.ok()) return root.status();
  return BackupDirectory(std::move(*root));
}

Status BackupDirectory::RequireWritable() const {
  if (faccessat(root_.get(), ".", W_OK | X_OK, 0) != 0) {
    return ErrnoError(ErrorKind::kStorage, "write to backup_dir", root_.path);
  }
  return Status::Ok();
}

Result<const DirFd*> BackupDirectory::Folder(const std::string& name, bool create) {
  auto it = folders_.find(name);
  if (it != folders_.end()) return &it->second;
  DirFd dir;
  if (create) {
    auto made = EnsureSubdirectory(root_, name, kDirMode);
    if (!made.ok()) return made.status();
    dir = std::move(*made);
  } else {
    auto opened = OpenSubdirectory(root_, name);
    if (!opened.ok()) return opened.status();
    if (!opened->has_value()) return static_cast<const DirFd*>(nullptr);
    dir = std::move(**opened);
  }
  return &folders_.emplace(name, std::move(dir)).first->second;
}

Result<const DirFd*> BackupDirectory::TypeFolder(BackupType type, bool create) {
  return Folder(std::string(BackupTypeName(type)), create);
}

Result<const DirFd*> BackupDirectory::WorkFolder(bool create) {
  return Folder(kWorkFolderName, create);
}

Result<std::vector<BackupFile>> BackupDirectory::ListBackups() {
  std::vector<BackupFile> out;
  for (BackupType type : kAllBackupTypes) {
    auto dir = TypeFolder(type);
    if (!dir.ok()) return dir.status();
    if (*dir == nullptr) continue;
    const DirFd& folder = **dir;
    auto names = ListDirectory(folder);
    if (!names.ok()) return names.status();
    for (const auto& n : *names) {
      auto parsed = ParseBackupFileName(n);
      if (!parsed || parsed->type != type) continue;
      auto st = StatAt(folder, n);
      if (!st.ok()) return st.status();
      // Gone since the listing, or a link, FIFO, folder: not a backup.
      if (!st->has_value() || !S_ISREG((*st)->st_mode)) continue;
      BackupFile f;
      f.name = *parsed;
      f.file_name = n;
      f.path = folder.PathOf(n);
      f.checksum_path = f.path + kChecksumSuffix;
      f.size = static_cast<uint64_t>((*st)->st_size);
      auto sum = StatAt(folder, n + kChecksumSuffix);
      f.has_checksum = sum.ok() && sum->has_value();
      out.push_back(std::move(f));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const BackupFile& a, const BackupFile& b) {
    if (a.name.created != b.name.created) return a.name.created > b.name.created;
    return a.path < b.path;
  });
  return out;
}

Result<std::vector<OrphanChecksum>> BackupDirectory::ListOrphanChecksums() {
  std::vector<OrphanChecksum> out;
  std::string_view suffix = kChecksumSuffix;
  for (BackupType type : kAllBackupTypes) {
    auto dir = TypeFolder(type);
    if (!dir.ok()) return dir.status();
    if (*dir == nullptr) continue;
    const DirFd& folder = **dir;
    auto names = ListDirectory(folder);
    if (!names.ok()) return names.status();
    for (const auto& n : *names) {
      std::string_view sv = n;
      if (sv.size() <= suffix.size() || sv.substr(sv.size() - suffix.size()) != suffix) continue;
      std::string backup(sv.substr(0, sv.size() - suffix.size()));
      auto parsed = ParseBackupFileName(backup);
      if (!parsed || parsed->type != type) continue;
      auto st = StatAt(folder, backup);
      if (st.ok() && !st->has_value()) out.push_back({type, n, folder.PathOf(n)});
    }
  }
  return out;
}

Result<std::vector<std::string>> BackupDirectory::ClearWorkFolder() {
  auto dir = WorkFolder();
  if (!dir.ok()) return dir.status();
  std::vector<std::string> removed;
  if (*dir == nullptr) return removed;
  const DirFd& work = **dir;
  auto names = ListDirectory(work);
  if (!names.ok()) return names.status();
  for (const auto& n : *names) {
    if (!IsAtomicFileTempName(n)) continue;  // not ours: someone else's business
    auto st = StatAt(work, n);
    if (!st.ok() || !st->has_value()) continue;
    // unlinkat() removes a link itself, never its target; folders are not ours to remove.
    mode_t mode = (*st)->st_mode;
    if (!S_ISREG(mode) && !S_ISLNK(mode)) continue;
    if (unlinkat(work.get(), n.c_str(), 0) == 0) removed.push_back(n);
  }
  return removed;
}

Result<std::vector<BackupFile>> ListBackups(const std::string& backup_dir) {
  auto dir = BackupDirectory::Open(backup_dir);
  if (!dir.ok()) return dir.status();
  return dir->ListBackups();
}

}  // namespace mysql_backup
