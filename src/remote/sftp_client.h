// An SFTP server as a RemoteTarget, over libcurl's SFTP (libssh2 underneath; Debian's 1.10 has
// no rsa-sha2, so keys are ed25519). The host key is always checked: against a pinned SHA-256
// fingerprint or a known_hosts file; a settings value with neither is refused, because libcurl
// would then accept any server. Uploads go to a hidden temp name beside the final one and are
// renamed when complete; folders are created as needed. No ssh child process: the identity file
// is read by libssh2 in this process and its path or bytes never reach argv or an environment.
#ifndef MYSQL_BACKUP_REMOTE_SFTP_CLIENT_H_
#define MYSQL_BACKUP_REMOTE_SFTP_CLIENT_H_

#include <atomic>
#include <memory>
#include <string>

#include "remote/remote_target.h"

namespace mysql_backup {

struct SftpSettings {
  std::string host;
  int port = 22;
  std::string user;
  std::string path;  // the remote folder, absolute, without a trailing '/'
  std::string identity_file;
  std::string host_key_sha256;  // base64, as 'ssh-keygen -lf' prints it without "SHA256:"
  std::string known_hosts;      // or a known_hosts file
  const std::atomic<bool>* cancel = nullptr;  // set: stop at the next chunk
};

// The temp names uploads use: ".<name>.upload-<unix time>" in the final name's folder.
inline constexpr char kSftpTempMarker[] = ".upload-";

// kConfiguration when neither host_key_sha256 nor known_hosts is set.
Result<std::unique_ptr<RemoteTarget>> MakeSftpTarget(SftpSettings settings);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_REMOTE_SFTP_CLIENT_H_
