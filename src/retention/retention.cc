#include "retention/retention.h"

#include <algorithm>

namespace mysql_backup {

int RetentionCounts::For(BackupType type) const {
  switch (type) {
    case BackupType::kDaily: return daily;
    case BackupType::kWeekly: return weekly;
    case BackupType::kMonthly: return monthly;
  }
  return daily;
}

std::vector<BackupFile> SelectForDeletion(const std::vector<BackupFile>& backups,
                                          const std::string& database,
                                          const RetentionCounts& counts,
                                          const std::set<std::string>& keep,
                                          BackupKind kind) {
  std::vector<BackupFile> out;
  for (BackupType type : kAllBackupTypes) {
    std::vector<const BackupFile*> mine;
    for (const auto& b : backups) {
      if (b.name.type != type || b.name.kind != kind) continue;
      if (kind == BackupKind::kDatabase && b.name.database != database) continue;
      mine.push_back(&b);
    }
    std::stable_sort(mine.begin(), mine.end(), [](const BackupFile* a, const BackupFile* b) {
      if (a->name.created != b->name.created) return a->name.created > b->name.created;
      return a->path > b->path;
    });
    // A count below 1 would delete everything; the config forbids it, and so does this.
    size_t keep_count = static_cast<size_t>(std::max(1, counts.For(type)));
    for (size_t i = keep_count; i < mine.size(); ++i) {
      if (!keep.count(mine[i]->path)) out.push_back(*mine[i]);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const BackupFile& a, const BackupFile& b) {
    return a.name.created < b.name.created;
  });
  return out;
}

std::vector<ManifestRef> OrphanManifests(const std::vector<ManifestRef>& manifests,
                                         const std::vector<BackupFile>& remaining) {
  std::set<ManifestRef> in_use;
  for (const auto& b : remaining) in_use.insert({b.name.type, b.name.created});
  std::vector<ManifestRef> out;
  for (const auto& m : manifests) {
    if (!in_use.count(m)) out.push_back(m);
  }
  return out;
}

}  // namespace mysql_backup
