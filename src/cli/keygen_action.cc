#include "cli/keygen_action.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "codec/age_keys.h"
#include "util/file_util.h"
#include "util/unique_fd.h"

namespace mysql_backup {

namespace {

// Wipes the identity's text when it goes: it is the secret key.
struct SecretText {
  std::string text;
  ~SecretText() { OPENSSL_cleanse(text.data(), text.size()); }
};

}  // namespace

Status RunGenerateKey(const std::string& file) {
  auto identity = age::GenerateIdentity();
  if (!identity.ok()) return identity.status();
  SecretText content{age::IdentityFileText(*identity, std::chrono::system_clock::now())};
  if (file.empty()) {
    std::string warning =
        "mysql-backup: warning: the secret key is printed on stdout; keep it off the backup "
        "host, with a sealed copy somewhere safe (use --generate-key FILE to write it to a "
        "file instead)\n";
    (void)!write(STDERR_FILENO, warning.data(), warning.size());
    Status s = WriteAll(STDOUT_FILENO, content.text, "stdout");
    return s;
  }
  // O_EXCL (and O_NOFOLLOW): an existing key, or a link planted there, is never replaced.
  UniqueFd fd(open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) {
      return Status(ErrorKind::kStorage, "'" + file +
                                             "' already exists; refusing to overwrite a key "
                                             "file (choose another name, or remove it first)");
    }
    return ErrnoError(ErrorKind::kStorage, "create", file);
  }
  // umask may have narrowed it further, never widened; make it exactly 0600.
  Status s =
      fchmod(fd.get(), 0600) == 0 ? Status::Ok() : ErrnoError(ErrorKind::kStorage, "chmod", file);
  if (s.ok()) s = WriteAll(fd.get(), content.text, file);
  if (s.ok() && fsync(fd.get()) != 0) s = ErrnoError(ErrorKind::kStorage, "fsync", file);
  if (s.ok() && close(fd.Release()) != 0) s = ErrnoError(ErrorKind::kStorage, "close", file);
  if (s.ok()) s = FsyncDirectory(DirName(AbsolutePath(file)));
  if (!s.ok()) {
    unlink(file.c_str());
    return s;
  }
  std::string line = identity->recipient.ToString() + "\n";
  return WriteAll(STDOUT_FILENO, line, "stdout");
}

}  // namespace mysql_backup
