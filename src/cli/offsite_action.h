// Offsite copies: after a backup (CopyToTargets), by hand (--upload), and reading a target back
// (--list --target, --verify --target). A copy is the file, then its .sha256, each checked on
// the target (size, or with verify = full the downloaded SHA-256); only a target whose copies
// all verified gets its remote retention. Each target is tried on its own; a failure is exit 76
// (kOffsite) with BACKUP_ERROR=offsite and BACKUP_TARGET=<name>, and never touches the local
// backup.
#ifndef MYSQL_BACKUP_CLI_OFFSITE_ACTION_H_
#define MYSQL_BACKUP_CLI_OFFSITE_ACTION_H_

#include <memory>
#include <string>
#include <vector>

#include "cli/run_context.h"
#include "codec/age_keys.h"
#include "codec/compressor.h"
#include "dump/verify.h"
#include "remote/remote_target.h"
#include "util/status.h"

namespace mysql_backup {

// The client for `target`. Errors: kConfiguration for a type this build cannot reach.
Result<std::unique_ptr<RemoteTarget>> OpenRemoteTarget(const RunContext& ctx,
                                                       const TargetConfig& target);

// "daily/shop-daily-20261127T000003Z.sql.gz" for a file in <backup_dir>/daily/: the remote name
// is the type folder and the file name, whatever kind of file it is (backup, manifest, ...).
Result<std::string> RemoteKeyFor(const std::string& local_path);

// Copies each of `local_paths` (and the .sha256 beside it) to every configured target, then
// applies each fully copied target's retention. Logs what it does. Ok when there are no targets.
Status CopyToTargets(const RunContext& ctx, const std::vector<std::string>& local_paths);

// A backup on a target, checked and ready to be streamed (--restore/--restore-test --target).
struct RemoteBackupSource {
  std::unique_ptr<RemoteTarget> remote;
  std::string target_name;
  std::string key;        // "daily/shop-daily-20261127T000003Z.sql.gz"
  std::string url;        // for messages
  std::string file_name;  // "shop-daily-20261127T000003Z.sql.gz"
  uint64_t size = 0;
  // How the copy is stored; its identities pointer is left null (see Format()).
  StoredFormat format;
  // An encrypted copy: the identities of [encryption] identity_file, which opened it.
  std::vector<age::X25519Identity> identities;
  // `format` pointing at `identities`: valid while this object stays where it is.
  StoredFormat Format() const {
    StoredFormat f = format;
    if (f.encrypted) f.identities = &identities;
    return f;
  }
  // Streams the copy again, into `sink`.
  Status Download(ByteSink* sink) const { return remote->Download(key, sink); }
};

// Finds `file_or_latest` on target --target (a file name, or `latest`: the newest complete copy
// of the configured database) and checks it by reading it once in full: its SHA-256 against the
// remote .sha256, the compressed stream and the dump trailer; an encrypted (.age) copy is
// decrypted on the way with [encryption] identity_file, as a local one is. Nothing is stored
// locally; the restore then downloads it a second time (two passes: nothing reaches the database
// before the copy has proven whole). Errors: kUsage (no such target or copy), kOffsite,
// kIntegrity (also: no identity opens it), kConfiguration (an encrypted copy and no
// identity_file).
Result<RemoteBackupSource> OpenVerifiedRemoteBackup(const RunContext& ctx,
                                                    const std::string& file_or_latest);

// --upload [FILE...]: the named files, or every local backup a target lacks.
Status RunUploadAction(const RunContext& ctx);
// --list --target NAME [--json] and --verify --target NAME [FILE...]; without --target, the
// local actions.
Status RunListActionOrRemote(const RunContext& ctx);
Status RunVerifyActionOrRemote(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_OFFSITE_ACTION_H_
