// The parallel half of a restore: takes the pieces a DumpSplitter makes of one dump stream and
// loads them on `threads` client connections. Tables load side by side, one table on one
// connection, each connection replaying the dump's session statements up to where its table
// begins; a barrier unit runs alone; views, routines, triggers and events run last, in dump
// order, on a connection of their own.
//
// Memory stays bounded: every unit, the session stream and the post stream are Spools (memory up
// to `spool_threshold`, then an unlinked, encrypted file under `spool_dir`), and the splitter
// waits before it begins a unit while `threads` units already wait for a connection.
//
// Failure: the first connection that fails (an SQL error, a lost connection), a spool that
// cannot be written, or Abort() from the reading side stops every other client before its input
// is closed, so none of them commits anything more; the client's own message is the error.
#ifndef MYSQL_BACKUP_RESTORE_PARALLEL_LOADER_H_
#define MYSQL_BACKUP_RESTORE_PARALLEL_LOADER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "restore/client_connection.h"
#include "restore/spool.h"
#include "sql/dump_splitter.h"
#include "util/status.h"

namespace mysql_backup {

struct ParallelLoadSettings {
  std::string program;  // the mysql/mariadb client
  ConnectionConfig connection;
  std::string database;
  int threads = 2;
  std::string spool_dir;  // exists, writable
  size_t spool_threshold = 1 << 20;
  const std::atomic<bool>* cancel = nullptr;
};

class ParallelLoader : public SplitTarget {
 public:
  explicit ParallelLoader(ParallelLoadSettings settings);
  ParallelLoader(const ParallelLoader&) = delete;
  ParallelLoader& operator=(const ParallelLoader&) = delete;
  ~ParallelLoader() override;

  // Spawns the connections and their feeding threads. Call from the thread that outlives them.
  Status Start();

  Status BeginUnit(UnitKind kind, const std::string& table, uint64_t session_start) override;
  Status UnitBytes(std::string_view bytes) override;
  Status EndUnit(uint64_t session_end) override;
  Status SessionBytes(std::string_view bytes) override;
  Status PostBytes(std::string_view bytes) override;

  // After the splitter finished: waits for every unit, then loads the post stream. On failure,
  // everything is stopped and the cause returned.
  Status Finish();
  // The reading side failed with `why`: stops every client; returns what to report (a client's
  // own failure when one came first, else `why`).
  Status Abort(const Status& why);

 private:
  struct Unit {
    UnitKind kind = UnitKind::kTable;
    std::string table;
    uint64_t session_start = 0;
    uint64_t session_end = 0;  // set before the spool is closed
    std::unique_ptr<Spool> spool;
  };

  void Work(size_t index);
  std::shared_ptr<Unit> Take();
  void Done(const std::shared_ptr<Unit>& unit);
  // Records the first failure; `exited`: connection `index` ended by itself (its stderr says why).
  void Fail(const Status& why, int index, bool exited);
  Status Failure();
  bool Cancelled() const { return settings_.cancel != nullptr && settings_.cancel->load(); }
  // Stops the clients and threads; the status to report.
  Status StopAll();

  ParallelLoadSettings settings_;
  std::vector<std::unique_ptr<ClientConnection>> connections_;
  std::vector<std::thread> workers_;
  Spool session_;
  Spool post_;
  std::shared_ptr<Unit> current_;  // the unit the splitter writes

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Unit>> queue_;  // waiting for a connection, in dump order
  std::set<std::shared_ptr<Unit>> running_;
  bool barrier_running_ = false;
  bool input_done_ = false;
  Status failure_;
  int exited_index_ = -1;
  std::atomic<bool> failed_{false};
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_RESTORE_PARALLEL_LOADER_H_
