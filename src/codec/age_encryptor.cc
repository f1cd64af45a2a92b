#include "codec/age_encryptor.h"

#include <algorithm>
#include <cstring>

#include "codec/age_header.h"
#include "codec/age_x25519.h"

namespace mysql_backup {

Result<std::unique_ptr<AgeEncryptor>> AgeEncryptor::Create(
    const std::vector<age::X25519Recipient>& recipients, ByteSink* sink) {
  if (recipients.empty()) {
    return Status(ErrorKind::kConfiguration, "Cannot encrypt: no age recipient given");
  }
  // The file key lives only here: it wraps into the stanzas, keys the MAC and the payload, and
  // is wiped when this function returns.
  age::Secret<16> file_key;
  if (Status s = age::RandomBytes(file_key.bytes); !s.ok()) return s;
  std::vector<age::Stanza> stanzas;
  for (const age::X25519Recipient& recipient : recipients) {
    Result<age::Stanza> stanza = age::WrapX25519(recipient, file_key);
    if (!stanza.ok()) return stanza.status();
    stanzas.push_back(std::move(*stanza));
  }
  std::string header = age::EncodeHeaderForMac(stanzas);
  age::Bytes32 mac;
  if (Status s = age::ComputeHeaderMac(file_key, header, &mac); !s.ok()) return s;
  header += age::EncodeMacLine(mac);

  std::array<uint8_t, age::kPayloadNonceSize> nonce;
  if (Status s = age::RandomBytes(nonce); !s.ok()) return s;
  header.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  Result<age::StreamCipher> stream = age::StreamCipher::Create(file_key, nonce);
  if (!stream.ok()) return stream.status();
  return std::unique_ptr<AgeEncryptor>(
      new AgeEncryptor(sink, std::move(header), std::move(*stream)));
}

AgeEncryptor::AgeEncryptor(ByteSink* sink, std::string header, age::StreamCipher stream)
    : sink_(sink),
      header_(std::move(header)),
      stream_(std::move(stream)),
      chunk_(age::kSealedChunkSize) {}

Status AgeEncryptor::Write(std::span<const uint8_t> data) {
  if (!error_.ok()) return error_;
  if (finished_) return Fail(Status(ErrorKind::kStorage, "Cannot encrypt: write after finish"));
  if (Status s = WriteHeader(); !s.ok()) return s;
  while (!data.empty()) {
    // A full chunk is sealed only once more data shows it is not the last one: a file whose
    // size is a multiple of 64 KiB ends with a full final chunk, not an empty one.
    if (fill_ == age::kChunkSize) {
      if (Status s = SealChunk(/*last=*/false); !s.ok()) return s;
    }
    size_t n = std::min(age::kChunkSize - fill_, data.size());
    std::memcpy(chunk_.data() + fill_, data.data(), n);
    fill_ += n;
    data = data.subspan(n);
  }
  return Status::Ok();
}

Status AgeEncryptor::Finish() {
  if (!error_.ok()) return error_;
  if (finished_) return Status::Ok();
  if (Status s = WriteHeader(); !s.ok()) return s;
  if (Status s = SealChunk(/*last=*/true); !s.ok()) return s;
  finished_ = true;
  return Status::Ok();
}

Status AgeEncryptor::WriteHeader() {
  if (header_.empty()) return Status::Ok();
  Status s =
      sink_->Write(std::span(reinterpret_cast<const uint8_t*>(header_.data()), header_.size()));
  if (!s.ok()) return Fail(s);
  header_.clear();
  header_.shrink_to_fit();
  return Status::Ok();
}

Status AgeEncryptor::SealChunk(bool last) {
  if (Status s = stream_.Seal(chunk_.data(), fill_, last); !s.ok()) return Fail(s);
  Status s = sink_->Write(std::span<const uint8_t>(chunk_.data(), fill_ + age::kTagSize));
  fill_ = 0;
  if (!s.ok()) return Fail(s);
  return Status::Ok();
}

Status AgeEncryptor::Fail(Status s) {
  error_ = s;
  return s;
}

}  // namespace mysql_backup
