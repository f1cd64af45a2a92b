#include "binlog/replay_plan.h"

#include <algorithm>

namespace mysql_backup {

namespace {

// The sequence number of `domain` in a GTID state (the highest, should several servers have
// written to it); nullopt when the state does not know the domain.
std::optional<uint64_t> SeqOf(const std::vector<Gtid>& state, uint32_t domain) {
  std::optional<uint64_t> seq;
  for (const auto& g : state) {
    if (g.domain == domain && (!seq || g.seq > *seq)) seq = g.seq;
  }
  return seq;
}

std::string TargetText(const ReplayTarget& t,
                       const std::function<std::string(std::time_t)>& describe) {
  switch (t.kind) {
    case ReplayTarget::Kind::kTime:
      return describe(t.time);
    case ReplayTarget::Kind::kGtid:
      return "GTID " + t.gtid.ToString();
    case ReplayTarget::Kind::kEnd:
      return "the end of the archive";
  }
  return "";
}

bool DumpBeforeTarget(const DumpPoint& d, const ReplayTarget& t) {
  switch (t.kind) {
    case ReplayTarget::Kind::kTime:
      return d.finished <= t.time;
    case ReplayTarget::Kind::kGtid: {
      auto seq = SeqOf(ParseGtidState(d.position->gtid), t.gtid.domain);
      return !seq || *seq < t.gtid.seq;
    }
    case ReplayTarget::Kind::kEnd:
      return true;
  }
  return false;
}

// Whether the target lies within `f` or before its end.
bool FileReaches(const ArchivedBinlog& f, const ReplayTarget& t) {
  switch (t.kind) {
    case ReplayTarget::Kind::kTime:
      return f.last_time != 0 && f.last_time >= t.time;
    case ReplayTarget::Kind::kGtid: {
      auto seq = SeqOf(f.state_end, t.gtid.domain);
      return seq && *seq >= t.gtid.seq;
    }
    case ReplayTarget::Kind::kEnd:
      return false;
  }
  return false;
}

}  // namespace

bool FollowsOn(const ArchivedBinlog& a, const ArchivedBinlog& b) {
  if (a.next_file != b.name) return false;
  for (const auto& g : a.state_end) {
    auto it = std::find_if(b.state_start.begin(), b.state_start.end(), [&](const Gtid& x) {
      return x.domain == g.domain && x.server == g.server;
    });
    if (it == b.state_start.end() || it->seq != g.seq) return false;
  }
  return true;
}

Result<ReplayPlan> PlanReplay(const std::vector<DumpPoint>& dumps,
                              const std::vector<BinlogIndex>& archives,
                              const ReplayTarget& target,
                              const std::function<std::string(std::time_t)>& describe) {
  std::string target_text = TargetText(target, describe);
  if (archives.empty()) {
    return Status(ErrorKind::kGap,
                  "there is no binlog archive (<backup_dir>/binlog): a restore to " + target_text +
                      " needs one; set [pitr] enabled = yes and run --archive-binlogs "
                      "(mysql-backup-binlogs.timer). Without replay, --restore latest loads the "
                      "newest dump as it is");
  }
  ReplayPlan plan;
  const DumpPoint* dump = nullptr;
  std::string skipped;
  for (size_t i = 0; i < dumps.size(); ++i) {
    const DumpPoint& d = dumps[i];
    if (!d.position) {
      if (skipped.size() < 600) skipped += "; " + d.label + " is not usable (" + d.why_not + ")";
      continue;
    }
    if (!DumpBeforeTarget(d, target)) continue;
    dump = &d;
    plan.dump = i;
    break;
  }
  if (dump == nullptr) {
    std::string oldest;
    for (const auto& d : dumps) {
      if (d.position) oldest = d.label + ", finished " + describe(d.finished) + ", at GTID " +
                               (d.position->gtid.empty() ? "(none)" : d.position->gtid);
    }
    return Status(ErrorKind::kGap,
                  "no dump with a binlog position is older than " + target_text +
                      (oldest.empty() ? std::string(": no run recorded one")
                                      : "; the oldest is the " + oldest + ", the earliest "
                                        "moment a restore can reach") +
                      skipped);
  }
  plan.start = *dump->position;

  // The archive holding the dump's file: the chain starts there.
  const BinlogIndex* archive = nullptr;
  size_t at = 0;
  bool at_partial = false;
  for (size_t a = 0; a < archives.size() && archive == nullptr; ++a) {
    const auto& files = archives[a].files;
    for (size_t k = 0; k < files.size(); ++k) {
      if (files[k].name == plan.start.file) {
        archive = &archives[a];
        plan.archive = a;
        at = k;
        break;
      }
    }
    if (archive == nullptr && archives[a].partial && archives[a].partial->name == plan.start.file) {
      archive = &archives[a];
      plan.archive = a;
      at_partial = true;
    }
  }
  std::string reach_dump = "; the latest moment reachable from it is the dump's own (" +
                           dump->label + ", restored as it is with --restore STAMP)";
  if (archive == nullptr) {
    // Inside a recorded gap?
    std::string base;
    uint64_t n = 0;
    SplitBinlogName(plan.start.file, &base, &n);
    for (const auto& a : archives) {
      for (const auto& g : a.gaps) {
        std::string from_base, to_base;
        uint64_t from = 0, to = 0;
        if (SplitBinlogName(g.missing_from, &from_base, &from) &&
            SplitBinlogName(g.missing_to, &to_base, &to) && from_base == base &&
            to_base == base && from <= n && n <= to) {
          return Status(ErrorKind::kGap,
                        "the " + dump->label + " starts in '" + plan.start.file +
                            "', which lies in a gap of the archive: binary logs '" +
                            g.missing_from + "' to '" + g.missing_to + "' are missing (" +
                            g.reason + ")" + reach_dump);
        }
      }
    }
    return Status(ErrorKind::kGap, "the binlog archive has no copy of '" + plan.start.file +
                                       "', where the " + dump->label + " starts (position " +
                                       std::to_string(plan.start.position) +
                                       "): archiving began later, or it was purged before it "
                                       "was archived" + reach_dump);
  }

  // Follow the chain until the target lies within it.
  const ArchivedBinlog* cur = at_partial ? &*archive->partial : &archive->files[at];
  plan.files.push_back(*cur);
  std::string broken;  // why the chain ends, when it does before the target
  bool reached = FileReaches(*cur, target);
  while (!reached && !cur->partial) {
    const ArchivedBinlog* next = nullptr;
    if (at + 1 < archive->files.size() && archive->files[at + 1].name == cur->next_file) {
      next = &archive->files[at + 1];
      ++at;
    } else if (archive->partial && archive->partial->name == cur->next_file) {
      next = &*archive->partial;
    }
    if (next == nullptr) {
      bool later = at + 1 < archive->files.size();
      for (const auto& g : archive->gaps) {
        if (g.missing_from == cur->next_file) {
          broken = "a gap follows: binary logs '" + g.missing_from + "' to '" + g.missing_to +
                   "' are missing from the archive (" + g.reason + "); the first dump taken "
                   "after '" + g.resumes_at + "' began re-anchors point-in-time recovery";
          later = false;
        }
      }
      if (broken.empty() && later) {
        broken = "a gap follows: '" + cur->next_file + "' is not in the archive, which goes on "
                 "with '" + archive->files[at + 1].name + "'";
      } else if (broken.empty()) {
        broken = "the archive ends with '" + cur->name + "' (run --archive-binlogs to bring it "
                 "up to date)";
      }
      break;
    }
    if (!FollowsOn(*cur, *next)) {
      broken = "a gap follows: '" + next->name + "' does not carry on from '" + cur->name +
               "' (GTID state " + GtidStateText(next->state_start) + " after " +
               GtidStateText(cur->state_end) + ")";
      break;
    }
    cur = next;
    plan.files.push_back(*cur);
    reached = FileReaches(*cur, target);
  }
  if (target.kind == ReplayTarget::Kind::kEnd && broken.rfind("a gap", 0) != 0) reached = true;
  if (!reached) {
    const ArchivedBinlog& last = plan.files.back();
    std::string moment =
        last.last_time != 0
            ? describe(last.last_time) +
                  (last.last_gtid.empty() ? std::string() : ", GTID " + last.last_gtid)
            : "the dump's own moment";
    if (broken.empty()) {
      broken = last.partial ? "the archive ends with the partial copy of the active file '" +
                                  last.name + "' (run --archive-binlogs to bring it up to date)"
                            : "the archive ends with '" + last.name + "'";
    }
    return Status(ErrorKind::kGap, "cannot restore to " + target_text + " from the " +
                                       dump->label + ": " + broken +
                                       ". The latest moment reachable is " + moment +
                                       " (the last event of '" + last.name + "')");
  }
  return plan;
}

}  // namespace mysql_backup
