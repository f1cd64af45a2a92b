#include "restore/parallel_loader.h"

#include <chrono>
#include <utility>

namespace mysql_backup {

namespace {

constexpr size_t kCopyBytes = 256 * 1024;

Status Interrupted() { return Status(ErrorKind::kProcess, "Interrupted by a signal"); }

// Copies spool bytes [from, to) into the client; to the spool's end when `to` is UINT64_MAX.
// `client_failed` tells whether an error came from the client (it stopped reading).
Status Copy(Spool* spool, uint64_t from, uint64_t to, ClientConnection* client,
            std::vector<char>* buf, bool* client_failed) {
  while (from < to) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buf->size(), to - from));
    auto n = spool->ReadAt(from, {buf->data(), want});
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    Status s = client->Write({buf->data(), *n});
    if (!s.ok()) {
      *client_failed = true;
      return s;
    }
    from += *n;
  }
  return Status::Ok();
}

}  // namespace

ParallelLoader::ParallelLoader(ParallelLoadSettings settings)
    : settings_(std::move(settings)),
      session_(settings_.spool_dir, settings_.spool_threshold),
      post_(settings_.spool_dir, settings_.spool_threshold) {}

ParallelLoader::~ParallelLoader() {
  if (!workers_.empty()) (void)Abort(Status(ErrorKind::kProcess, "stopped"));
}

Status ParallelLoader::Start() {
  for (int i = 0; i < settings_.threads; ++i) {
    auto c = ClientConnection::Start(settings_.program, settings_.connection, settings_.database,
                                     [this, i] {
                                       Fail(Status(ErrorKind::kProcess, "a client ended early"), i,
                                            /*exited=*/true);
                                     });
    if (!c.ok()) return c.status();
    connections_.push_back(std::move(*c));
  }
  for (size_t i = 0; i < connections_.size(); ++i) workers_.emplace_back([this, i] { Work(i); });
  return Status::Ok();
}

void ParallelLoader::Fail(const Status& why, int index, bool exited) {
  std::lock_guard<std::mutex> lock(mu_);
  if (failure_.ok()) {
    failure_ = why;
    if (exited) exited_index_ = index;
    failed_ = true;
  }
  const Status stop(ErrorKind::kProcess, "stopped after another connection failed");
  session_.Abort(stop);
  post_.Abort(stop);
  for (const auto& u : running_) u->spool->Abort(stop);
  for (const auto& u : queue_) u->spool->Abort(stop);
  cv_.notify_all();
}

Status ParallelLoader::Failure() {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

Status ParallelLoader::BeginUnit(UnitKind kind, const std::string& table,
                                 uint64_t session_start) {
  auto unit = std::make_shared<Unit>();
  unit->kind = kind;
  unit->table = table;
  unit->session_start = session_start;
  unit->spool = std::make_unique<Spool>(settings_.spool_dir, settings_.spool_threshold);
  std::unique_lock<std::mutex> lock(mu_);
  // Bounded read-ahead: at most `threads` units wait, so the spool files cannot grow to the
  // size of the whole dump while the connections are busy.
  while (failure_.ok() && queue_.size() >= connections_.size()) {
    if (Cancelled()) return Interrupted();
    cv_.wait_for(lock, std::chrono::milliseconds(250));
  }
  if (!failure_.ok()) return failure_;
  queue_.push_back(unit);
  current_ = std::move(unit);
  cv_.notify_all();
  return Status::Ok();
}

Status ParallelLoader::UnitBytes(std::string_view bytes) {
  if (failed_) return Failure();
  return current_->spool->Append(bytes);
}

Status ParallelLoader::EndUnit(uint64_t session_end) {
  current_->session_end = session_end;
  current_->spool->Close();
  current_.reset();
  return failed_ ? Failure() : Status::Ok();
}

Status ParallelLoader::SessionBytes(std::string_view bytes) {
  if (failed_) return Failure();
  return session_.Append(bytes);
}

Status ParallelLoader::PostBytes(std::string_view bytes) {
  if (failed_) return Failure();
  return post_.Append(bytes);
}

std::shared_ptr<ParallelLoader::Unit> ParallelLoader::Take() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!failure_.ok()) return nullptr;
    if (!queue_.empty()) {
      const auto& next = queue_.front();
      // A barrier starts when nothing else runs; nothing starts while it runs.
      const bool can_start = next->kind == UnitKind::kBarrier ? running_.empty()
                                                               : !barrier_running_;
      if (can_start) {
        std::shared_ptr<Unit> unit = next;
        queue_.pop_front();
        running_.insert(unit);
        if (unit->kind == UnitKind::kBarrier) barrier_running_ = true;
        cv_.notify_all();  // room in the queue for the splitter
        return unit;
      }
    } else if (input_done_) {
      return nullptr;
    }
    cv_.wait(lock);
  }
}

void ParallelLoader::Done(const std::shared_ptr<Unit>& unit) {
  std::lock_guard<std::mutex> lock(mu_);
  running_.erase(unit);
  if (unit->kind == UnitKind::kBarrier) barrier_running_ = false;
  cv_.notify_all();
}

void ParallelLoader::Work(size_t index) {
  ClientConnection* client = connections_[index].get();
  std::vector<char> buf(kCopyBytes);
  uint64_t session_done = 0;  // session bytes this connection has run
  for (;;) {
    std::shared_ptr<Unit> unit = Take();
    if (unit == nullptr) return;
    bool client_failed = false;
    Status s = Copy(&session_, session_done, unit->session_start, client, &buf, &client_failed);
    if (s.ok()) s = Copy(unit->spool.get(), 0, UINT64_MAX, client, &buf, &client_failed);
    // Done means run, not only handed over: a barrier behind this unit may start next.
    if (s.ok()) {
      s = client->Sync();
      if (!s.ok()) client_failed = true;
    }
    // The unit ran its own session statements; the stream is read to its end, so the splitter
    // has set session_end (before it closed the spool).
    if (s.ok()) session_done = unit->session_end;
    // A failure is recorded before the unit counts as done, so Finish() never sees all units
    // done without it.
    if (!s.ok()) Fail(s, static_cast<int>(index), client_failed);
    Done(unit);
    if (!s.ok()) return;
  }
}

Status ParallelLoader::StopAll() {
  int exited;
  {
    std::lock_guard<std::mutex> lock(mu_);
    exited = exited_index_;
  }
  for (size_t i = 0; i < connections_.size(); ++i) {
    if (static_cast<int>(i) != exited) connections_[i]->Stop();
  }
  for (auto& w : workers_) w.join();
  workers_.clear();
  Status cause = Failure();
  if (exited >= 0) {
    Status s = connections_[exited]->Wait();
    if (!s.ok()) cause = s;
  }
  connections_.clear();
  return cause;
}

Status ParallelLoader::Abort(const Status& why) {
  Fail(why, -1, /*exited=*/false);
  return StopAll();
}

Status ParallelLoader::Finish() {
  session_.Close();
  post_.Close();
  {
    std::unique_lock<std::mutex> lock(mu_);
    input_done_ = true;
    cv_.notify_all();
    while (failure_.ok() && !(queue_.empty() && running_.empty())) {
      if (Cancelled()) {
        lock.unlock();
        return Abort(Interrupted());
      }
      cv_.wait_for(lock, std::chrono::milliseconds(250));
    }
    if (!failure_.ok()) {
      lock.unlock();
      return StopAll();
    }
  }
  for (auto& w : workers_) w.join();
  workers_.clear();
  // Every table is in; a client that fails now failed on its last statements.
  for (auto& c : connections_) c->CloseInput();
  Status result;
  for (auto& c : connections_) {
    Status s = c->Wait();
    if (result.ok() && !s.ok()) result = s;
  }
  connections_.clear();
  if (!result.ok()) return result;
  if (Cancelled()) return Interrupted();

  // Views, routines, triggers, events, in dump order, with every SET in its place.
  auto post = ClientConnection::Start(settings_.program, settings_.connection, settings_.database,
                                      nullptr);
  if (!post.ok()) return post.status();
  std::vector<char> buf(kCopyBytes);
  uint64_t offset = 0;
  Status s;
  for (;;) {
    if (Cancelled()) {
      s = Interrupted();
      break;
    }
    auto n = post_.ReadAt(offset, {buf.data(), buf.size()});
    if (!n.ok()) {
      s = n.status();
      break;
    }
    if (*n == 0) break;
    s = (*post)->Write({buf.data(), *n});
    if (!s.ok()) break;
    offset += *n;
  }
  if (!s.ok() && s.kind() != ErrorKind::kProcess) {
    (*post)->Stop();
    return s;
  }
  if (Cancelled()) {
    (*post)->Stop();
    return Interrupted();
  }
  (*post)->CloseInput();
  Status waited = (*post)->Wait();
  if (!waited.ok()) return waited;
  return s;
}

}  // namespace mysql_backup
