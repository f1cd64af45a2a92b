#include "dump/manifest_io.h"

#include <unistd.h>

#include <algorithm>

#include "codec/sha256.h"
#include "dump/verify.h"
#include "storage/dir_fd.h"

namespace mysql_backup {

Result<std::vector<ManifestLocation>> ListManifests(BackupDirectory& dir) {
  std::vector<ManifestLocation> out;
  for (BackupType t : kAllBackupTypes) {
    auto folder = dir.TypeFolder(t);
    if (!folder.ok()) return folder.status();
    if (*folder == nullptr) continue;
    auto names = ListDirectory(**folder);
    if (!names.ok()) return names.status();
    for (const auto& n : *names) {
      auto m = ParseManifestFileName(n);
      if (!m || m->type != t) continue;
      out.push_back({t, m->created, n, (*folder)->PathOf(n)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ManifestLocation& a, const ManifestLocation& b) {
    if (a.stamp != b.stamp) return a.stamp > b.stamp;
    return a.type < b.type;
  });
  return out;
}

Result<RunManifest> ReadManifest(BackupDirectory& dir, const ManifestLocation& where) {
  auto folder = dir.TypeFolder(where.type);
  if (!folder.ok()) return folder.status();
  if (*folder == nullptr) {
    return Status(ErrorKind::kIntegrity, "'" + where.path + "' does not exist");
  }
  return ReadManifestAt(**folder, where);
}

Result<RunManifest> ReadManifestAt(const DirFd& type_dir, const ManifestLocation& where) {
  auto expected = ReadChecksumFileAt(type_dir, where.name + kChecksumSuffix, where.name);
  if (!expected.ok()) return expected.status();
  auto fd = OpenRegularFileAt(type_dir, where.name, ErrorKind::kIntegrity, ErrorKind::kIntegrity);
  if (!fd.ok()) return fd.status();
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd->get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", where.path);
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxManifestBytes) {
      return Status(ErrorKind::kIntegrity, "'" + where.path + "' is too large for a manifest");
    }
  }
  Sha256 hash;
  hash.Update({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  if (hash.FinishHex() != *expected) {
    return Status(ErrorKind::kIntegrity,
                  "'" + where.path + "' does not match its .sha256: the manifest was changed");
  }
  auto parsed = ParseManifest(text);
  if (!parsed.ok()) return Status(parsed.status()).AddContext("'" + where.path + "'");
  if (parsed->type != where.type || parsed->stamp != where.stamp) {
    return Status(ErrorKind::kIntegrity,
                  "'" + where.path + "' describes another run than its name says");
  }
  return std::move(*parsed);
}

}  // namespace mysql_backup
