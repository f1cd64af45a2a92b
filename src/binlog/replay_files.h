// The archived binlog files of a replay plan made ready for mariadb-binlog, which reads only
// plain files: each is checked against its .sha256, decompressed into a private folder under
// <backup_dir>/.tmp (0700, files 0600), and walked event by event (CRC32s, completeness, and
// that it follows on from the one before) while the ReplayCutter finds where to stop. The
// folder and everything in it are removed when the ReplayFiles object goes, on every path.
#ifndef MYSQL_BACKUP_BINLOG_REPLAY_FILES_H_
#define MYSQL_BACKUP_BINLOG_REPLAY_FILES_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "binlog/replay_cut.h"
#include "binlog/replay_plan.h"
#include "storage/dir_fd.h"
#include "util/status.h"

namespace mysql_backup {

class ReplayFiles {
 public:
  // Checks and decompresses `plan`'s files from the archive folder `archive_dir` (the partial
  // copy from its partial/), into a new folder in `work_dir`. Errors: kIntegrity (a file fails
  // its checksum or decoding, or does not follow on), kGap (the target is past the end of the
  // files: the message names the last event), kUsage (a GTID target that is not in the
  // binlog), kStorage.
  // `later`: the run's databases dumped after the plan's start (see
  // ReplayCutter::set_later_dumps); when the replay would apply a transaction twice, conflict()
  // says so and the files are not to be used.
  static Result<std::unique_ptr<ReplayFiles>> Prepare(
      const DirFd& work_dir, const DirFd& archive_dir, const ReplayPlan& plan,
      const ReplayTarget& target,
      const std::map<std::string, std::pair<std::string, uint64_t>>& later,
      const std::atomic<bool>* cancel);
  ~ReplayFiles();
  ReplayFiles(const ReplayFiles&) = delete;
  ReplayFiles& operator=(const ReplayFiles&) = delete;

  // The folder holding the files (for the child: pass it as an fd).
  const DirFd& dir() const { return dir_; }
  // The files to replay, in order, ending with the one the replay stops in.
  const std::vector<std::string>& files() const { return files_; }
  uint64_t start_position() const { return start_position_; }
  // 0: replay the last file to its end.
  uint64_t stop_position() const { return stop_position_; }
  const std::optional<AppliedTransaction>& last_applied() const { return last_applied_; }
  uint64_t transactions() const { return transactions_; }
  const std::string& conflict() const { return conflict_; }
  // The databases the replayed transactions write rows to.
  const std::set<std::string>& databases() const { return databases_; }

 private:
  ReplayFiles(const DirFd& work_dir, std::string name) : work_(work_dir), name_(std::move(name)) {}
  void Remove();
  const DirFd& work_;
  std::string name_;
  DirFd dir_;
  std::vector<std::string> files_;
  uint64_t start_position_ = 0;
  uint64_t stop_position_ = 0;
  std::optional<AppliedTransaction> last_applied_;
  uint64_t transactions_ = 0;
  std::set<std::string> databases_;
  std::string conflict_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_BINLOG_REPLAY_FILES_H_
