#include "cli/offsite_action.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "cli/backup_action.h"
#include "cli/inspect_actions.h"
#include "cli/progress_line.h"
#include "codec/sha256.h"
#include "config/encryption_config.h"
#include "dump/manifest_io.h"
#include "dump/verify.h"
#include "remote/s3_client.h"
#include "remote/sftp_client.h"
#include "retention/retention.h"
#include "storage/backup_dir.h"
#include "storage/backup_name.h"
#include "storage/lock.h"
#include "util/json.h"

namespace mysql_backup {

namespace {

using Clock = std::chrono::steady_clock;

// Incomplete uploads older than this are someone's dead run, not a run in progress.
constexpr std::time_t kStaleUploadAge = 24 * 3600;

class Sha256Sink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    sha_.Update(data);
    bytes_ += data.size();
    return Status::Ok();
  }
  std::string FinishHex() { return sha_.FinishHex(); }
  uint64_t bytes() const { return bytes_; }

 private:
  Sha256 sha_;
  uint64_t bytes_ = 0;
};

class StringSink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    if (text.size() + data.size() > kMaxChecksumFileSize) {
      return Status(ErrorKind::kIntegrity, "a remote checksum file is larger than " +
                                               std::to_string(kMaxChecksumFileSize) + " bytes");
    }
    text.append(reinterpret_cast<const char*>(data.data()), data.size());
    return Status::Ok();
  }
  std::string text;
};

// The hex digest of a sha256sum line naming `file_name`, or nullopt.
std::optional<std::string> ParseChecksumLine(const std::string& text, const std::string& file_name) {
  if (text.size() < 66 || text.compare(64, 2, "  ") != 0) return std::nullopt;
  std::string hex = text.substr(0, 64);
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  std::string rest = text.substr(66);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.pop_back();
  if (rest != file_name) return std::nullopt;
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

Result<std::string> HashLocalFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rbe");
  if (f == nullptr) return ErrnoError(ErrorKind::kStorage, "open", path);
  Sha256 sha;
  std::vector<uint8_t> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) sha.Update({buf.data(), n});
  bool error = std::ferror(f) != 0;
  std::fclose(f);
  if (error) return ErrnoError(ErrorKind::kStorage, "read", path, EIO);
  return sha.FinishHex();
}

// The SHA-256 the remote copy must have: from the local .sha256 when there is one.
Result<std::string> ExpectedSha256(const std::string& local_path) {
  std::string name = std::filesystem::path(local_path).filename();
  std::string checksum = local_path + kChecksumSuffix;
  if (access(checksum.c_str(), F_OK) == 0) return ReadChecksumFile(checksum, name);
  return HashLocalFile(local_path);
}

const TargetConfig* FindTargetConfig(const Config& config, const std::string& name) {
  for (const auto& t : config.targets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<const TargetConfig*> RequireTarget(const RunContext& ctx) {
  const TargetConfig* t = FindTargetConfig(ctx.config, ctx.options.target);
  if (t != nullptr) return t;
  std::string names;
  for (const auto& c : ctx.config.targets) names += (names.empty() ? "" : ", ") + c.name;
  return Status(ErrorKind::kUsage,
                "'" + ctx.config.path + "' has no [target " + ctx.options.target + "] section" +
                    (names.empty() ? "" : "; its targets are " + names));
}

// Uploads one file and checks the copy: size always, the SHA-256 of the bytes read back with
// verify = full.
Status UploadAndCheck(const RunContext& ctx, const TargetConfig& cfg, RemoteTarget& remote,
                      const std::string& local_path, const std::string& key,
                      const std::string& expected_sha256) {
  struct stat st;
  if (stat(local_path.c_str(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", local_path);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  std::string name = std::filesystem::path(local_path).filename();
  auto start = Clock::now();
  auto last_status = start - std::chrono::seconds(1);
  ProgressLine line(STDERR_FILENO);
  Status s = remote.Upload(local_path, key, [&](uint64_t done, uint64_t total) {
    auto now = Clock::now();
    bool status_due = now - last_status >= std::chrono::seconds(1);
    if (!line.active() && !status_due) return;
    std::string text =
        FormatTransferProgress("Uploading " + name + " to " + cfg.name, done, total,
                               std::chrono::duration<double>(now - start).count());
    line.Show(text, done >= total);
    if (!status_due) return;
    last_status = now;
    ctx.logger.Status(text);
  });
  line.Finish();
  if (!s.ok()) return s;
  ctx.logger.Status("Checking " + remote.Describe(key));
  auto remote_size = remote.Size(key);
  if (!remote_size.ok()) return remote_size.status();
  if (!remote_size->has_value()) {
    return Status(ErrorKind::kOffsite, "'" + remote.Describe(key) + "' is missing after its upload");
  }
  if (**remote_size != size) {
    return Status(ErrorKind::kOffsite, "'" + remote.Describe(key) + "' has " +
                                           std::to_string(**remote_size) + " bytes, but '" +
                                           local_path + "' has " + std::to_string(size));
  }
  if (cfg.verify == TargetVerify::kFull && !expected_sha256.empty()) {
    ctx.logger.Status("Reading back " + remote.Describe(key));
    Sha256Sink sink;
    s = remote.Download(key, &sink);
    if (!s.ok()) return s;
    std::string got = sink.FinishHex();
    if (got != expected_sha256) {
      return Status(ErrorKind::kOffsite, "'" + remote.Describe(key) + "' reads back with SHA-256 " +
                                             got + ", expected " + expected_sha256);
    }
  }
  return Status::Ok();
}

// The file, then its .sha256: a remote backup without its checksum is never taken as complete.
Status CopyFile(const RunContext& ctx, const TargetConfig& cfg, RemoteTarget& remote,
                const std::string& local_path) {
  auto key = RemoteKeyFor(local_path);
  if (!key.ok()) return key.status();
  auto expected = ExpectedSha256(local_path);
  if (!expected.ok()) return expected.status();
  Status s = UploadAndCheck(ctx, cfg, remote, local_path, *key, *expected);
  if (!s.ok()) return s;
  std::string checksum = local_path + kChecksumSuffix;
  if (access(checksum.c_str(), F_OK) == 0) {
    s = UploadAndCheck(ctx, cfg, remote, checksum, *key + kChecksumSuffix, "");
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// A remote backup as retention sees it: BackupFile with `path` holding the key.
struct RemoteBackup {
  BackupFile file;
  bool has_checksum = false;
};

// The keys under the prefix that are "<type>/<one of our names>", with whether their .sha256 is
// there. Everything else (foreign keys, checksums alone, temp names) is not ours to judge.
std::vector<RemoteBackup> OurBackups(const std::vector<RemoteObject>& objects) {
  std::set<std::string> keys;
  for (const auto& o : objects) keys.insert(o.key);
  std::vector<RemoteBackup> out;
  for (const auto& o : objects) {
    size_t slash = o.key.find('/');
    if (slash == std::string::npos) continue;
    auto type = ParseBackupType(o.key.substr(0, slash));
    auto name = ParseBackupFileName(o.key.substr(slash + 1));
    if (!type || !name || name->type != *type) continue;
    RemoteBackup b;
    b.file.name = *name;
    b.file.file_name = o.key.substr(slash + 1);
    b.file.path = o.key;
    b.file.checksum_path = o.key + kChecksumSuffix;
    b.file.size = o.size;
    b.has_checksum = b.file.has_checksum = keys.count(o.key + kChecksumSuffix) > 0;
    out.push_back(std::move(b));
  }
  // Newest first, as --list shows local backups.
  std::sort(out.begin(), out.end(), [](const RemoteBackup& a, const RemoteBackup& b) {
    return a.file.name.created > b.file.name.created;
  });
  return out;
}

// The run manifests under the prefix ("<type>/manifest-<type>-<stamp>.json" in their own type's
// folder) whose .sha256 is there: as with backups, only complete copies are ours to delete.
std::vector<ManifestRef> OurManifests(const std::vector<RemoteObject>& objects) {
  std::set<std::string> keys;
  for (const auto& o : objects) keys.insert(o.key);
  std::vector<ManifestRef> out;
  for (const auto& o : objects) {
    size_t slash = o.key.find('/');
    if (slash == std::string::npos || !keys.count(o.key + kChecksumSuffix)) continue;
    auto type = ParseBackupType(o.key.substr(0, slash));
    auto name = ParseManifestFileName(o.key.substr(slash + 1));
    if (type && name && name->type == *type) out.push_back({name->type, name->created});
  }
  return out;
}

// Deletes `key`'s .sha256, then `key`: an interrupted deletion leaves a copy that is no longer
// taken as complete, never a checksum that vouches for nothing.
Status DeleteWithChecksum(RemoteTarget& remote, const std::string& key) {
  Status s = remote.Delete(key + kChecksumSuffix);
  if (s.ok()) s = remote.Delete(key);
  return s;
}

// Only complete copies (with their .sha256) count and are ever deleted, each series (a
// database's backups, the accounts file) by its own counts; a run's manifest goes with the
// last copy of its run under the prefix, as in a local cleanup.
Status ApplyRemoteRetention(const RunContext& ctx, const TargetConfig& cfg, RemoteTarget& remote) {
  auto objects = remote.List();
  if (!objects.ok()) return objects.status();
  std::vector<RemoteBackup> ours = OurBackups(*objects);
  std::vector<BackupFile> complete;
  std::set<std::pair<BackupKind, std::string>> series;
  for (const auto& b : ours) {
    if (!b.has_checksum) continue;
    complete.push_back(b.file);
    bool accounts = b.file.name.kind == BackupKind::kAccounts;
    series.insert({b.file.name.kind, accounts ? "" : b.file.name.database});
  }
  RetentionCounts counts{cfg.keep_daily, cfg.keep_weekly, cfg.keep_monthly};
  std::set<std::string> deleted_keys;
  for (const auto& [kind, database] : series) {
    for (const auto& victim : SelectForDeletion(complete, database, counts, {}, kind)) {
      Status s = DeleteWithChecksum(remote, victim.path);
      if (!s.ok()) return s;
      deleted_keys.insert(victim.path);
      ctx.logger.Info("Deleted '" + remote.Describe(victim.path) + "' (remote retention of " +
                      cfg.name + ")");
    }
  }
  // Every backup of ours that stays, complete or not: a run with a file left keeps its manifest.
  std::vector<BackupFile> remaining;
  for (const auto& b : ours) {
    if (!deleted_keys.count(b.file.path)) remaining.push_back(b.file);
  }
  for (const auto& m : OrphanManifests(OurManifests(*objects), remaining)) {
    std::string key =
        std::string(BackupTypeName(m.type)) + "/" + ManifestFileName(m.type, m.created);
    Status s = DeleteWithChecksum(remote, key);
    if (!s.ok()) return s;
    ctx.logger.Info("Deleted '" + remote.Describe(key) + "' (no backup of its run is left on " +
                    cfg.name + ")");
  }
  auto notes = remote.CleanStaleUploads(std::time(nullptr) - kStaleUploadAge);
  if (!notes.ok()) {
    ctx.logger.Warning(notes.status().ToString() + "; incomplete uploads were not cleaned up");
  } else {
    for (const auto& note : *notes) {
      if (note.rfind("warning: ", 0) == 0) {
        ctx.logger.Warning(note.substr(9));
      } else {
        ctx.logger.Info(note);
      }
    }
  }
  if (!deleted_keys.empty()) {
    ctx.logger.Info("Remote retention of target " + cfg.name + " deleted " +
                    std::to_string(deleted_keys.size()) + " backup(s)");
  }
  return Status::Ok();
}

// A target named by --target, opened and listed: what --list, --verify and --restore --target
// start from.
struct TargetListing {
  const TargetConfig* cfg = nullptr;
  std::unique_ptr<RemoteTarget> remote;
  std::vector<RemoteBackup> backups;  // newest first
};

Result<TargetListing> OpenTargetListing(const RunContext& ctx) {
  auto cfg = RequireTarget(ctx);
  if (!cfg.ok()) return cfg.status();
  auto remote = OpenRemoteTarget(ctx, **cfg);
  if (!remote.ok()) return remote.status();
  auto objects = (*remote)->List();
  if (!objects.ok()) {
    return Status(objects.status()).AddContext("Cannot list target '" + (*cfg)->name + "'");
  }
  return TargetListing{*cfg, std::move(*remote), OurBackups(*objects)};
}

// The copy named `file` (a path or a file name) on the listed target. Errors: kUsage.
Result<const RemoteBackup*> FindCopy(const TargetListing& t, const std::string& file) {
  std::string name = std::filesystem::path(file).filename();
  for (const auto& b : t.backups) {
    if (b.file.file_name == name) return &b;
  }
  return Status(ErrorKind::kUsage, "'" + name + "' is not on target " + t.cfg->name +
                                       " (see --list --target " + t.cfg->name + ")");
}

// The SHA-256 that the .sha256 beside the copy `b` holds. Errors: kIntegrity (no .sha256, or
// not a sha256sum line naming the copy), kOffsite.
Result<std::string> RemoteChecksum(RemoteTarget& remote, const RemoteBackup& b) {
  std::string url = remote.Describe(b.file.path);
  if (!b.has_checksum) {
    return Status(ErrorKind::kIntegrity, "'" + url + "' has no .sha256 beside it: incomplete copy");
  }
  StringSink checksum;
  Status s = remote.Download(b.file.checksum_path, &checksum);
  if (!s.ok()) return s;
  auto expected = ParseChecksumLine(checksum.text, b.file.file_name);
  if (!expected) {
    return Status(ErrorKind::kIntegrity, "'" + url + ".sha256' is not a sha256sum line naming '" +
                                             b.file.file_name + "'");
  }
  return *expected;
}

void LogTargetFailure(const RunContext& ctx, const TargetConfig& cfg, const Status& s) {
  ctx.logger.Log(Priority::kError, s.ToString(),
                 {{"BACKUP_ERROR", "offsite"}, {"BACKUP_TARGET", cfg.name}});
  if (!s.detail().empty()) ctx.logger.Error(s.detail());
}

// Copies `local_paths` to one target; retention only when every copy verified.
Status CopyToTarget(const RunContext& ctx, const TargetConfig& cfg,
                    const std::vector<std::string>& local_paths) {
  auto remote = OpenRemoteTarget(ctx, cfg);
  if (!remote.ok()) {
    LogTargetFailure(ctx, cfg, remote.status());
    return remote.status();
  }
  Status first;
  int copied = 0;
  for (const auto& path : local_paths) {
    if (ctx.cancel != nullptr && ctx.cancel->load()) {
      Status s(ErrorKind::kOffsite, "Interrupted by a signal");
      s.AddContext("Copy to target '" + cfg.name + "' stopped");
      LogTargetFailure(ctx, cfg, s);
      return s;
    }
    Status s = CopyFile(ctx, cfg, **remote, path);
    if (!s.ok()) {
      s.AddContext("Copy of '" + path + "' to target '" + cfg.name + "' failed");
      LogTargetFailure(ctx, cfg, s);
      if (first.ok()) first = s;
      continue;
    }
    ++copied;
    ctx.logger.Info("Copied '" + path + "' to " + (*remote)->Describe(*RemoteKeyFor(path)) +
                        " (verified: " + (cfg.verify == TargetVerify::kFull ? "SHA-256" : "size") +
                        ")",
                    {{"BACKUP_TARGET", cfg.name}});
  }
  if (!first.ok()) return first;
  Status s = ApplyRemoteRetention(ctx, cfg, **remote);
  if (!s.ok()) {
    s.AddContext("Remote retention of target '" + cfg.name + "' failed");
    LogTargetFailure(ctx, cfg, s);
    return s;
  }
  return Status::Ok();
}

// Reads the copy at `key` once, in full, through the same check as a local file (verify.h):
// its SHA-256 against `expected_sha256`, then the compressed stream and the dump trailer
// (inside the age layer when `format` has identities; an encrypted copy without them: the
// SHA-256 only). A SHA-256 mismatch wins over a stream fault: it says the copy is not the file.
Result<StreamCheck> CheckRemoteCopy(RemoteTarget& remote, const std::string& key,
                                    const std::string& url, const StoredFormat& format,
                                    const std::string& expected_sha256) {
  BackupStreamChecker checker(format, url);
  Status s = remote.Download(key, &checker);
  if (!s.ok()) return s;
  auto check = checker.Finish();
  if (checker.sha256() != expected_sha256) {
    return Status(ErrorKind::kIntegrity, "'" + url + "' has SHA-256 " + checker.sha256() +
                                             ", but its .sha256 says " + expected_sha256);
  }
  return check;
}

}  // namespace

Result<std::unique_ptr<RemoteTarget>> OpenRemoteTarget(const RunContext& ctx,
                                                       const TargetConfig& target) {
  if (target.type == TargetType::kS3) {
    S3Settings s;
    s.endpoint = target.endpoint;
    s.bucket = target.bucket;
    s.prefix = target.prefix;
    s.virtual_addressing = target.virtual_addressing;
    s.keys = {target.access_key_id, target.secret_access_key, target.region, "s3"};
    s.part_size = target.part_size;
    s.cancel = ctx.cancel;
    return MakeS3Target(std::move(s));
  }
  SftpSettings s;
  s.host = target.host;
  s.port = target.port;
  s.user = target.user;
  s.path = target.path;
  s.identity_file = target.identity_file;
  s.host_key_sha256 = target.host_key_sha256;
  s.known_hosts = target.known_hosts;
  s.cancel = ctx.cancel;
  auto sftp = MakeSftpTarget(std::move(s));
  if (!sftp.ok()) {
    return Status(sftp.status()).AddContext("'" + ctx.config.path + "' [target " + target.name + "]");
  }
  return std::move(*sftp);
}

Result<std::string> RemoteKeyFor(const std::string& local_path) {
  std::filesystem::path p(local_path);
  std::string type = p.parent_path().filename();
  if (!ParseBackupType(type)) {
    return Status(ErrorKind::kUsage, "'" + local_path +
                                         "' is not in a daily, weekly or monthly folder of "
                                         "backup_dir, so it has no place on a target");
  }
  return type + "/" + std::string(p.filename());
}

Status CopyToTargets(const RunContext& ctx, const std::vector<std::string>& local_paths) {
  Status first;
  if (local_paths.empty()) return first;
  for (const auto& cfg : ctx.config.targets) {
    Status s = CopyToTarget(ctx, cfg, local_paths);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

// The body of --upload. Sets *logged when the failure it returns was logged already (each
// target logs its own), so that it is not logged twice.
static Status UploadToTargets(const RunContext& ctx, bool* logged) {
  if (ctx.config.targets.empty()) {
    return Status(ErrorKind::kUsage, "'" + ctx.config.path + "' has no [target NAME] section");
  }
  std::vector<const TargetConfig*> targets;
  if (!ctx.options.target.empty()) {
    auto t = RequireTarget(ctx);
    if (!t.ok()) return t.status();
    targets.push_back(*t);
  } else {
    for (const auto& t : ctx.config.targets) targets.push_back(&t);
  }
  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  if (!dir.ok()) return dir.status();
  // Shared: a cleanup must not delete a file while it is being copied.
  auto lock = DirectoryLock::Acquire(*dir, LockMode::kShared, ctx.config.backup.lock_timeout_sec,
                                     [&] { ctx.logger.Status("Waiting for the backup_dir lock"); });
  if (!lock.ok()) return lock.status();

  std::vector<std::string> named;
  for (const auto& f : ctx.options.files) {
    std::error_code ec;
    std::string abs = std::filesystem::absolute(f, ec).lexically_normal();
    if (access(abs.c_str(), R_OK) != 0) return ErrnoError(ErrorKind::kUsage, "read", f);
    auto key = RemoteKeyFor(abs);
    if (!key.ok()) return key.status();
    named.push_back(abs);
  }
  std::vector<BackupFile> local;
  std::vector<ManifestLocation> manifests;
  if (named.empty()) {
    auto backups = dir->ListBackups();
    if (!backups.ok()) return backups.status();
    local = std::move(*backups);
    auto listed = ListManifests(*dir);
    if (!listed.ok()) return listed.status();
    manifests = std::move(*listed);
  }

  Status first;
  for (const TargetConfig* cfg : targets) {
    std::vector<std::string> paths = named;
    if (named.empty()) {
      auto remote = OpenRemoteTarget(ctx, *cfg);
      if (!remote.ok()) {
        LogTargetFailure(ctx, *cfg, remote.status());
        if (first.ok()) first = remote.status();
        continue;
      }
      auto objects = (*remote)->List();
      if (!objects.ok()) {
        Status s = Status(objects.status()).AddContext("Cannot list target '" + cfg->name + "'");
        LogTargetFailure(ctx, *cfg, s);
        if (first.ok()) first = s;
        continue;
      }
      std::set<std::string> there;
      for (const auto& o : *objects) there.insert(o.key);
      // Oldest first, so that retention after the upload sees the whole history.
      for (auto it = local.rbegin(); it != local.rend(); ++it) {
        if (!it->has_checksum) continue;
        std::string key = std::string(BackupTypeName(it->name.type)) + "/" + it->file_name;
        if (!there.count(key) || !there.count(key + kChecksumSuffix)) paths.push_back(it->path);
      }
      // Each run's manifest (with its .sha256) goes along, as after a backup.
      for (auto it = manifests.rbegin(); it != manifests.rend(); ++it) {
        std::string key = std::string(BackupTypeName(it->type)) + "/" + it->name;
        if (access((it->path + kChecksumSuffix).c_str(), F_OK) != 0) continue;
        if (!there.count(key) || !there.count(key + kChecksumSuffix)) paths.push_back(it->path);
      }
      if (paths.empty()) {
        ctx.logger.Info("Target " + cfg->name + " has every local backup");
        continue;
      }
    }
    Status s = CopyToTarget(ctx, *cfg, paths);
    if (!s.ok() && first.ok()) first = s;
  }
  *logged = true;
  return first;
}

Status RunUploadAction(const RunContext& ctx) {
  bool logged = false;
  Status s = UploadToTargets(ctx, &logged);
  if (!s.ok() && !logged) {
    ctx.logger.Log(Priority::kError, s.ToString(),
                   {{"BACKUP_ERROR", std::string(ErrorKindName(s.kind()))}});
    if (!s.detail().empty()) ctx.logger.Error(s.detail());
  }
  return s;
}

Status RunListActionOrRemote(const RunContext& ctx) {
  if (ctx.options.target.empty()) return RunListAction(ctx);
  auto listing = OpenTargetListing(ctx);
  if (!listing.ok()) return listing.status();
  const TargetConfig& cfg = *listing->cfg;
  RemoteTarget& remote = *listing->remote;
  if (ctx.options.json) {
    std::string out = "[";
    bool first = true;
    for (const auto& b : listing->backups) {
      std::string sha = "null";
      if (b.has_checksum) {
        auto hex = RemoteChecksum(remote, b);
        if (hex.ok()) sha = JsonQuote(*hex);
      }
      out += first ? "\n  " : ",\n  ";
      first = false;
      out += "{\"type\": " + JsonQuote(BackupTypeName(b.file.name.type)) +
             ", \"database\": " + JsonQuote(b.file.name.database) +
             ", \"target\": " + JsonQuote(cfg.name) + ", \"key\": " + JsonQuote(b.file.path) +
             ", \"url\": " + JsonQuote(remote.Describe(b.file.path)) +
             ", \"size\": " + std::to_string(b.file.size) +
             ", \"created\": " + JsonQuote(FormatIsoUtc(b.file.name.created)) +
             ", \"sha256\": " + sha + "}";
    }
    out += first ? "]\n" : "\n]\n";
    std::fputs(out.c_str(), stdout);
    return Status::Ok();
  }
  if (listing->backups.empty()) {
    std::printf("No backups on target %s ('%s')\n", cfg.name.c_str(), remote.Describe("").c_str());
    return Status::Ok();
  }
  std::printf("%-8s  %-20s  %-20s  %10s  %s\n", "TYPE", "DATABASE", "CREATED", "SIZE", "URL");
  for (const auto& b : listing->backups) {
    std::printf("%-8s  %-20s  %-20s  %10s  %s%s\n",
                std::string(BackupTypeName(b.file.name.type)).c_str(),
                b.file.name.database.c_str(), FormatIsoUtc(b.file.name.created).c_str(),
                HumanSize(b.file.size).c_str(), remote.Describe(b.file.path).c_str(),
                b.has_checksum ? "" : "  (no .sha256: incomplete)");
  }
  return Status::Ok();
}

Result<RemoteBackupSource> OpenVerifiedRemoteBackup(const RunContext& ctx,
                                                    const std::string& file_or_latest) {
  auto listing = OpenTargetListing(ctx);
  if (!listing.ok()) return listing.status();
  const std::string& target = listing->cfg->name;
  const RemoteBackup* chosen = nullptr;
  if (file_or_latest == "latest") {
    const std::string& db = ctx.config.database_name;
    if (db.empty()) {
      return Status(ErrorKind::kUsage,
                    "'latest' on a target needs a configuration that names one database; name "
                    "the file instead (see --list --target " + target + ")");
    }
    for (const auto& b : listing->backups) {  // newest first
      if (b.has_checksum && b.file.name.database == db) {
        chosen = &b;
        break;
      }
    }
    if (chosen == nullptr) {
      return Status(ErrorKind::kUsage,
                    "Target " + target + " holds no complete copy of database '" + db + "'");
    }
  } else {
    auto found = FindCopy(*listing, file_or_latest);
    if (!found.ok()) return found.status();
    chosen = *found;
  }
  RemoteBackupSource out;
  out.target_name = target;
  out.key = chosen->file.path;
  out.file_name = chosen->file.file_name;
  out.size = chosen->file.size;
  out.url = listing->remote->Describe(out.key);
  out.remote = std::move(listing->remote);
  auto format = StoredFormatOfFile(out.file_name);
  if (!format.ok()) return format.status();
  out.format = *format;
  // An encrypted copy needs the identity before anything is read: it is decrypted in the
  // checking pass already, so a wrong key fails (65) before the database is touched.
  if (out.format.encrypted) {
    auto loaded = LoadIdentities(ctx.config.encryption, "restore", out.url);
    if (!loaded.ok()) return loaded.status();
    out.identities = std::move(*loaded);
  }
  auto expected = RemoteChecksum(*out.remote, *chosen);
  if (!expected.ok()) return expected.status();
  ctx.logger.Status("Verifying " + out.url);
  auto check = CheckRemoteCopy(*out.remote, out.key, out.url, out.Format(), *expected);
  if (!check.ok()) return check.status();
  return out;
}

Status RunVerifyActionOrRemote(const RunContext& ctx) {
  if (ctx.options.target.empty()) return RunVerifyAction(ctx);
  auto listing = OpenTargetListing(ctx);
  if (!listing.ok()) return listing.status();
  const std::string& target = listing->cfg->name;
  RemoteTarget& remote = *listing->remote;
  std::vector<RemoteBackup> chosen;
  for (const auto& f : ctx.options.files) {
    auto found = FindCopy(*listing, f);
    if (!found.ok()) return found.status();
    chosen.push_back(**found);
  }
  if (ctx.options.files.empty()) chosen = listing->backups;
  // As the local --verify: with [encryption] identity_file, encrypted copies are decrypted and
  // checked in full; without, their SHA-256 only (no key needed where the copies are checked).
  std::vector<age::X25519Identity> identities;
  if (!ctx.config.encryption.identity_file.empty()) {
    auto loaded = LoadIdentities(ctx.config.encryption, "verify", "the encrypted copies");
    if (!loaded.ok()) return loaded.status();
    identities = std::move(*loaded);
  }
  Status first;
  int good = 0;
  for (const auto& b : chosen) {
    std::string url = remote.Describe(b.file.path);
    auto check = [&]() -> Result<StreamCheck> {
      auto format = StoredFormatOfFile(b.file.file_name);
      if (!format.ok()) return format.status();
      auto expected = RemoteChecksum(remote, b);
      if (!expected.ok()) return expected.status();
      format->identities = &identities;
      ctx.logger.Status("Verifying " + url);
      return CheckRemoteCopy(remote, b.file.path, url, *format, *expected);
    }();
    if (!check.ok()) {
      ctx.logger.Error(check.status().ToString(), {{"BACKUP_TARGET", target}});
      if (first.ok()) first = check.status();
      continue;
    }
    ++good;
    bool hash_only = check->encrypted && !check->decrypted;
    std::printf("OK  %s%s\n", url.c_str(),
                hash_only ? " (encrypted: SHA-256 only; set [encryption] identity_file to decrypt "
                            "and check the dump inside)"
                          : "");
  }
  if (!first.ok()) {
    return Status(first.kind(), std::to_string(chosen.size() - good) + " of " +
                                    std::to_string(chosen.size()) + " copies on target " + target +
                                    " failed verification; the first: " + first.ToString());
  }
  ctx.logger.Info("Verified " + std::to_string(good) + " copies on target " + target);
  return Status::Ok();
}

}  // namespace mysql_backup
