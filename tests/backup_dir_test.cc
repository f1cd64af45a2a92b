// backup_dir belongs to the service user, so everything below it is treated as hostile: links
// are refused (never followed, never created through), only our own temp names are removed from
// .tmp/, and a checksum file that is a FIFO, a link to /dev/zero, too large or unreadable is
// reported (65, or 74 when it cannot be read) instead of hanging the run or filling its memory.
// Runs as any user; the cases that need another user (unreadable file) skip unless root.
#include "storage/backup_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "dump/verify.h"
#include "storage/atomic_file.h"
#include "storage/lock.h"

namespace mysql_backup {
namespace {

namespace fs = std::filesystem;

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "backup-dir-test.XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempFolder() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void Write(const std::string& path, const std::string& content) {
  std::ofstream(path) << content;
}

std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// backup_dir with a victim folder beside it: a link below backup_dir points there.
class BackupDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp_.path().empty());
    backup_dir_ = tmp_ / "backups";
    victim_ = tmp_ / "victim";
    fs::create_directories(backup_dir_);
    fs::create_directories(victim_);
    Write(victim_ + "/file1", "precious\n");
    Write(victim_ + "/shop-daily-20240101T000000Z.sql.gz", "looks like ours\n");
    Write(victim_ + "/shop-daily-20240101T000000Z.sql.gz.1234.partial", "looks like debris\n");
  }
  std::set<std::string> VictimFiles() const { return Names(victim_); }
  const std::set<std::string> kVictimFiles = {"file1", "shop-daily-20240101T000000Z.sql.gz",
                                              "shop-daily-20240101T000000Z.sql.gz.1234.partial"};

  TempFolder tmp_;
  std::string backup_dir_;
  std::string victim_;
};

TEST(AtomicFileTempNameTest, OnlyOurTempNamesAreRecognised) {
  static const struct {
    const char* name;
    bool ours;
  } kCases[] = {
      {"shop-daily-20261127T000003Z.sql.gz.4711.partial", true},
      {"shop-daily-20261127T000003Z.sql.zst.1.partial", true},
      {"shop-daily-20261127T000003Z.sql.gz.sha256.4711.partial", true},
      {"my-shop-weekly-20261127T000003Z.sql.gz.99999999.partial", true},
      {"shop-daily-20261127T000003Z.sql.gz.partial", false},  // no pid
      {"shop-daily-20261127T000003Z.sql.gz.47a1.partial", false},
      {"shop-daily-20261127T000003Z.sql.gz.4711", false},
      {"file1", false},
      {"notes.4711.partial", false},
      {".4711.partial", false},
      {"shop-daily-garbage.sql.gz.4711.partial", false},
      {"shop-daily-20261127T000003Z.sql.gz.sha256.sha256.4711.partial", false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(IsAtomicFileTempName(c.name), c.ours) << c.name;
  }
  EXPECT_TRUE(IsAtomicFileTempName(AtomicFileTempName("shop-daily-20261127T000003Z.sql.gz", 42)));
}

TEST_F(BackupDirTest, LinkedTmpIsRefusedAndNothingInItsTargetIsRemoved) {
  fs::create_directory_symlink(victim_, backup_dir_ + "/.tmp");
  auto dir = BackupDirectory::Open(backup_dir_);
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  auto removed = dir->ClearWorkFolder();
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.status().exit_code(), 74);
  EXPECT_EQ(removed.status().message(),
            "'" + backup_dir_ +
                "/.tmp' is a symbolic link; mysql-backup does not follow links inside backup_dir; "
                "remove it");
  auto work = dir->WorkFolder(/*create=*/true);
  EXPECT_FALSE(work.ok());
  EXPECT_EQ(VictimFiles(), kVictimFiles);
}

TEST_F(BackupDirTest, TmpDebrisRemovalTakesOnlyOurTempNames) {
  std::string tmp = backup_dir_ + "/.tmp";
  fs::create_directory(tmp);
  Write(tmp + "/shop-daily-20240101T000000Z.sql.gz.4711.partial", "half a dump");
  Write(tmp + "/shop-daily-20240101T000000Z.sql.gz.sha256.4711.partial", "half a sum");
  Write(tmp + "/notes.txt", "someone's notes");
  Write(tmp + "/shop-daily-20240101T000000Z.sql.gz", "not a temp name");
  fs::create_directory(tmp + "/shop-daily-20240102T000000Z.sql.gz.1.partial");  // a folder
  // A link with our temp name is removed itself; its target stays.
  fs::create_symlink(victim_ + "/file1", tmp + "/shop-daily-20240103T000000Z.sql.gz.2.partial");
  auto dir = BackupDirectory::Open(backup_dir_);
  ASSERT_TRUE(dir.ok());
  auto removed = dir->ClearWorkFolder();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(std::set<std::string>(removed->begin(), removed->end()),
            (std::set<std::string>{"shop-daily-20240101T000000Z.sql.gz.4711.partial",
                                   "shop-daily-20240101T000000Z.sql.gz.sha256.4711.partial",
                                   "shop-daily-20240103T000000Z.sql.gz.2.partial"}));
  EXPECT_EQ(Names(tmp), (std::set<std::string>{"notes.txt", "shop-daily-20240101T000000Z.sql.gz",
                                               "shop-daily-20240102T000000Z.sql.gz.1.partial"}));
  EXPECT_EQ(VictimFiles(), kVictimFiles);
}

TEST_F(BackupDirTest, LinkedTypeFolderIsRefusedForListingAndWriting) {
  fs::create_directory_symlink(victim_, backup_dir_ + "/daily");
  auto dir = BackupDirectory::Open(backup_dir_);
  ASSERT_TRUE(dir.ok());
  auto listed = dir->ListBackups();
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().exit_code(), 74);
  EXPECT_TRUE(Contains(listed.status().message(), "'" + backup_dir_ + "/daily' is a symbolic link"))
      << listed.status().message();
  EXPECT_FALSE(dir->TypeFolder(BackupType::kDaily, /*create=*/true).ok());
  EXPECT_EQ(VictimFiles(), kVictimFiles);
}

TEST_F(BackupDirTest, AFileWhereAFolderBelongsIsRefusedSayingWhatItIs) {
  mkfifo((backup_dir_ + "/weekly").c_str(), 0600);
  auto dir = BackupDirectory::Open(backup_dir_);
  ASSERT_TRUE(dir.ok());
  auto folder = dir->TypeFolder(BackupType::kWeekly, /*create=*/true);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().exit_code(), 74);
  EXPECT_TRUE(Contains(folder.status().message(), "is a FIFO, not a directory"))
      << folder.status().message();
}

TEST_F(BackupDirTest, OnlyRegularFilesAreBackups) {
  fs::create_directory(backup_dir_ + "/daily");
  std::string d = backup_dir_ + "/daily/";
  Write(d + "shop-daily-20240105T000000Z.sql.gz", "a backup");
  mkfifo((d + "shop-daily-20240104T000000Z.sql.gz").c_str(), 0600);
  fs::create_symlink(victim_ + "/file1", d + "shop-daily-20240103T000000Z.sql.gz");
  fs::create_directory(d + "shop-daily-20240102T000000Z.sql.gz");
  auto listed = ListBackups(backup_dir_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].file_name, "shop-daily-20240105T000000Z.sql.gz");
}

TEST_F(BackupDirTest, DanglingLockLinkIsRefusedAndItsTargetNeverCreated) {
  std::string target = victim_ + "/created-by-root";
  fs::create_symlink(target, backup_dir_ + "/.lock");
  auto dir = BackupDirectory::Open(backup_dir_);
  ASSERT_TRUE(dir.ok());
  for (LockMode mode : {LockMode::kExclusive, LockMode::kShared}) {
    auto lock = DirectoryLock::Acquire(*dir, mode, 1);
    ASSERT_FALSE(lock.ok());
    EXPECT_EQ(lock.status().exit_code(), 74);
    EXPECT_TRUE(Contains(lock.status().message(), "/.lock' is a symbolic link"))
        << lock.status().message();
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(target)));
  EXPECT_EQ(VictimFiles(), kVictimFiles);
}

TEST_F(BackupDirTest, SharedLocksGoTogetherAndWaitForAnExclusiveOne) {
  auto dir = BackupDirectory::Open(backup_dir_);
  ASSERT_TRUE(dir.ok());
  auto a = DirectoryLock::Acquire(*dir, LockMode::kShared, 1);
  auto b = DirectoryLock::Acquire(*dir, LockMode::kShared, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->held() && b->held());
  auto writer = DirectoryLock::Acquire(*dir, LockMode::kExclusive, 0);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().exit_code(), 75);
}

// --- Checksum files -----------------------------------------------------------------------------

class ChecksumFileTest : public BackupDirTest {
 protected:
  void SetUp() override {
    BackupDirTest::SetUp();
    fs::create_directory(backup_dir_ + "/daily");
    auto dir = OpenTopDirectory(backup_dir_ + "/daily");
    ASSERT_TRUE(dir.ok());
    daily_ = std::move(*dir);
  }
  Result<std::string> Read() {
    return ReadChecksumFileAt(daily_, kSum, "shop-daily-20240101T000000Z.sql.gz");
  }
  static constexpr const char* kSum = "shop-daily-20240101T000000Z.sql.gz.sha256";
  std::string SumPath() const { return backup_dir_ + "/daily/" + kSum; }
  DirFd daily_;
};

TEST_F(ChecksumFileTest, AGoodOneIsRead) {
  Write(SumPath(), std::string(64, 'A') + "  shop-daily-20240101T000000Z.sql.gz\n");
  auto digest = Read();
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, std::string(64, 'a'));
}

TEST_F(ChecksumFileTest, AFifoIsRefusedAtOnceWith65) {
  ASSERT_EQ(mkfifo(SumPath().c_str(), 0600), 0);
  auto start = std::chrono::steady_clock::now();
  auto digest = Read();  // would block for ever waiting for a writer if opened blocking
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().exit_code(), 65);
  EXPECT_TRUE(Contains(digest.status().message(), "is a FIFO, not a regular file"))
      << digest.status().message();
}

TEST_F(ChecksumFileTest, ALinkToDevZeroIsRefusedWith65) {
  fs::create_symlink("/dev/zero", SumPath());
  auto digest = Read();
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().exit_code(), 65);
  EXPECT_TRUE(Contains(digest.status().message(), "is a symbolic link"))
      << digest.status().message();
  // The path form refuses it too.
  auto by_path = ReadChecksumFile(SumPath(), "shop-daily-20240101T000000Z.sql.gz");
  ASSERT_FALSE(by_path.ok());
  EXPECT_EQ(by_path.status().exit_code(), 65);
}

TEST_F(ChecksumFileTest, AnOversizeOneIsRefusedWith65) {
  Write(SumPath(), std::string(64, 'a') + "  shop-daily-20240101T000000Z.sql.gz\n" +
                       std::string(2000, '#'));
  auto digest = Read();
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().exit_code(), 65);
  EXPECT_TRUE(Contains(digest.status().message(), "is larger than 1024 bytes"))
      << digest.status().message();
}

TEST_F(ChecksumFileTest, AMissingOneIs65) {
  auto digest = Read();
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().exit_code(), 65);
  EXPECT_TRUE(Contains(digest.status().message(), "is missing")) << digest.status().message();
}

TEST_F(ChecksumFileTest, AnUnreadableOneIsAStorageError74) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to read as another user";
  Write(SumPath(), std::string(64, 'a') + "  shop-daily-20240101T000000Z.sql.gz\n");
  chmod(SumPath().c_str(), 0000);
  chmod(tmp_.path().c_str(), 0755);
  // As nobody (root reads any file): the child reports the exit code the error maps to.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(1);
    auto digest = Read();
    _exit(digest.ok() ? 0 : digest.status().exit_code());
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 74);
}

}  // namespace
}  // namespace mysql_backup
