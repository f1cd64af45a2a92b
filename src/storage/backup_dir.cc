#include "storage/backup_dir.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "util/file_util.h"

namespace mysql_backup {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

// Names in `dir`; a missing folder yields nothing.
Result<std::vector<std::string>> ListNames(const std::string& dir) {
  UniqueDir d(opendir(dir.c_str()));
  if (!d) {
    if (errno == ENOENT) return std::vector<std::string>{};
    return ErrnoError(ErrorKind::kStorage, "list", dir);
  }
  std::vector<std::string> names;
  while (struct dirent* e = readdir(d.get())) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string TypeDirectory(const std::string& backup_dir, BackupType type) {
  return JoinPath(backup_dir, BackupTypeName(type));
}

std::string WorkDirectory(const std::string& backup_dir) { return JoinPath(backup_dir, ".tmp"); }

std::string LockPath(const std::string& backup_dir) { return JoinPath(backup_dir, ".lock"); }

Result<std::vector<BackupFile>> ListBackups(const std::string& backup_dir) {
  std::vector<BackupFile> out;
  for (BackupType type : kAllBackupTypes) {
    std::string dir = TypeDirectory(backup_dir, type);
    auto names = ListNames(dir);
    if (!names.ok()) return names.status();
    for (const auto& n : *names) {
      auto parsed = ParseBackupFileName(n);
      if (!parsed || parsed->type != type) continue;
      BackupFile f;
      f.name = *parsed;
      f.path = JoinPath(dir, n);
      f.checksum_path = f.path + kChecksumSuffix;
      struct stat st;
      if (stat(f.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      f.size = static_cast<uint64_t>(st.st_size);
      f.has_checksum = access(f.checksum_path.c_str(), F_OK) == 0;
      out.push_back(std::move(f));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const BackupFile& a, const BackupFile& b) {
    if (a.name.created != b.name.created) return a.name.created > b.name.created;
    return a.path < b.path;
  });
  return out;
}

Result<std::vector<std::string>> ListOrphanChecksums(const std::string& backup_dir) {
  std::vector<std::string> out;
  for (BackupType type : kAllBackupTypes) {
    std::string dir = TypeDirectory(backup_dir, type);
    auto names = ListNames(dir);
    if (!names.ok()) return names.status();
    for (const auto& n : *names) {
      std::string_view sv = n;
      std::string_view suffix = kChecksumSuffix;
      if (sv.size() <= suffix.size() || sv.substr(sv.size() - suffix.size()) != suffix) continue;
      std::string backup(sv.substr(0, sv.size() - suffix.size()));
      auto parsed = ParseBackupFileName(backup);
      if (!parsed || parsed->type != type) continue;
      if (access(JoinPath(dir, backup).c_str(), F_OK) != 0 && errno == ENOENT) {
        out.push_back(JoinPath(dir, n));
      }
    }
  }
  return out;
}

Status CheckBackupDirectory(const std::string& backup_dir) {
  struct stat st;
  if (stat(backup_dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return Status(ErrorKind::kStorage,
                    "backup_dir '" + backup_dir + "' does not exist; create it (mkdir -m 0750 '" +
                        backup_dir + "') or fix [backup] backup_dir");
    }
    return ErrnoError(ErrorKind::kStorage, "access backup_dir", backup_dir);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status(ErrorKind::kStorage, "backup_dir '" + backup_dir + "' is not a directory");
  }
  if (access(backup_dir.c_str(), W_OK | X_OK) != 0) {
    return ErrnoError(ErrorKind::kStorage, "write to backup_dir", backup_dir);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ClearWorkDirectory(const std::string& backup_dir) {
  std::string dir = WorkDirectory(backup_dir);
  auto names = ListNames(dir);
  if (!names.ok()) return names.status();
  std::vector<std::string> removed;
  for (const auto& n : *names) {
    std::string path = JoinPath(dir, n);
    if (unlink(path.c_str()) == 0) removed.push_back(n);
  }
  return removed;
}

}  // namespace mysql_backup
