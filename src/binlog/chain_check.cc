#include "binlog/chain_check.h"

#include <algorithm>

#include "binlog/archive_index.h"
#include "binlog/binlog_reader.h"

namespace mysql_backup {

Result<ChainCheckReport> CheckBinlogChain(const std::string& backup_dir,
                                          const std::string& from_file, uint64_t from_position) {
  ChainCheckReport report;
  std::string base;
  uint64_t from_number = 0;
  if (!SplitBinlogName(from_file, &base, &from_number)) {
    return Status(ErrorKind::kIntegrity, "the dump's binlog file '" + from_file +
                                             "' is not a binlog name");
  }
  auto index = ReadArchiveIndex(backup_dir);
  if (!index.ok()) return index.status();
  // An entry that is not ours could be a file of the chain that the index left out: the drill
  // vouches for no archive holding one.
  for (const auto& a : *index) {
    if (!a.problems.empty()) return ArchiveProblems(a);
  }
  // The server folder holding the dump's file; failing that, the one that has archived most
  // of its series (a dump newer than everything archived).
  const ServerArchive* archive = nullptr;
  std::vector<const ArchivedBinlog*> chain_all;
  for (const auto& a : *index) {
    std::vector<const ArchivedBinlog*> files;
    for (const auto& f : a.files) {
      if (f.base == base) files.push_back(&f);
    }
    if (files.empty()) continue;
    bool has = std::any_of(files.begin(), files.end(),
                           [&](const ArchivedBinlog* f) { return f->number == from_number; });
    if (archive == nullptr || has || files.back()->number > chain_all.back()->number) {
      archive = &a;
      chain_all = files;
      if (has) break;
    }
  }
  if (archive == nullptr) {
    return Status(ErrorKind::kGap,
                  "the binlog archive under '" + backup_dir + "/binlog' holds no '" + base +
                      ".*' file, the series of the newest dump's position '" + from_file +
                      "': is --archive-binlogs running (mysql-backup-binlogs.timer)?");
  }
  report.archive_dir = archive->dir.path;
  if (chain_all.back()->number < from_number) {
    report.nothing_after_dump = true;
    return report;
  }
  if (chain_all.front()->number > from_number) {
    return Status(ErrorKind::kGap,
                  "gap: the archive '" + report.archive_dir + "' starts at '" +
                      chain_all.front()->name + "', after '" + from_file +
                      "', the file of the newest dump's position: the binary logs in between "
                      "were never archived; point-in-time recovery needs a newer dump");
  }
  for (const auto& g : archive->gaps) {
    std::string g_base;
    uint64_t resumes = 0;
    if (SplitBinlogName(g.resumes_at, &g_base, &resumes) && g_base == base &&
        resumes > from_number) {
      return Status(ErrorKind::kGap,
                    "gap: binary logs '" + g.missing_from + "' to '" + g.missing_to +
                        "' are missing from '" + report.archive_dir + "' (" + g.reason +
                        "), after the newest dump's position '" + from_file +
                        "'; point-in-time recovery past them needs a dump taken after '" +
                        g.resumes_at + "'");
    }
  }
  std::string prev_name;
  uint64_t prev_number = 0;
  BinlogSummary prev;
  for (const ArchivedBinlog* f : chain_all) {
    if (f->number < from_number) continue;
    if (prev_name.empty() && f->number != from_number) {
      return Status(ErrorKind::kGap, "gap: '" + from_file + "', the file of the newest dump's "
                                     "position, is missing from '" + report.archive_dir +
                                     "' (the archive goes on at '" + f->name + "')");
    }
    // A Stop ends a server's log: after the restart it writes the next number, and the GTID
    // state still has to carry on (CheckFollowsOn below).
    if (!prev_name.empty() && prev.stopped && prev.next_file.empty() &&
        f->number == prev_number + 1) {
      prev.next_file = f->name;
    }
    if (!prev_name.empty() && f->name != prev.next_file) {
      return Status(ErrorKind::kGap, "gap: '" + report.archive_dir + "/" + prev_name +
                                         ".gz' rotates to '" + prev.next_file +
                                         "', but the next archived file is '" + f->name + "'");
    }
    auto summary = ReadArchivedBinlog(archive->dir, f->name);
    if (!summary.ok()) return summary.status();
    std::string path = archive->dir.PathOf(f->name + ".gz");
    if (!summary->complete()) {
      return Status(ErrorKind::kIntegrity, "'" + path + "' does not end in a Rotate or Stop event");
    }
    if (f->number == from_number && from_position > summary->size) {
      return Status(ErrorKind::kIntegrity,
                    "the newest dump's position " + std::to_string(from_position) + " lies beyond "
                    "the end of '" + path + "' (" + std::to_string(summary->size) +
                    " bytes): the archived file is not the one the dump saw");
    }
    if (!prev_name.empty()) {
      Status s = CheckFollowsOn(prev_name, prev, f->name, *summary);
      if (!s.ok()) return Status(ErrorKind::kGap, s.message()).AddContext("'" + path + "'");
    }
    report.checked.push_back(f->name);
    prev_name = f->name;
    prev_number = f->number;
    prev = *summary;
  }
  return report;
}

}  // namespace mysql_backup
