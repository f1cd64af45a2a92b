#include "cli/binlog_events.h"

#include <unistd.h>

#include <cstdio>
#include <limits>

#include "binlog/archive.h"
#include "binlog/replay_index.h"
#include "binlog/transaction_list.h"
#include "codec/compressor.h"
#include "codec/sha256.h"
#include "dump/verify.h"
#include "storage/backup_dir.h"
#include "storage/lock.h"
#include "util/local_time.h"

namespace mysql_backup {

namespace {

// Reads `<name>.gz` in `dir`, checked against its .sha256, through `reader`.
Status ReadArchived(const DirFd& dir, const std::string& name, BinlogReader* reader) {
  std::string gz = name + ".gz";
  auto want = ReadChecksumFileAt(dir, gz + ".sha256", gz);
  if (!want.ok()) return Status(want.status()).AddContext("'" + dir.PathOf(gz) + "'");
  auto fd = OpenRegularFileAt(dir, gz, ErrorKind::kIntegrity, ErrorKind::kIntegrity);
  if (!fd.ok()) return fd.status();
  auto decompressor = MakeDecompressor(Compression::kGzip, reader);
  Sha256 hash;
  std::vector<uint8_t> buf(256 * 1024);
  for (;;) {
    ssize_t n = read(fd->get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(ErrorKind::kStorage, "read", dir.PathOf(gz));
    if (n == 0) break;
    hash.Update({buf.data(), static_cast<size_t>(n)});
    Status s = decompressor->Write({buf.data(), static_cast<size_t>(n)});
    if (!s.ok()) return s.AddContext("'" + dir.PathOf(gz) + "'");
  }
  Status s = decompressor->Finish();
  if (!s.ok()) return s.AddContext("'" + dir.PathOf(gz) + "'");
  auto summary = reader->Finish();
  if (!summary.ok()) return Status(summary.status()).AddContext("'" + dir.PathOf(gz) + "'");
  std::string sha = hash.FinishHex();
  if (sha != *want) {
    return Status(ErrorKind::kIntegrity, "'" + dir.PathOf(gz) + "': SHA-256 is " + sha +
                                             ", its .sha256 says " + *want);
  }
  return Status::Ok();
}

}  // namespace

Status RunBinlogEventsAction(const RunContext& ctx) {
  const Options& o = ctx.options;
  auto zone = ResolveTimeZone(o.timezone);
  if (!zone.ok()) return zone.status();
  auto from = ParseLocalTime(o.from, *zone);
  if (!from.ok()) return Status(from.status()).AddContext("--from");
  std::time_t to = std::numeric_limits<std::time_t>::max();
  if (!o.to.empty()) {
    auto parsed = ParseLocalTime(o.to, *zone);
    if (!parsed.ok()) return Status(parsed.status()).AddContext("--to");
    to = *parsed;
  }

  auto dir = BackupDirectory::Open(ctx.config.backup.backup_dir);
  if (!dir.ok()) return dir.status();
  auto lock = DirectoryLock::Acquire(*dir, LockMode::kShared, ctx.config.backup.lock_timeout_sec);
  if (!lock.ok()) return lock.status();
  auto archives = ReadBinlogIndexes(dir->root());
  if (!archives.ok()) return archives.status();
  if (archives->empty()) {
    return Status(ErrorKind::kUsage, "there is no binlog archive in '" + dir->path() +
                                         "/binlog' (see --archive-binlogs)");
  }
  auto binlog = OpenSubdirectory(dir->root(), kBinlogFolderName);
  if (!binlog.ok()) return binlog.status();
  size_t shown = 0;
  for (const auto& archive : *archives) {
    if (!binlog->has_value()) break;
    auto server = OpenSubdirectory(**binlog, archive.server);
    if (!server.ok()) return server.status();
    if (!server->has_value()) continue;
    auto partial = OpenSubdirectory(**server, kPartialFolderName);
    if (!partial.ok()) return partial.status();
    std::vector<ArchivedBinlog> files = archive.files;
    if (archive.partial) files.push_back(*archive.partial);
    for (const auto& f : files) {
      if (ctx.cancel != nullptr && ctx.cancel->load()) {
        return Status(ErrorKind::kProcess, "Interrupted by a signal");
      }
      // The sidecar's times bound the file's; a file wholly outside the window is not read.
      if ((f.last_time != 0 && f.last_time < *from) || (f.first_time != 0 && f.first_time >= to)) {
        continue;
      }
      TransactionLister lister([&](const ListedTransaction& t) {
        if (static_cast<std::time_t>(t.time) < *from || static_cast<std::time_t>(t.time) >= to) {
          return;
        }
        std::string what;
        for (const auto& w : t.what) what += (what.empty() ? "" : "; ") + w;
        std::printf("%s  %-14s %s:%llu  %s\n", FormatLocalTime(t.time, *zone).c_str(),
                    t.has_gtid ? t.gtid.ToString().c_str() : "-",
                    (f.partial ? "partial/" + t.file : t.file).c_str(),
                    static_cast<unsigned long long>(t.start), what.c_str());
        ++shown;
      });
      lister.BeginFile(f.name);
      BinlogReader reader;
      reader.set_observer([&lister](const BinlogEventView& e) {
        lister.Event(e);
        return Status::Ok();
      });
      Status s = ReadArchived(f.partial ? **partial : **server, f.name, &reader);
      if (!s.ok()) return s;
    }
  }
  std::fflush(stdout);
  ctx.logger.Info(std::to_string(shown) + " transaction(s) between " +
                  FormatLocalTime(*from, *zone) + " and " +
                  (o.to.empty() ? std::string("the end of the archive")
                                : FormatLocalTime(to, *zone)));
  return Status::Ok();
}

}  // namespace mysql_backup
