// Checks, while a backup is being written, that its compressed stream decompresses to the whole
// dump, so that the re-read after the move only has to prove the stored bytes (SHA-256).
//
// A StreamCheckTee sits right after the compressor: it hands every byte on unchanged and, once
// Start()ed, gives a copy to its own thread, which decompresses it, counts the bytes that come
// out and looks for the dump's trailer. The check thus overlaps the dump and costs one
// decompression of CPU, not wall time, as long as a core is free. Compressors that check their
// own output (Compressor::ChecksItsOutput()) need no tee; the pipeline then never starts one.
// Memory is bounded: at most kMaxQueuedBytes wait for the checker, the writer waits beyond that.
#ifndef MYSQL_BACKUP_DUMP_STREAM_CHECK_H_
#define MYSQL_BACKUP_DUMP_STREAM_CHECK_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "codec/compressor.h"
#include "config/config.h"
#include "util/status.h"

namespace mysql_backup {

inline constexpr size_t kMaxQueuedBytes = 4 << 20;

class StreamCheckTee : public ByteSink {
 public:
  explicit StreamCheckTee(ByteSink* next) : next_(next) {}
  StreamCheckTee(const StreamCheckTee&) = delete;
  StreamCheckTee& operator=(const StreamCheckTee&) = delete;
  // Stops and joins the checker if Finish() was not reached.
  ~StreamCheckTee() override;

  // Starts checking the bytes written from now on (call before the first Write()).
  // Errors: kStorage when the thread cannot start.
  Status Start(Compression algorithm);
  bool started() const { return checker_.joinable(); }

  Status Write(std::span<const uint8_t> data) override;

  // After the last Write(): waits for the checker and returns the number of bytes the stream
  // decompressed to. Errors: kIntegrity (the stream is corrupt or truncated, or the dump inside
  // lacks its '-- Dump completed' trailer). Not started: 0.
  Result<uint64_t> Finish();

 private:
  void Run();
  void Stop();

  ByteSink* next_;
  std::unique_ptr<Decompressor> decompressor_;
  std::mutex mu_;
  std::condition_variable cv_;  // both ways: data queued / room freed
  std::deque<std::vector<uint8_t>> queue_;
  size_t queued_bytes_ = 0;
  bool end_ = false;   // no more input
  bool stop_ = false;  // abandon the check
  std::thread checker_;
  // Set by the checker, read after join.
  Status result_;
  uint64_t dump_bytes_ = 0;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_DUMP_STREAM_CHECK_H_
