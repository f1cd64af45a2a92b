// One mysql/mariadb client child that a parallel restore feeds: spawned with the credentials on
// a pipe (mysql/mysql_client.h) and the same options as the serial restore, its stdin a pipe we
// write, its stderr collected by a thread of its own. The owner decides how it ends: CloseInput()
// then Wait() for a load that went through, Stop() (before its input is closed) for one that must
// not commit anything more. The destructor stops a child nobody waited for.
#ifndef MYSQL_BACKUP_RESTORE_CLIENT_CONNECTION_H_
#define MYSQL_BACKUP_RESTORE_CLIENT_CONNECTION_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "config/config.h"
#include "util/child_process.h"
#include "util/head_tail_text.h"
#include "util/status.h"
#include "util/unique_fd.h"

namespace mysql_backup {

// What a restore keeps of a client's stderr, serial or parallel: the client echoes a failing
// statement (maybe megabytes) before its ERROR line, so the start and the end.
inline constexpr size_t kClientStderrHeadBytes = 16 * 1024;
inline constexpr size_t kClientStderrTailBytes = 48 * 1024;

class ClientConnection {
 public:
  // Spawn from the thread that owns the connection (see ChildProcess: PR_SET_PDEATHSIG).
  // `on_exit` runs on the stderr thread when the client ends while its input is still open: it
  // stopped by itself (an SQL error, a lost connection).
  static Result<std::unique_ptr<ClientConnection>> Start(const std::string& program,
                                                         const ConnectionConfig& conn,
                                                         const std::string& database,
                                                         std::function<void()> on_exit);
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;
  ~ClientConnection();

  // Blocks while the client is busy. Errors: kProcess when the client stopped reading.
  Status Write(std::string_view bytes);
  // Returns once the client has run everything written so far: it sends a marker query and
  // waits for its result on the client's stdout. Handing bytes to the client is not running
  // them; a barrier must not start before the units ahead of it ran. Errors: kProcess when
  // the client ended first.
  Status Sync();
  // EOF for the client: it runs what it holds and exits.
  void CloseInput();
  // SIGTERM (then SIGKILL) before the input is closed: a statement cut off is never run.
  void Stop();
  // Reaps the client; its failure as the serial restore reports it (kProcess, kConnection with
  // the client's message). Stop()ped clients: Ok.
  Status Wait();

 private:
  ClientConnection() = default;

  std::string program_;
  ChildProcess child_;
  UniqueFd in_w_;
  UniqueFd err_r_;
  std::thread err_reader_;
  UniqueFd out_r_;
  std::thread out_reader_;
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  uint64_t sync_sent_ = 0;
  uint64_t sync_seen_ = 0;  // under sync_mu_
  bool out_closed_ = false;  // under sync_mu_
  HeadTailText err_kept_{kClientStderrHeadBytes, kClientStderrTailBytes};
  std::function<void()> on_exit_;
  std::atomic<bool> input_closed_{false};
  bool stopped_ = false;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_RESTORE_CLIENT_CONNECTION_H_
