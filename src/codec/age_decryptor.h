// The decrypting stage: an age file (age-encryption.org/v1, X25519 stanzas) in, plaintext out
// to a downstream ByteSink, with one 64 KiB chunk (sealed, and opened) of memory. A chunk
// reaches the sink only after it authenticates; a failure can still come after earlier chunks
// were written, so a consumer must treat the output as void unless Finish() succeeds.
//
// Strict, as the spec asks. Every failure is kIntegrity, with the file named first:
//   - the header: not an age file, a malformed or non-canonical header, a malformed X25519
//     stanza, or a share giving the all-zero shared secret;
//   - no identity opens any X25519 stanza (stanzas of other types are skipped);
//   - the header MAC does not match;
//   - the payload: a chunk that does not authenticate, a file cut before or inside its final
//     chunk, an empty final chunk after full ones, data after the final chunk.
// Threading as for Decompressor (codec/compressor.h); errors are sticky.
#ifndef MYSQL_BACKUP_CODEC_AGE_DECRYPTOR_H_
#define MYSQL_BACKUP_CODEC_AGE_DECRYPTOR_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codec/age_keys.h"
#include "codec/age_stream.h"
#include "codec/compressor.h"
#include "util/status.h"

namespace mysql_backup {

// Which check failed; the CCTV test vectors tell these apart, and so can a caller.
enum class AgeFailure { kNone, kHeader, kNoMatch, kHeaderMac, kPayload };

class AgeDecryptor final : public ByteSink {
 public:
  // `name` (the file, as the user knows it) starts every message: "'x.sql.gz.age': ...".
  AgeDecryptor(std::vector<age::X25519Identity> identities, ByteSink* sink, std::string name);

  Status Write(std::span<const uint8_t> data) override;
  // Ends the input: opens the last chunk, or fails when the file was cut short.
  Status Finish();
  AgeFailure failure() const { return failure_; }

 private:
  enum class State { kHeader, kNonce, kPayload, kDone };

  Status ReadHeader(std::span<const uint8_t>* data);
  Status OpenHeader(std::string_view header);
  Status OpenChunk(bool at_end);
  Status Fail(AgeFailure failure, std::string message);
  Status FailSink(Status s);

  std::vector<age::X25519Identity> identities_;
  ByteSink* sink_;
  std::string name_;
  State state_ = State::kHeader;
  std::string header_;
  size_t line_start_ = 0;  // where the header's first unfinished line starts
  std::array<uint8_t, age::kPayloadNonceSize> nonce_{};
  size_t nonce_fill_ = 0;
  std::optional<age::Secret<16>> file_key_;
  std::optional<age::StreamCipher> stream_;
  std::vector<uint8_t> sealed_;  // one sealed chunk, filled from the input
  size_t fill_ = 0;
  std::vector<uint8_t> opened_;  // its plaintext
  AgeFailure failure_ = AgeFailure::kNone;
  Status error_;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_AGE_DECRYPTOR_H_
