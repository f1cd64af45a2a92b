// The age stage pair: what AgeEncryptor writes AgeDecryptor reads back, and every way of
// damaging a file is refused as an integrity error naming the file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/age_decryptor.h"
#include "codec/age_encryptor.h"
#include "codec/age_header.h"
#include "codec/age_stream.h"
#include "support/string_sink.h"

namespace mysql_backup {
namespace {

using ::mysql_backup::testing::StringSink;

std::span<const uint8_t> Bytes(const std::string& s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

age::X25519Identity NewIdentity() {
  Result<age::X25519Identity> id = age::GenerateIdentity();
  EXPECT_TRUE(id.ok());
  return *id;
}

// Encrypts `plain` in writes of `step` bytes.
std::string Encrypt(const std::string& plain, const std::vector<age::X25519Recipient>& to,
                    size_t step = 100000) {
  StringSink sink;
  Result<std::unique_ptr<AgeEncryptor>> enc = AgeEncryptor::Create(to, &sink);
  EXPECT_TRUE(enc.ok()) << enc.status().message();
  for (size_t pos = 0; pos < plain.size(); pos += step) {
    EXPECT_TRUE((*enc)->Write(Bytes(plain.substr(pos, step))).ok());
  }
  EXPECT_TRUE((*enc)->Finish().ok());
  return sink.text;
}

struct Decrypted {
  Status status;
  AgeFailure failure;
  std::string plain;
};

Decrypted Decrypt(const std::string& file, const std::vector<age::X25519Identity>& ids,
                  size_t step = 100000) {
  StringSink sink;
  AgeDecryptor dec(ids, &sink, "x.sql.gz.age");
  Status s;
  for (size_t pos = 0; pos < file.size() && s.ok(); pos += step) {
    s = dec.Write(Bytes(file.substr(pos, step)));
  }
  if (s.ok()) s = dec.Finish();
  return {s, dec.failure(), sink.text};
}

size_t HeaderSize(const std::string& file) { return file.find("\n---") + 49; }

TEST(AgeCodecTest, RoundTripsAcrossChunkBoundariesInAnyWriteSize) {
  age::X25519Identity id = NewIdentity();
  for (size_t size : {size_t{0}, size_t{1}, age::kChunkSize - 1, age::kChunkSize,
                      age::kChunkSize + 1, 3 * age::kChunkSize + 7}) {
    for (size_t step : {size_t{1000}, size_t{65536}, size_t{1} << 20}) {
      SCOPED_TRACE(std::to_string(size) + " bytes in writes of " + std::to_string(step));
      std::string plain = Pattern(size);
      std::string file = Encrypt(plain, {id.recipient}, step);
      // Chunks: ceil(size / 64 KiB), at least one; a multiple of 64 KiB ends with a full chunk.
      size_t chunks = size == 0 ? 1 : (size + age::kChunkSize - 1) / age::kChunkSize;
      EXPECT_EQ(file.size(), HeaderSize(file) + 16 + size + 16 * chunks);
      for (size_t read_step : {size_t{1}, size_t{4096}, size_t{1} << 20}) {
        if (read_step == 1 && size > 70000) continue;
        Decrypted d = Decrypt(file, {id}, read_step);
        ASSERT_TRUE(d.status.ok()) << d.status.ToString();
        EXPECT_TRUE(d.plain == plain);
      }
    }
  }
}

TEST(AgeCodecTest, EveryRecipientCanDecryptAndOthersCannot) {
  std::vector<age::X25519Identity> ids = {NewIdentity(), NewIdentity(), NewIdentity()};
  std::string plain = Pattern(200000);
  std::string file = Encrypt(plain, {ids[0].recipient, ids[1].recipient, ids[2].recipient});
  for (const age::X25519Identity& id : ids) {
    Decrypted d = Decrypt(file, {id});
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    EXPECT_TRUE(d.plain == plain);
  }
  Decrypted d = Decrypt(file, {NewIdentity(), ids[2]});  // any one of several identities
  EXPECT_TRUE(d.status.ok()) << d.status.ToString();

  d = Decrypt(file, {NewIdentity()});
  EXPECT_EQ(d.status.kind(), ErrorKind::kIntegrity);
  EXPECT_EQ(d.failure, AgeFailure::kNoMatch);
  EXPECT_TRUE(d.plain.empty());
  EXPECT_EQ(d.status.message(),
            "'x.sql.gz.age': no given identity can decrypt this age file: it was encrypted to "
            "other keys (3 X25519 recipient(s), 0 of other types); use the identity file that "
            "matches the recipients");
}

TEST(AgeCodecTest, AFlippedByteAnywhereIsAnIntegrityError) {
  age::X25519Identity id = NewIdentity();
  std::string plain = Pattern(2 * age::kChunkSize + 100);
  std::string file = Encrypt(plain, {id.recipient});
  size_t header = HeaderSize(file);
  for (size_t pos = 0; pos < file.size(); pos += (pos < header + 16 ? 1 : 997)) {
    std::string bad = file;
    bad[pos] ^= 0x01;
    Decrypted d = Decrypt(bad, {id});
    ASSERT_FALSE(d.status.ok()) << "flipped byte " << pos;
    EXPECT_EQ(d.status.kind(), ErrorKind::kIntegrity) << pos;
    EXPECT_TRUE(d.status.message().starts_with("'x.sql.gz.age': ")) << d.status.message();
    // Nothing unauthenticated is released: what came out is a prefix of whole chunks.
    EXPECT_EQ(d.plain.size() % age::kChunkSize, 0u);
    EXPECT_TRUE(plain.starts_with(d.plain));
  }
}

TEST(AgeCodecTest, HeaderMacMismatchSaysWrongFileOrCorruptedHeader) {
  age::X25519Identity id = NewIdentity();
  std::string file = Encrypt("data", {id.recipient});
  // A change the parser accepts but the MAC covers: a stanza of an unknown type added.
  std::string bad = file;
  bad.insert(bad.find("---"), "-> grease x\n\n");
  Decrypted d = Decrypt(bad, {id});
  EXPECT_EQ(d.failure, AgeFailure::kHeaderMac);
  EXPECT_EQ(d.status.message(),
            "'x.sql.gz.age': the age header MAC does not match: wrong file or corrupted header");
}

TEST(AgeCodecTest, TruncationAtAnyPointIsAnIntegrityError) {
  age::X25519Identity id = NewIdentity();
  std::string plain = Pattern(2 * age::kChunkSize);
  std::string file = Encrypt(plain, {id.recipient});
  size_t header = HeaderSize(file);
  std::vector<size_t> cuts = {0,
                              5,
                              30,
                              header - 1,
                              header,
                              header + 15,
                              header + 16,
                              header + 17,
                              header + 16 + age::kSealedChunkSize,
                              header + 16 + age::kSealedChunkSize + 1,
                              file.size() - 1};
  for (size_t cut : cuts) {
    Decrypted d = Decrypt(file.substr(0, cut), {id});
    ASSERT_FALSE(d.status.ok()) << "cut at " << cut;
    EXPECT_EQ(d.status.kind(), ErrorKind::kIntegrity);
    EXPECT_TRUE(plain.starts_with(d.plain));
  }
  // Cut exactly after a full middle chunk: the chunk is genuine (and released), the end is not.
  Decrypted d = Decrypt(file.substr(0, header + 16 + age::kSealedChunkSize), {id});
  EXPECT_EQ(d.status.message(),
            "'x.sql.gz.age': the age file is truncated: it ends after chunk 1 "
            "without a final chunk");
  EXPECT_EQ(d.plain.size(), age::kChunkSize);
  EXPECT_EQ(Decrypt("", {id}).status.message(),
            "'x.sql.gz.age': the file is empty, not an age file");
  EXPECT_EQ(Decrypt(file.substr(0, header + 3), {id}).status.message(),
            "'x.sql.gz.age': the age file is truncated: it ends before the payload nonce");
}

TEST(AgeCodecTest, DataAfterTheFinalChunkIsRefused) {
  age::X25519Identity id = NewIdentity();
  for (size_t size : {size_t{10}, age::kChunkSize}) {
    std::string plain = Pattern(size);
    std::string file = Encrypt(plain, {id.recipient});
    for (const std::string& extra : {std::string(1, '\0'), std::string(100000, 'x')}) {
      Decrypted d = Decrypt(file + extra, {id});
      ASSERT_FALSE(d.status.ok());
      EXPECT_EQ(d.failure, AgeFailure::kPayload);
      // A full final chunk is genuine and released (as age does) before the error; a short one
      // cannot be told from its garbage.
      EXPECT_TRUE(size == age::kChunkSize ? d.plain == plain : d.plain.empty());
    }
  }
  std::string full = Encrypt(Pattern(age::kChunkSize), {id.recipient});
  EXPECT_EQ(Decrypt(full + "x", {id}).status.message(),
            "'x.sql.gz.age': there is data after the final chunk of the age file (chunk 1)");
}

TEST(AgeCodecTest, NotAnAgeFileIsSaidAtOnce) {
  Decrypted d = Decrypt("\x1f\x8b\x08 gzip data", {NewIdentity()});
  EXPECT_EQ(d.failure, AgeFailure::kHeader);
  EXPECT_EQ(d.status.message(),
            "'x.sql.gz.age': not an age encrypted file (it does not start "
            "with 'age-encryption.org/v1')");
}

TEST(AgeCodecTest, NoRecipientsIsAConfigurationError) {
  StringSink sink;
  Result<std::unique_ptr<AgeEncryptor>> enc = AgeEncryptor::Create({}, &sink);
  ASSERT_FALSE(enc.ok());
  EXPECT_EQ(enc.status().kind(), ErrorKind::kConfiguration);
}

TEST(AgeCodecTest, SinkErrorsArePassedOnAndSticky) {
  class FailingSink : public ByteSink {
   public:
    Status Write(std::span<const uint8_t>) override {
      return Status(ErrorKind::kStorage, "disk full");
    }
  } sink;
  age::X25519Identity id = NewIdentity();
  Result<std::unique_ptr<AgeEncryptor>> enc = AgeEncryptor::Create({id.recipient}, &sink);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ((*enc)->Write(Bytes("abc")).message(), "disk full");
  EXPECT_EQ((*enc)->Finish().message(), "disk full");

  std::string file = Encrypt("abc", {id.recipient});
  AgeDecryptor dec({id}, &sink, "f");
  EXPECT_TRUE(dec.Write(Bytes(file)).ok());
  EXPECT_EQ(dec.Finish().message(), "disk full");
  EXPECT_EQ(dec.Finish().kind(), ErrorKind::kStorage);
}

}  // namespace
}  // namespace mysql_backup
