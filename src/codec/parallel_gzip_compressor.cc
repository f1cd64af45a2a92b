// pigz's scheme, so the output stays one ordinary gzip member: the input is cut into blocks,
// each compressed as raw deflate on a worker thread with the 32 KiB before it as preset
// dictionary (so matches reach back across the cut, as in one stream) and ended with a sync
// flush, which byte-aligns it without ending the deflate stream; the last block ends it with
// Z_FINISH. The caller concatenates the blocks in order behind one gzip header and writes a
// trailer whose CRC-32 is combined from the per-block CRCs (crc32_combine).
//
// The libdeflate engine has no streaming and no preset dictionary, so there each block is a
// whole gzip member (header, deflate, CRC-32 and length), the caller writes the members in order
// and nothing else, and the worker inflates the member again and compares it with the block
// before marking it done, for about 10% of the compression's CPU (gzip_engine.h).
//
// Blocks live in a fixed ring of 2 * threads + 2 slots whose buffers are reused, so memory is a
// few hundred KiB per slot whatever the input size, and the caller, which fills, submits and
// writes, waits when the ring is full. Only the caller touches the sink.

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "codec/gzip_compressor.h"
#include "codec/gzip_engine.h"
#include "codec/zlib_stream.h"

namespace mysql_backup {
namespace {

constexpr size_t kWindowSize = 32 * 1024;
constexpr size_t kMaxBlockSize = 64 << 20;

struct LibdeflateCompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
struct LibdeflateDecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// One worker's libdeflate state: the compressor for its level, the decompressor and buffer of
// the check.
struct LibdeflateWorker {
  std::unique_ptr<libdeflate_compressor, LibdeflateCompressorDeleter> compressor;
  std::unique_ptr<libdeflate_decompressor, LibdeflateDecompressorDeleter> decompressor;
  std::vector<uint8_t> check;
};

class ParallelGzipCompressor final : public Compressor {
 public:
  ParallelGzipCompressor(GzipEngine engine, int level, int threads, size_t block_size,
                         ByteSink* sink)
      : sink_(sink),
        members_(engine == GzipEngine::kLibdeflate),
        block_size_(std::clamp<size_t>(block_size, 1, kMaxBlockSize)),
        slots_(2 * static_cast<size_t>(threads) + 2) {
    for (Slot& slot : slots_) slot.input.reserve(block_size_);
    try {
      for (int i = 0; i < threads; ++i) {
        workers_.emplace_back(&ParallelGzipCompressor::WorkerLoop, this, level);
      }
    } catch (const std::system_error& e) {
      error_ = Status(ErrorKind::kStorage,
                      std::string("Cannot compress: cannot start a worker thread: ") + e.what());
      StopWorkers();
    }
  }

  ~ParallelGzipCompressor() override { StopWorkers(); }

  bool ChecksItsOutput() const override { return members_; }

  Status Write(std::span<const uint8_t> data) override {
    if (!error_.ok()) return error_;
    if (finished_) {
      return Fail(Status(ErrorKind::kStorage, "Cannot compress: Write() after Finish()"));
    }
    while (!data.empty()) {
      Slot& slot = SlotFor(next_fill_);
      size_t n = std::min(block_size_ - slot.input.size(), data.size());
      slot.input.insert(slot.input.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(n));
      data = data.subspan(n);
      // A full block waits for more input or Finish(), so that a stream ending exactly on a
      // block boundary ends with Z_FINISH on real data rather than on an empty block.
      if (slot.input.size() == block_size_ && !data.empty()) {
        if (Status s = Submit(/*last=*/false); !s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    if (finished_) return Status::Ok();
    finished_ = true;
    if (Status s = Submit(/*last=*/true); !s.ok()) return s;
    if (Status s = WriteFinished(next_fill_); !s.ok()) return s;
    if (members_) {
      StopWorkers();
      return Status::Ok();
    }
    uint8_t trailer[8];
    for (int i = 0; i < 4; ++i) {
      trailer[i] = static_cast<uint8_t>(crc_ >> (8 * i));
      trailer[4 + i] = static_cast<uint8_t>(total_in_ >> (8 * i));  // ISIZE: length mod 2^32
    }
    if (Status s = sink_->Write(trailer); !s.ok()) return Fail(s);
    StopWorkers();
    return Status::Ok();
  }

 private:
  // One block's journey: the caller fills `input`, a worker compresses it into `output`, the
  // caller writes `output` to the sink. Block n lives in slot n % slots_.size().
  struct Slot {
    std::vector<uint8_t> input;       // capacity block_size_
    std::vector<uint8_t> dictionary;  // up to 32 KiB of the stream just before `input`
    std::vector<uint8_t> output;
    size_t output_size = 0;
    uint32_t crc = 0;  // of `input`
    bool last = false;
    bool done = false;  // guarded by mu_
    Status status;
  };

  Slot& SlotFor(uint64_t block) { return slots_[block % slots_.size()]; }

  // Hands the block being filled to the workers, then makes room for the next one.
  Status Submit(bool last) {
    Slot& slot = SlotFor(next_fill_);
    slot.last = last;
    slot.dictionary.clear();
    if (next_fill_ > 0 && !members_) {
      // The previous block's slot is not reused before this one is submitted, so its input is
      // intact; copy the tail because that slot may be refilled while this block still waits.
      const std::vector<uint8_t>& previous = SlotFor(next_fill_ - 1).input;
      size_t n = std::min(previous.size(), kWindowSize);
      slot.dictionary.assign(previous.end() - static_cast<ptrdiff_t>(n), previous.end());
    }
    {
      std::lock_guard lock(mu_);
      slot.done = false;
      queue_.push_back(&slot);
    }
    work_cv_.notify_one();
    ++next_fill_;
    if (last) return Status::Ok();
    // The next block's slot held block next_fill_ - slots_.size(); it must be written first.
    // This wait is the back-pressure that bounds memory.
    uint64_t must_write = next_fill_ >= slots_.size() ? next_fill_ - slots_.size() + 1 : 0;
    if (Status s = WriteFinished(must_write); !s.ok()) return s;
    SlotFor(next_fill_).input.clear();
    return Status::Ok();
  }

  // Writes compressed blocks to the sink in order: waits for every block before `wait_until`,
  // then goes on with those already done, so output leaves as early as it can.
  Status WriteFinished(uint64_t wait_until) {
    while (next_write_ < next_fill_) {
      Slot& slot = SlotFor(next_write_);
      {
        std::unique_lock lock(mu_);
        if (next_write_ < wait_until) {
          done_cv_.wait(lock, [&] { return slot.done; });
        } else if (!slot.done) {
          break;
        }
      }
      if (!slot.status.ok()) return Fail(slot.status);
      if (next_write_ == 0 && !members_) {
        // mtime 0 (a stream has none), XFL 0, OS 3 (Unix): what zlib writes for us.
        static constexpr uint8_t kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        if (Status s = sink_->Write(kHeader); !s.ok()) return Fail(s);
      }
      crc_ = static_cast<uint32_t>(
          crc32_combine(crc_, slot.crc, static_cast<z_off_t>(slot.input.size())));
      total_in_ += slot.input.size();
      Status s = sink_->Write(std::span<const uint8_t>(slot.output.data(), slot.output_size));
      if (!s.ok()) return Fail(s);
      ++next_write_;
    }
    return Status::Ok();
  }

  Status Fail(Status s) {
    error_ = s;
    StopWorkers();
    return s;
  }

  // Workers finish the block in hand (milliseconds) and leave the rest of the queue.
  void StopWorkers() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
  }

  void WorkerLoop(int level) {
    DeflateStream stream;
    LibdeflateWorker libdeflate;
    Status init;
    if (members_) {
      libdeflate.compressor.reset(libdeflate_alloc_compressor(level));
      libdeflate.decompressor.reset(libdeflate_alloc_decompressor());
      if (libdeflate.compressor == nullptr || libdeflate.decompressor == nullptr) {
        init = Status(ErrorKind::kStorage, "Cannot compress: libdeflate refused level " +
                                               std::to_string(level) +
                                               " (or is out of memory)");
      }
    } else {
      init = stream.Init(level, -15);  // raw deflate: we write the gzip wrapper
    }
    for (;;) {
      Slot* slot;
      {
        std::unique_lock lock(mu_);
        work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        slot = queue_.front();
        queue_.pop_front();
      }
      if (!init.ok()) {
        slot->status = init;
      } else if (members_) {
        slot->status = CompressMember(&libdeflate, slot);
      } else {
        slot->status = Compress(stream.get(), slot);
      }
      {
        std::lock_guard lock(mu_);
        slot->done = true;
      }
      done_cv_.notify_one();  // only the caller waits on it
    }
  }

  static Status Compress(z_stream* z, Slot* slot) {
    slot->crc = static_cast<uint32_t>(crc32_z(0, slot->input.data(), slot->input.size()));
    if (deflateReset(z) != Z_OK ||
        (!slot->dictionary.empty() &&
         deflateSetDictionary(z, slot->dictionary.data(),
                              static_cast<uInt>(slot->dictionary.size())) != Z_OK)) {
      return Status(ErrorKind::kStorage, "Cannot compress: zlib stream error");
    }
    z->next_in = slot->input.data();
    z->avail_in = static_cast<uInt>(slot->input.size());
    // Room for incompressible input plus the sync-flush marker; grown below if ever short.
    size_t bound = deflateBound(z, static_cast<uLong>(slot->input.size())) + 16;
    if (slot->output.size() < bound) slot->output.resize(bound);
    const int flush = slot->last ? Z_FINISH : Z_SYNC_FLUSH;
    size_t used = 0;
    for (;;) {
      if (used == slot->output.size()) slot->output.resize(2 * slot->output.size());
      z->next_out = slot->output.data() + used;
      z->avail_out = static_cast<uInt>(slot->output.size() - used);
      int rc = deflate(z, flush);
      used = slot->output.size() - z->avail_out;
      if (rc == Z_STREAM_ERROR) {
        return Status(ErrorKind::kStorage, "Cannot compress: zlib stream error");
      }
      if (rc == Z_STREAM_END) break;
      // Output space left over after Z_SYNC_FLUSH means all input is in and flushed.
      if (flush == Z_SYNC_FLUSH && z->avail_out != 0) break;
    }
    slot->output_size = used;
    return Status::Ok();
  }

  // A whole gzip member per block, checked by inflating it again.
  static Status CompressMember(LibdeflateWorker* w, Slot* slot) {
    const size_t n = slot->input.size();
    size_t bound = libdeflate_gzip_compress_bound(w->compressor.get(), n);
    if (slot->output.size() < bound) slot->output.resize(bound);
    slot->output_size = libdeflate_gzip_compress(w->compressor.get(), slot->input.data(), n,
                                                 slot->output.data(), slot->output.size());
    if (slot->output_size == 0) {
      return Status(ErrorKind::kStorage, "Cannot compress: libdeflate found no room in a buffer "
                                         "of its own bound");
    }
    // The check reads back what the sink will get; a fault here (a compressor bug, a bit flipped
    // in memory) stops the backup before a wrong byte is stored.
    if (w->check.size() < n + 1) w->check.resize(n + 1);
    size_t got = 0;
    libdeflate_result rc =
        libdeflate_gzip_decompress(w->decompressor.get(), slot->output.data(), slot->output_size,
                                   w->check.data(), n, &got);
    if (rc != LIBDEFLATE_SUCCESS || got != n ||
        (n > 0 && std::memcmp(w->check.data(), slot->input.data(), n) != 0)) {
      return Status(ErrorKind::kIntegrity,
                    "Cannot compress: a compressed block did not inflate back to its input (a "
                    "compressor or memory fault); nothing of it was stored");
    }
    return Status::Ok();
  }

  ByteSink* sink_;
  const bool members_;  // libdeflate: a gzip member per block, no header or trailer of ours
  const size_t block_size_;
  std::vector<Slot> slots_;
  uint64_t next_fill_ = 0;   // the block the caller is filling
  uint64_t next_write_ = 0;  // the oldest block not yet written to the sink
  uint32_t crc_ = 0;         // of the input written so far
  uint64_t total_in_ = 0;
  bool finished_ = false;
  Status error_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // workers wait: queue_ not empty, or stop_
  std::condition_variable done_cv_;  // the caller waits: a slot is done
  std::deque<Slot*> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<Compressor> MakeParallelGzipCompressor(const CompressionSettings& settings,
                                                       ByteSink* sink) {
  GzipEngine engine = ResolveGzipEngine(settings.gzip_engine);
  size_t default_block = engine == GzipEngine::kLibdeflate ? kDefaultLibdeflateBlockSize
                                                           : kDefaultGzipBlockSize;
  return std::make_unique<ParallelGzipCompressor>(
      engine, settings.level, std::max(1, settings.threads),
      settings.block_size > 0 ? settings.block_size : default_block, sink);
}

}  // namespace mysql_backup
