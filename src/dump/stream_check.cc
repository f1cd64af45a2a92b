#include "dump/stream_check.h"

#include <system_error>

#include "dump/dump_trailer.h"

namespace mysql_backup {
namespace {

class TrailerCounter : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    check_.Update(data);
    return Status::Ok();
  }
  const DumpTrailerCheck& check() const { return check_; }

 private:
  DumpTrailerCheck check_;
};

}  // namespace

StreamCheckTee::~StreamCheckTee() { Stop(); }

void StreamCheckTee::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (checker_.joinable()) checker_.join();
}

Status StreamCheckTee::Start(Compression algorithm) {
  try {
    checker_ = std::thread([this, algorithm] {
      TrailerCounter trailer;
      decompressor_ = MakeDecompressor(algorithm, &trailer);
      Run();
      if (result_.ok()) result_ = decompressor_->Finish();
      if (result_.ok() && !trailer.check().complete()) {
        result_ = Status(ErrorKind::kIntegrity,
                         "the dump inside does not end with '-- Dump completed'; it was cut off");
      }
      dump_bytes_ = trailer.check().total_bytes();
      decompressor_.reset();  // it points at `trailer`
    });
  } catch (const std::system_error& e) {
    return Status(ErrorKind::kStorage,
                  std::string("Cannot start the stream check thread: ") + e.what());
  }
  return Status::Ok();
}

// Feeds the decompressor until the end of input; after a failure it keeps taking chunks (and
// dropping them) so the writer never waits for a checker that has given up.
void StreamCheckTee::Run() {
  for (;;) {
    std::vector<uint8_t> chunk;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || end_ || !queue_.empty(); });
      if (stop_) {
        result_ = Status(ErrorKind::kIntegrity, "the stream check was abandoned");
        return;
      }
      if (queue_.empty()) return;  // end_
      chunk = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= chunk.size();
    }
    cv_.notify_all();
    if (result_.ok()) result_ = decompressor_->Write(chunk);
  }
}

Status StreamCheckTee::Write(std::span<const uint8_t> data) {
  if (checker_.joinable() && !data.empty()) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stop_ || queued_bytes_ < kMaxQueuedBytes; });
    queue_.emplace_back(data.begin(), data.end());
    queued_bytes_ += data.size();
    lock.unlock();
    cv_.notify_all();
  }
  return next_->Write(data);
}

Result<uint64_t> StreamCheckTee::Finish() {
  if (!checker_.joinable()) return uint64_t{0};
  {
    std::lock_guard lock(mu_);
    end_ = true;
  }
  cv_.notify_all();
  checker_.join();
  if (!result_.ok()) return result_;
  return dump_bytes_;
}

}  // namespace mysql_backup
