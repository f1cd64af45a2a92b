// The read-back beside the dump: what it returns is the SHA-256 of the bytes the file gives back,
// equal to what was written whatever the size and the cut of the writes, and a byte changed or
// lost on disk behind the writer shows as another digest or an error, never as a match.
#include "dump/read_back.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "codec/sha256.h"
#include "storage/atomic_file.h"
#include "storage/dir_fd.h"

namespace mysql_backup {
namespace {

namespace fs = std::filesystem;

class ReadBackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/read-back-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directory(root_ + "/.tmp");
    fs::create_directory(root_ + "/daily");
    auto work = OpenTopDirectory(root_ + "/.tmp");
    auto daily = OpenTopDirectory(root_ + "/daily");
    ASSERT_TRUE(work.ok() && daily.ok());
    work_ = std::move(*work);
    daily_ = std::move(*daily);
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::vector<uint8_t> Pattern(size_t n) {
    std::vector<uint8_t> data(n);
    uint32_t x = 2463534242u;
    for (auto& b : data) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      b = static_cast<uint8_t>(x);
    }
    return data;
  }
  static std::string Digest(const std::vector<uint8_t>& data) {
    Sha256 sha;
    sha.Update(data);
    return sha.FinishHex();
  }

  // Writes `data` in `chunk`-sized writes beside a read-back; `meddle` runs on the file's path
  // after the last write, before the commit. Without `report_progress` the thread is told
  // nothing before Finish(), so it reads every byte after `meddle`.
  Result<ReadBackResult> WriteAndReadBack(
      const std::vector<uint8_t>& data, size_t chunk,
      const std::function<void(const std::string&)>& meddle = nullptr,
      bool report_progress = true) {
    auto file = AtomicFile::Create(work_, daily_, "x-daily-20240101T000000Z.sql.gz");
    if (!file.ok()) return file.status();
    auto fd = file->OpenForReading();
    if (!fd.ok()) return fd.status();
    auto read_back = ReadBack::Start(std::move(*fd), file->final_path());
    if (!read_back.ok()) return read_back.status();
    for (size_t at = 0; at < data.size(); at += chunk) {
      size_t n = std::min(chunk, data.size() - at);
      Status s = file->Write({data.data() + at, n});
      if (!s.ok()) return s;
      if (report_progress) (*read_back)->Written(file->bytes_written());
    }
    if (meddle) meddle(file->temp_path());
    Status s = file->Commit();
    if (!s.ok()) return s;
    return (*read_back)->Finish(data.size());
  }

  // A fresh final folder, so the next file may take the same name.
  void EmptyDailyFolder() {
    fs::remove_all(root_ + "/daily");
    fs::create_directory(root_ + "/daily");
    auto daily = OpenTopDirectory(root_ + "/daily");
    ASSERT_TRUE(daily.ok());
    daily_ = std::move(*daily);
  }

  std::string root_;
  DirFd work_;
  DirFd daily_;
};

TEST_F(ReadBackTest, EverySizeReadsBackAsWritten) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{kReadBackRegion - 1}, size_t{kReadBackRegion},
                      size_t{kReadBackRegion + 1}, size_t{3 * kReadBackRegion + 12345}}) {
    for (size_t chunk : {size_t{4096}, size_t{1000003}}) {
      std::vector<uint8_t> data = Pattern(size);
      auto got = WriteAndReadBack(data, chunk);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->bytes, size) << size << " in chunks of " << chunk;
      EXPECT_EQ(got->sha256, Digest(data)) << size << " in chunks of " << chunk;
      ASSERT_NO_FATAL_FAILURE(EmptyDailyFolder());
    }
  }
}

// The one fault no real part can make on demand: a byte on disk that differs from the one
// written, at an exact offset (first region, a middle one, the last byte).
TEST_F(ReadBackTest, AByteChangedOnDiskGivesAnotherDigest) {
  std::vector<uint8_t> data = Pattern(2 * kReadBackRegion + 777);
  for (uint64_t offset : {uint64_t{5}, uint64_t{kReadBackRegion + 3}, uint64_t{data.size() - 1}}) {
    auto flip = [&](const std::string& path) {
      int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
      ASSERT_GE(fd, 0);
      const uint8_t flipped = static_cast<uint8_t>(data[offset] ^ 0x40);
      ASSERT_EQ(pwrite(fd, &flipped, 1, static_cast<off_t>(offset)), 1);
      close(fd);
    };
    auto got = WriteAndReadBack(data, 65536, flip, /*report_progress=*/false);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->bytes, data.size());
    EXPECT_NE(got->sha256, Digest(data)) << "changed at " << offset;
    ASSERT_NO_FATAL_FAILURE(EmptyDailyFolder());
  }
}

TEST_F(ReadBackTest, AFileCutShortIsAnIntegrityError) {
  std::vector<uint8_t> data = Pattern(kReadBackRegion + 5000);
  auto got = WriteAndReadBack(
      data, 65536,
      [&](const std::string& path) {
        ASSERT_EQ(truncate(path.c_str(), static_cast<off_t>(kReadBackRegion + 100)), 0);
      },
      /*report_progress=*/false);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().exit_code(), 65);
  EXPECT_NE(got.status().message().find("reads back only"), std::string::npos)
      << got.status().message();
}

TEST_F(ReadBackTest, AnAbandonedReadBackStopsWithoutFinish) {
  auto file = AtomicFile::Create(work_, daily_, "x-daily-20240101T000000Z.sql.gz");
  ASSERT_TRUE(file.ok());
  auto fd = file->OpenForReading();
  ASSERT_TRUE(fd.ok());
  auto read_back = ReadBack::Start(std::move(*fd), file->final_path());
  ASSERT_TRUE(read_back.ok());
  std::vector<uint8_t> data = Pattern(kReadBackRegion + 1);
  ASSERT_TRUE(file->Write(data).ok());
  (*read_back)->Written(data.size());
  read_back->reset();  // joins; a hang here fails the test by its timeout
}

}  // namespace
}  // namespace mysql_backup
