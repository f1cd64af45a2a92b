#include "dump/load_check.h"

#include "dump/manifest_io.h"
#include "storage/backup_name.h"
#include "storage/dir_fd.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

// The SHA-256 the run's manifest lists for `name`, when the manifest beside it is intact and
// lists it; nullopt otherwise (then the file gets the full check, so no reason is needed).
std::optional<std::string> DigestListedFor(const DirFd& dir, const std::string& name) {
  auto backup = ParseBackupFileName(name);
  if (!backup) return std::nullopt;
  ManifestLocation where;
  where.type = backup->type;
  where.stamp = backup->created;
  where.name = ManifestFileName(backup->type, backup->created);
  where.path = dir.PathOf(where.name);
  auto manifest = ReadManifestAt(dir, where);
  if (!manifest.ok()) return std::nullopt;
  for (const ManifestFile& f : manifest->files) {
    if (f.name == name && !f.sha256.empty()) return f.sha256;
  }
  return std::nullopt;
}

}  // namespace

Result<StreamCheck> VerifyBeforeLoad(const std::string& path, const StoredFormat& format,
                                     bool* proven_at_write) {
  *proven_at_write = false;
  auto dir = OpenParentFolder(path);
  if (!dir.ok()) return dir.status();
  const std::string name = BaseName(path);
  std::optional<std::string> listed = DigestListedFor(*dir, name);
  // A .sha256 that disagrees with the run's manifest means one of them was replaced: trust
  // neither without the full check. Compared before the file is read, so it is read once.
  auto recorded = ReadChecksumFileAt(*dir, name + kChecksumSuffix, name);
  if (!listed || !recorded.ok() || *recorded != *listed) {
    return VerifyBackupFileAt(*dir, name, format);
  }
  // VerifyStoredBytesAt holds the file to its .sha256, which is the digest listed.
  auto check = VerifyStoredBytesAt(*dir, name);
  if (!check.ok()) return check;
  check->encrypted = format.encrypted;
  *proven_at_write = true;
  return check;
}

std::string ProvenLine(const std::string& path, bool proven_at_write) {
  if (proven_at_write) {
    return "'" + path + "' has the SHA-256 its run's manifest lists (its stream was proven when it "
           "was written; the load checks it again)";
  }
  return "'" + path + "' was checked in full (SHA-256, decompression, dump trailer): its run's "
         "manifest does not list it";
}

}  // namespace mysql_backup
