// The restore's spool: its cipher (codec/spool_cipher.h) seals and opens chunks, and refuses a
// chunk that was altered, cut, moved, or sealed under another spool's key; a Spool that spilled to
// disk gives back every byte at any offset, while its file has no name, is 0600, and holds none
// of the plain text; a file changed or cut behind its back is a read error, not wrong bytes.
#include "restore/spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "codec/spool_cipher.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace mysql_backup {
namespace {

using testing::ListFilesRecursively;
using testing::TempDir;

constexpr size_t kTag = SpoolCipher::kTagBytes;
constexpr char kMarker[] = "PLAINTEXT-MARKER-4f1c";

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

// `n` bytes of pseudo-random text with the marker every so often.
std::string SampleText(size_t n, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::string text;
  while (text.size() < n) {
    text += "INSERT INTO `t` VALUES (" + std::to_string(rng()) + ",'" + kMarker + "');\n";
  }
  text.resize(n);
  return text;
}

std::vector<uint8_t> Seal(const SpoolCipher& c, uint64_t index, const std::vector<uint8_t>& plain) {
  std::vector<uint8_t> sealed(plain.size() + kTag);
  EXPECT_TRUE(c.Seal(index, plain, sealed.data()).ok());
  return sealed;
}

Status Open(const SpoolCipher& c, uint64_t index, const std::vector<uint8_t>& sealed,
            std::vector<uint8_t>* plain) {
  plain->assign(sealed.size() >= kTag ? sealed.size() - kTag : 0, 0);
  return c.Open(index, sealed, plain->data());
}

TEST(SpoolCipherTest, RoundTripsChunksOfAnySize) {
  auto c = SpoolCipher::Create();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{65536}, size_t{65537}}) {
    const std::vector<uint8_t> plain = Bytes(SampleText(n));
    const std::vector<uint8_t> sealed = Seal(*c, 7, plain);
    ASSERT_EQ(sealed.size(), n + kTag);
    std::vector<uint8_t> back;
    ASSERT_TRUE(Open(*c, 7, sealed, &back).ok()) << n;
    EXPECT_EQ(back, plain) << n;
  }
}

TEST(SpoolCipherTest, SealedBytesHoldNoPlainText) {
  auto c = SpoolCipher::Create();
  ASSERT_TRUE(c.ok());
  const std::string text = SampleText(65536);
  const std::vector<uint8_t> sealed = Seal(*c, 0, Bytes(text));
  const std::string sealed_text(sealed.begin(), sealed.end());
  EXPECT_EQ(sealed_text.find(kMarker), std::string::npos);
  EXPECT_EQ(sealed_text.find("INSERT"), std::string::npos);
}

TEST(SpoolCipherTest, AnyFlippedBitFailsToOpen) {
  auto c = SpoolCipher::Create();
  ASSERT_TRUE(c.ok());
  const std::vector<uint8_t> sealed = Seal(*c, 3, Bytes(SampleText(4096)));
  // The first byte, one in the middle, the last of the body, one of the tag.
  for (size_t at : {size_t{0}, size_t{2000}, size_t{4095}, size_t{4096 + 5}}) {
    std::vector<uint8_t> bad = sealed;
    bad[at] ^= 0x01;
    std::vector<uint8_t> back;
    Status s = Open(*c, 3, bad, &back);
    ASSERT_FALSE(s.ok()) << at;
    EXPECT_EQ(s.kind(), ErrorKind::kStorage);
    EXPECT_NE(s.message().find("does not authenticate"), std::string::npos) << s.message();
  }
}

TEST(SpoolCipherTest, ACutChunkFailsToOpen) {
  auto c = SpoolCipher::Create();
  ASSERT_TRUE(c.ok());
  const std::vector<uint8_t> sealed = Seal(*c, 0, Bytes(SampleText(4096)));
  for (size_t keep : {sealed.size() - 1, sealed.size() - kTag, size_t{kTag - 1}, size_t{0}}) {
    std::vector<uint8_t> cut(sealed.begin(), sealed.begin() + static_cast<ptrdiff_t>(keep));
    std::vector<uint8_t> back;
    EXPECT_FALSE(Open(*c, 0, cut, &back).ok()) << keep;
  }
}

TEST(SpoolCipherTest, AChunkReadAtAnotherIndexFailsToOpen) {
  auto c = SpoolCipher::Create();
  ASSERT_TRUE(c.ok());
  const std::vector<uint8_t> sealed = Seal(*c, 1, Bytes(SampleText(1000)));
  std::vector<uint8_t> back;
  EXPECT_FALSE(Open(*c, 0, sealed, &back).ok());
  EXPECT_FALSE(Open(*c, 2, sealed, &back).ok());
  EXPECT_FALSE(Open(*c, uint64_t{1} << 32 | 1, sealed, &back).ok());
}

TEST(SpoolCipherTest, EachCipherHasAKeyOfItsOwn) {
  auto a = SpoolCipher::Create();
  auto b = SpoolCipher::Create();
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<uint8_t> plain = Bytes(SampleText(1000));
  const std::vector<uint8_t> sealed = Seal(*a, 0, plain);
  EXPECT_NE(Seal(*b, 0, plain), sealed);
  std::vector<uint8_t> back;
  EXPECT_FALSE(Open(*b, 0, sealed, &back).ok());
}

// The descriptor of this process's file under `dir` (a spool file has no name, so /proc tells),
// or -1.
int OpenSpoolFileOf(const std::string& dir, int flags) {
  DIR* fds = opendir("/proc/self/fd");
  if (fds == nullptr) return -1;
  int found = -1;
  while (dirent* e = readdir(fds)) {
    char target[4096];
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (std::string(target).rfind(dir + "/", 0) == 0) {
      found = open(link.c_str(), flags | O_CLOEXEC);
      break;
    }
  }
  closedir(fds);
  return found;
}

// Reads the whole spool from `offset` in pieces of `piece` bytes.
Result<std::string> ReadFrom(Spool* spool, uint64_t offset, size_t piece) {
  std::string out;
  std::vector<char> buf(piece);
  for (;;) {
    auto n = spool->ReadAt(offset, buf);
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buf.data(), *n);
    offset += *n;
  }
}

class SpoolTest : public ::testing::Test {
 protected:
  // A closed spool of `text_` that spilled after 1000 bytes, appended in uneven pieces.
  void Fill() {
    size_t at = 0, piece = 1;
    while (at < text_.size()) {
      const size_t n = std::min(piece, text_.size() - at);
      ASSERT_TRUE(spool_.Append(std::string_view(text_).substr(at, n)).ok());
      at += n;
      piece = piece * 3 % 100003 + 1;
    }
    spool_.Close();
    ASSERT_TRUE(spool_.spilled());
  }

  TempDir dir_;
  std::string text_ = SampleText(5 * Spool::kChunkBytes + 12345);
  Spool spool_{dir_.path(), 1000};
};

TEST_F(SpoolTest, GivesBackEveryByteFromAnyOffsetAfterSpilling) {
  Fill();
  EXPECT_EQ(spool_.size(), text_.size());
  static const struct {
    uint64_t offset;
    size_t piece;
  } kCases[] = {
      {0, 256 * 1024},                      // the loader's reads
      {Spool::kChunkBytes - 3, 1},          // byte by byte over the first chunk edge
      {Spool::kChunkBytes - 1, 5000},       // pieces across every chunk edge
      {12345, 70000},                       // unaligned pieces larger than a chunk
      {5 * Spool::kChunkBytes, 100},        // only the unsealed tail
      {5 * Spool::kChunkBytes - 10, 4096},  // the last sealed chunk into the tail
  };
  for (const auto& c : kCases) {
    if (c.piece == 1) {
      // A few bytes only: each opens a whole chunk.
      std::string got;
      char b;
      for (uint64_t off = c.offset; off < c.offset + 6; ++off) {
        auto n = spool_.ReadAt(off, {&b, 1});
        ASSERT_TRUE(n.ok() && *n == 1) << off;
        got += b;
      }
      EXPECT_EQ(got, text_.substr(c.offset, 6));
      continue;
    }
    auto got = ReadFrom(&spool_, c.offset, c.piece);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == text_.substr(c.offset)) << c.offset << " by " << c.piece;
  }
}

TEST_F(SpoolTest, AReaderFollowsTheWriterThroughMemoryAndFile) {
  std::string got;
  std::thread reader([&] {
    auto r = ReadFrom(&spool_, 0, 3000);
    if (r.ok()) got = *r;
  });
  Fill();
  reader.join();
  EXPECT_TRUE(got == text_);
}

TEST_F(SpoolTest, TheFileHasNoNameIsPrivateAndHoldsNoPlainText) {
  Fill();
  EXPECT_TRUE(ListFilesRecursively(dir_.path()).empty());
  int fd = OpenSpoolFileOf(dir_.path(), O_RDONLY);
  ASSERT_GE(fd, 0);
  struct stat st;
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_nlink, 0u);
  std::string content(static_cast<size_t>(st.st_size), '\0');
  EXPECT_EQ(pread(fd, content.data(), content.size(), 0), st.st_size);
  close(fd);
  // Five sealed chunks; the partial last one is still in memory.
  EXPECT_EQ(content.size(), 5 * (Spool::kChunkBytes + kTag));
  EXPECT_EQ(content.find(kMarker), std::string::npos);
  EXPECT_EQ(content.find("INSERT"), std::string::npos);
}

TEST_F(SpoolTest, AFileChangedOnDiskIsAReadError) {
  Fill();
  int fd = OpenSpoolFileOf(dir_.path(), O_RDWR);
  ASSERT_GE(fd, 0);
  char b;
  const off_t at = static_cast<off_t>(2 * (Spool::kChunkBytes + kTag) + 100);
  ASSERT_EQ(pread(fd, &b, 1, at), 1);
  b ^= 0x20;
  ASSERT_EQ(pwrite(fd, &b, 1, at), 1);
  close(fd);
  // Chunks before the changed one still read; the changed one does not.
  auto first = ReadFrom(&spool_, 0, 2 * Spool::kChunkBytes);
  ASSERT_FALSE(first.ok());
  std::vector<char> buf(Spool::kChunkBytes);
  EXPECT_TRUE(spool_.ReadAt(0, buf).ok());
  auto n = spool_.ReadAt(2 * Spool::kChunkBytes, buf);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().kind(), ErrorKind::kStorage);
  const std::string message = n.status().ToString();
  EXPECT_NE(message.find("chunk 2 of the spool file does not authenticate"), std::string::npos)
      << message;
  EXPECT_NE(message.find("'" + dir_.path() + "'"), std::string::npos) << message;
}

TEST_F(SpoolTest, AFileCutShortIsAReadError) {
  Fill();
  int fd = OpenSpoolFileOf(dir_.path(), O_RDWR);
  ASSERT_GE(fd, 0);
  // Into the middle of chunk 3, then exactly at the start of chunk 3.
  for (off_t size : {static_cast<off_t>(3 * (Spool::kChunkBytes + kTag) + 500),
                     static_cast<off_t>(3 * (Spool::kChunkBytes + kTag))}) {
    ASSERT_EQ(ftruncate(fd, size), 0);
    std::vector<char> buf(Spool::kChunkBytes);
    auto n = spool_.ReadAt(3 * Spool::kChunkBytes, buf);
    ASSERT_FALSE(n.ok()) << size;
    EXPECT_EQ(n.status().kind(), ErrorKind::kStorage);
    EXPECT_NE(n.status().ToString().find("cut short"), std::string::npos) << n.status().ToString();
  }
  close(fd);
}

}  // namespace
}  // namespace mysql_backup
