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

// --upload [FILE...]: the named files, or every local backup a target lacks.
Status RunUploadAction(const RunContext& ctx);
// --list --target NAME [--json] and --verify --target NAME [FILE...]; without --target, the
// local actions.
Status RunListActionOrRemote(const RunContext& ctx);
Status RunVerifyActionOrRemote(const RunContext& ctx);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CLI_OFFSITE_ACTION_H_
