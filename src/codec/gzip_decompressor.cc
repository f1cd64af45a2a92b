// Reads every member of a gzip file, as gunzip does, but strictly: anything after the last
// member that is not another member is an error, not a warning, because a backup file must be
// exactly what we wrote.
//
// Two inflaters. zlib streams and is the arbiter: it reads anything, and every error message
// comes from it. libdeflate takes less than half of zlib's CPU (README.md, "What the checks
// prove and cost") but only inflates whole members held in memory, so it is a fast path in
// front of zlib for files made of small members, as our libdeflate engine writes (one member per
// 256 KiB of input, gzip_engine.h): compressed input is buffered, and once the buffer is full
// (kInputCapacity, two windows) or the input ends, members are inflated one at a time from the
// start of the buffer into kOutputCap bytes, while a window's worth is left. The first member that does not come out whole hands the stream, from
// that member's first byte, to zlib for good.
//
// Why a member of ours never misses the fast path. The buffer is only tried while it holds at
// least kWindow bytes from a member's start, or at the end of the input, so every member whose
// compressed size is at most kWindow is there in full when it is tried. Our writer refuses a
// member larger than libdeflate_gzip_compress_bound() of its block (parallel_gzip_compressor.cc;
// libdeflate falls back to stored blocks rather than expand the data), and that bound is
// 1,049,653 bytes for kOutputCap bytes of input (libdeflate 1.14), 262,436 for the 256 KiB block
// we write: both well under the 2 MiB window, and the output of each fits kOutputCap. So for our
// files libdeflate sees each member whole, fits its output, and succeeds. What fails
// (a bigger member, as from the zlib engine, gzip or pigz; a member longer than the window; bad
// data; a member cut off by the end of the input; trailing garbage) is everything zlib would
// have had to read anyway.
//
// Why the fast path never reports an error itself. Any result but LIBDEFLATE_SUCCESS is not
// taken as a verdict: the member is read again by zlib from its first byte, in the state zlib
// would have been in had it read every member before (between members, `members_` counted), so
// truncation, corruption and garbage come out with exactly the message, kind and point they had
// when zlib read the whole file. The fast path only ever says "this member is good": libdeflate
// checks the header, the deflate data, the CRC-32 and the length, as zlib does. Two differences.
// A header CRC (FHCRC), which libdeflate skips without checking: such a member goes to zlib.
// And deflate encodings no encoder writes (lengths 286/287, distances 30/31, some incomplete
// codes), which libdeflate may decode where zlib refuses them (libdeflate's own tests say so):
// such a member is still only accepted when its CRC-32 and length match what it decoded to, so
// its output is what was compressed. That is the one place the fast path is less strict than
// zlib, and no file we or gzip write reaches it.

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "codec/gzip_compressor.h"
#include "codec/zlib_stream.h"

namespace mysql_backup {
namespace {

constexpr size_t kOutputBufferSize = 256 * 1024;  // zlib's
constexpr size_t kWindow = 2 << 20;
constexpr size_t kOutputCap = 1 << 20;
// Twice the window, so that decoding runs until less than a window is left and the rest, moved
// to the front, is at most as much as was consumed: each byte is copied about twice at most.
constexpr size_t kInputCapacity = 2 * kWindow;
constexpr uint8_t kFlagHeaderCrc = 0x02;  // FHCRC, RFC 1952 2.3.1
constexpr char kTruncated[] = "gzip stream truncated: unexpected end of data";

struct LibdeflateDecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

class GzipDecompressor final : public Decompressor {
 public:
  GzipDecompressor(ByteSink* sink, const GzipDecompressorOptions& options)
      : sink_(sink),
        buffer_(kOutputBufferSize),
        fast_(options.libdeflate),
        counts_(options.counts) {
    // 15 + 16: gzip only. (15 + 32 would also take a zlib stream as a later "member".)
    if (int rc = stream_.Init(15 + 16); rc != Z_OK) {
      error_ =
          Status(ErrorKind::kStorage, "Cannot decompress: zlib could not start (out of memory)");
    }
  }

  Status Write(std::span<const uint8_t> compressed) override {
    if (!error_.ok()) return error_;
    while (fast_ && !compressed.empty()) {
      if (pending_.capacity() < kInputCapacity) pending_.reserve(kInputCapacity);
      size_t n = std::min(compressed.size(), kInputCapacity - pending_.size());
      pending_.insert(pending_.end(), compressed.begin(),
                      compressed.begin() + static_cast<ptrdiff_t>(n));
      compressed = compressed.subspan(n);
      // Only a full buffer is inflated (down to the last window's worth), so the rest is moved to
      // the front once per ~2 MiB taken, not once per Write: the age decryptor writes 64 KiB.
      if (pending_.size() < kInputCapacity) break;
      if (Status s = InflateFast(/*at_end=*/false); !s.ok()) return s;
    }
    return InflateWithZlib(compressed);
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    if (fast_) {
      if (Status s = InflateFast(/*at_end=*/true); !s.ok()) return s;
    }
    if (used_ > 0) {
      if (Status s = Flush(); !s.ok()) return s;
    }
    if (!between_members_ || members_ == 0) {
      return error_ = Status(ErrorKind::kIntegrity, members_ == 0 && stream_.get()->total_in == 0
                                                        ? "gzip stream truncated: no data"
                                                        : kTruncated);
    }
    return Status::Ok();
  }

 private:
  // Inflates whole members from the front of pending_ while a window's worth is held (or, at the
  // end, while anything is), and hands the rest of the stream to zlib at the first member that
  // does not come out whole.
  Status InflateFast(bool at_end) {
    size_t pos = 0;
    while (pending_.size() - pos >= (at_end ? 1 : kWindow)) {
      if (decompressor_ == nullptr) {
        decompressor_.reset(libdeflate_alloc_decompressor());
        if (decompressor_ == nullptr) return LeaveFastPath(pos);
        output_ = std::make_unique_for_overwrite<uint8_t[]>(kOutputCap);
      }
      const uint8_t* member = pending_.data() + pos;
      size_t in_size = 0;
      size_t out_size = 0;
      bool ok = pending_.size() - pos > 3 && (member[3] & kFlagHeaderCrc) == 0 &&
                libdeflate_gzip_decompress_ex(decompressor_.get(), member, pending_.size() - pos,
                                              output_.get(), kOutputCap, &in_size,
                                              &out_size) == LIBDEFLATE_SUCCESS;
      if (!ok) return LeaveFastPath(pos);
      pos += in_size;
      ++members_;
      between_members_ = true;
      if (counts_ != nullptr) ++counts_->libdeflate_members;
      if (out_size > 0) {
        Status s = sink_->Write(std::span<const uint8_t>(output_.get(), out_size));
        if (!s.ok()) return error_ = s;
      }
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(pos));
    return Status::Ok();
  }

  // zlib reads on from `pos`, the first byte of a member (or of what should be one), in the
  // state it would be in had it read the whole stream: between members once one was read.
  Status LeaveFastPath(size_t pos) {
    fast_ = false;
    if (counts_ != nullptr) counts_->fell_back_to_zlib = true;
    Status s = InflateWithZlib(std::span<const uint8_t>(pending_).subspan(pos));
    pending_ = std::vector<uint8_t>();
    decompressor_.reset();
    output_.reset();
    return s;
  }

  Status InflateWithZlib(std::span<const uint8_t> compressed) {
    z_stream* z = stream_.get();
    while (!compressed.empty()) {
      size_t chunk = std::min<size_t>(compressed.size(), UINT32_MAX);
      z->next_in = compressed.data();
      z->avail_in = static_cast<uInt>(chunk);
      if (Status s = Inflate(); !s.ok()) return s;
      compressed = compressed.subspan(chunk);
    }
    return Status::Ok();
  }

  Status Inflate() {
    z_stream* z = stream_.get();
    for (;;) {
      if (between_members_) {
        if (z->avail_in == 0) return Status::Ok();
        inflateReset(z);  // also zeroes total_in, which the garbage check below relies on
        between_members_ = false;
      }
      z->next_out = buffer_.data() + used_;
      z->avail_out = static_cast<uInt>(buffer_.size() - used_);
      int rc = inflate(z, Z_NO_FLUSH);
      used_ = buffer_.size() - z->avail_out;
      if (used_ == buffer_.size()) {
        if (Status s = Flush(); !s.ok()) return s;
      }
      switch (rc) {
        case Z_STREAM_END:
          ++members_;
          between_members_ = true;
          break;
        case Z_OK:
        case Z_BUF_ERROR:  // no progress possible: needs input or output space
          if (z->avail_in == 0 && z->avail_out != 0) return Status::Ok();
          break;
        case Z_MEM_ERROR:
          return error_ = Status(ErrorKind::kStorage, "Cannot decompress: out of memory");
        default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
          if (members_ > 0 && z->total_in < 10) {
            // Failed inside what should be the next member's 10-byte header.
            return error_ = Status(ErrorKind::kIntegrity,
                                   "gzip stream corrupt: trailing garbage after the last member");
          }
          return error_ = Status(ErrorKind::kIntegrity,
                                 std::string("gzip stream corrupt: ") +
                                     (z->msg != nullptr ? z->msg : "invalid data"));
      }
    }
  }

  Status Flush() {
    Status s = sink_->Write(std::span<const uint8_t>(buffer_.data(), used_));
    used_ = 0;
    if (!s.ok()) error_ = s;
    return s;
  }

  ByteSink* sink_;
  InflateStream stream_;
  std::vector<uint8_t> buffer_;
  size_t used_ = 0;
  uint64_t members_ = 0;          // complete members read, by either inflater
  bool between_members_ = false;  // the last member ended; what follows must be a new one
  // The fast path: until it is left, every byte goes through pending_ (compressed, from a
  // member's start) and libdeflate; zlib has not been given any.
  bool fast_;
  GzipInflateCounts* counts_;
  std::vector<uint8_t> pending_;
  std::unique_ptr<libdeflate_decompressor, LibdeflateDecompressorDeleter> decompressor_;
  std::unique_ptr<uint8_t[]> output_;
  Status error_;
};

}  // namespace

std::unique_ptr<Decompressor> MakeGzipDecompressor(ByteSink* sink,
                                                   const GzipDecompressorOptions& options) {
  return std::make_unique<GzipDecompressor>(sink, options);
}

}  // namespace mysql_backup
