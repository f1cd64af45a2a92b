#include "codec/age_decryptor.h"

#include <algorithm>
#include <cstring>

#include "codec/age_header.h"
#include "codec/age_x25519.h"

namespace mysql_backup {
namespace {

// Far above any real header (a stanza is ~120 bytes), and it keeps a file that is not age from
// being read into memory whole.
constexpr size_t kMaxHeaderSize = 1024 * 1024;

}  // namespace

AgeDecryptor::AgeDecryptor(std::vector<age::X25519Identity> identities, ByteSink* sink,
                           std::string name)
    : identities_(std::move(identities)), sink_(sink), name_(std::move(name)) {}

Status AgeDecryptor::Write(std::span<const uint8_t> data) {
  if (!error_.ok()) return error_;
  if (state_ == State::kHeader) {
    if (Status s = ReadHeader(&data); !s.ok()) return s;
  }
  if (state_ == State::kNonce && !data.empty()) {
    size_t n = std::min(nonce_.size() - nonce_fill_, data.size());
    std::memcpy(nonce_.data() + nonce_fill_, data.data(), n);
    nonce_fill_ += n;
    data = data.subspan(n);
    if (nonce_fill_ == nonce_.size()) {
      Result<age::StreamCipher> stream = age::StreamCipher::Create(*file_key_, nonce_);
      file_key_.reset();  // the stream keys everything from here on
      if (!stream.ok()) return error_ = stream.status();
      stream_.emplace(std::move(*stream));
      sealed_.resize(age::kSealedChunkSize);
      opened_.resize(age::kChunkSize);
      state_ = State::kPayload;
    }
  }
  while (!data.empty()) {
    if (state_ == State::kDone) {
      return Fail(AgeFailure::kPayload, "data after the end of the age file");
    }
    // A full chunk is opened once more data shows that it is not the last one.
    if (fill_ == sealed_.size()) {
      if (Status s = OpenChunk(/*at_end=*/false); !s.ok()) return s;
    }
    size_t n = std::min(sealed_.size() - fill_, data.size());
    std::memcpy(sealed_.data() + fill_, data.data(), n);
    fill_ += n;
    data = data.subspan(n);
  }
  return Status::Ok();
}

Status AgeDecryptor::Finish() {
  if (!error_.ok()) return error_;
  switch (state_) {
    case State::kHeader:
      return Fail(AgeFailure::kHeader,
                  header_.empty() ? "the file is empty, not an age file"
                                  : "the age file is truncated: it ends inside the header");
    case State::kNonce:
      return Fail(AgeFailure::kHeader,
                  "the age file is truncated: it ends before the payload nonce");
    case State::kPayload:
      return OpenChunk(/*at_end=*/true);
    case State::kDone:
      return Status::Ok();
  }
  return Status::Ok();
}

Status AgeDecryptor::ReadHeader(std::span<const uint8_t>* data) {
  size_t room = kMaxHeaderSize - header_.size();
  size_t take = std::min(room, data->size());
  header_.append(reinterpret_cast<const char*>(data->data()), take);
  *data = data->subspan(take);
  // Say "not an age file" at once for anything else, rather than after reading 1 MiB of it.
  std::string_view expected = age::kVersionLine;
  size_t n = std::min(header_.size(), expected.size());
  if (std::string_view(header_).substr(0, n) != expected.substr(0, n)) {
    return Fail(AgeFailure::kHeader, "not an age encrypted file (it does not start with '" +
                                         std::string(expected) + "')");
  }
  size_t end = 0;
  for (size_t nl; (nl = header_.find('\n', line_start_)) != std::string::npos;) {
    bool mac_line = std::string_view(header_).substr(line_start_, 3) == "---";
    line_start_ = nl + 1;
    if (mac_line) {
      end = line_start_;
      break;
    }
  }
  if (end == 0) {
    if (header_.size() == kMaxHeaderSize) {
      return Fail(AgeFailure::kHeader,
                  "the age header is longer than 1 MiB: the file is corrupted");
    }
    return Status::Ok();
  }
  if (Status s = OpenHeader(std::string_view(header_).substr(0, end)); !s.ok()) return s;
  // What came after the header in this Write belongs to the payload: hand it back in front of
  // the rest. It is at most one Write's worth, so it goes through the nonce/chunk path below.
  std::string after = header_.substr(end);
  header_.clear();
  header_.shrink_to_fit();
  state_ = State::kNonce;
  if (!after.empty()) {
    if (Status s = Write(std::span(reinterpret_cast<const uint8_t*>(after.data()), after.size()));
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Status AgeDecryptor::OpenHeader(std::string_view text) {
  Result<age::Header> header = age::ParseHeader(text);
  if (!header.ok()) {
    return Fail(AgeFailure::kHeader, "the age header is malformed: " + header.status().message());
  }
  // As age does: each identity tries each X25519 stanza in order; a malformed stanza met on the
  // way is fatal, and the first that opens gives the file key.
  age::Secret<16> file_key;
  bool found = false;
  size_t x25519_stanzas = 0;
  for (const age::X25519Identity& identity : identities_) {
    for (const age::Stanza& stanza : header->stanzas) {
      if (stanza.type != age::kX25519StanzaType) continue;
      Result<bool> opened = age::UnwrapX25519(stanza, identity, &file_key);
      if (!opened.ok()) {
        if (opened.status().kind() != ErrorKind::kIntegrity) return error_ = opened.status();
        return Fail(AgeFailure::kHeader,
                    "the age header is malformed: " + opened.status().message());
      }
      if (*opened) {
        found = true;
        break;
      }
    }
    if (found) break;
  }
  if (!found) {
    for (const age::Stanza& stanza : header->stanzas) {
      x25519_stanzas += stanza.type == age::kX25519StanzaType;
    }
    return Fail(AgeFailure::kNoMatch,
                "no given identity can decrypt this age file: it was encrypted to other keys (" +
                    std::to_string(x25519_stanzas) + " X25519 recipient(s), " +
                    std::to_string(header->stanzas.size() - x25519_stanzas) +
                    " of other types); use the identity file that matches the recipients");
  }
  age::Bytes32 mac;
  if (Status s = age::ComputeHeaderMac(file_key, text.substr(0, header->mac_input_size), &mac);
      !s.ok()) {
    return error_ = s;
  }
  if (CRYPTO_memcmp(mac.data(), header->mac.data(), mac.size()) != 0) {
    return Fail(AgeFailure::kHeaderMac,
                "the age header MAC does not match: wrong file or corrupted header");
  }
  file_key_ = file_key;
  return Status::Ok();
}

// Opens the buffered chunk: a full one with more data behind it (not the last), or whatever is
// buffered when the input ends (must be the last).
Status AgeDecryptor::OpenChunk(bool at_end) {
  std::span<const uint8_t> sealed(sealed_.data(), fill_);
  std::string which = "chunk " + std::to_string(stream_->index() + 1);
  if (at_end) {
    if (fill_ == 0) {
      return Fail(AgeFailure::kPayload, "the age file is truncated: it has no payload");
    }
    if (fill_ < age::kTagSize) {
      return Fail(AgeFailure::kPayload, "the age file is truncated: " + which + " is cut short");
    }
    if (fill_ == age::kTagSize && stream_->index() > 0) {
      return Fail(AgeFailure::kPayload,
                  "the age payload ends with an empty chunk after full ones, which the format "
                  "forbids: the file was altered or not written by age");
    }
  }
  Result<bool> opened = stream_->Open(sealed, /*last=*/at_end, opened_.data());
  if (!opened.ok()) return error_ = opened.status();
  bool misplaced_end = false;
  if (!*opened && fill_ == sealed_.size()) {
    // A full chunk that failed: try it with the other "last" flag, to tell a cut or extended
    // file from a corrupted one. Either way the chunk is genuine and is released before the
    // error, as age does (the CCTV vectors check the plaintext released before a failure).
    Result<bool> other = stream_->Open(sealed, /*last=*/!at_end, opened_.data());
    if (!other.ok()) return error_ = other.status();
    if (*other) {
      opened = true;
      misplaced_end = true;
    }
  }
  if (!*opened) {
    return Fail(AgeFailure::kPayload, "the age payload does not authenticate at " + which +
                                          ": the file is corrupted or truncated");
  }
  size_t plain = fill_ - age::kTagSize;
  fill_ = 0;
  stream_->Next();
  if (Status s = sink_->Write(std::span<const uint8_t>(opened_.data(), plain)); !s.ok()) {
    return FailSink(s);
  }
  if (misplaced_end && at_end) {
    return Fail(AgeFailure::kPayload,
                "the age file is truncated: it ends after " + which + " without a final chunk");
  }
  if (misplaced_end) {
    return Fail(AgeFailure::kPayload,
                "there is data after the final chunk of the age file (" + which + ")");
  }
  if (at_end) state_ = State::kDone;
  return Status::Ok();
}

Status AgeDecryptor::Fail(AgeFailure failure, std::string message) {
  failure_ = failure;
  if (!name_.empty()) message = "'" + name_ + "': " + message;
  error_ = Status(ErrorKind::kIntegrity, std::move(message));
  return error_;
}

Status AgeDecryptor::FailSink(Status s) {
  error_ = s;
  return s;
}

}  // namespace mysql_backup
