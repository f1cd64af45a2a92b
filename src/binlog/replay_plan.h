// Which dump and which archived binlog files a point-in-time restore needs, decided before
// anything is loaded. Pure: the dumps (from the run manifests) and the archive's index (from
// its sidecars) in, a plan or a refusal out.
//
// The dump is the newest one with a binlog position that is before the target: for a time,
// a run that finished at or before it; for a GTID, one whose GTID state is below it in the
// GTID's domain; for the end, the newest. From the dump's file on, every file must follow on
// from the one before (its Rotate names the next, and the GTID state carries over); the
// partial copy of the active file counts as the last link when it follows on too. The chain
// must reach the target: a gap, or the end of the archive before the target, is a refusal
// (kGap) that names the latest moment the archive does reach, never a quieter earlier restore.
#ifndef MYSQL_BACKUP_BINLOG_REPLAY_PLAN_H_
#define MYSQL_BACKUP_BINLOG_REPLAY_PLAN_H_

#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "binlog/replay_index.h"
#include "binlog/replay_cut.h"
#include "storage/manifest.h"
#include "util/status.h"

namespace mysql_backup {

struct DumpPoint {
  std::string label;  // "daily run 20261201T000003Z", for messages
  std::time_t finished = 0;
  // The earliest position of the run's databases; nullopt: not usable, `why_not` says why.
  std::optional<BinlogPosition> position;
  std::string why_not;
  // Databases dumped at a later position than `position` (file, byte offset).
  std::map<std::string, std::pair<std::string, uint64_t>> later;
};

struct ReplayPlan {
  size_t dump = 0;     // index into the dumps given
  size_t archive = 0;  // index into the archives given
  BinlogPosition start;
  std::vector<ArchivedBinlog> files;  // in replay order; the last may be the partial copy
};

// `dumps` newest first. `describe` renders a time for messages (the user's zone).
// Errors: kGap (no usable dump before the target, the dump's file not archived, a gap or the
// archive's end before the target), each naming the latest reachable moment.
Result<ReplayPlan> PlanReplay(const std::vector<DumpPoint>& dumps,
                              const std::vector<BinlogIndex>& archives,
                              const ReplayTarget& target,
                              const std::function<std::string(std::time_t)>& describe);

// Whether `b` starts where `a` ends: a rotates to b, and every GTID of a's end state is in b's
// start state with the same sequence number.
bool FollowsOn(const ArchivedBinlog& a, const ArchivedBinlog& b);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_REPLAY_PLAN_H_
