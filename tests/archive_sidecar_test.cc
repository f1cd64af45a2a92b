// The binlog archive's reader against hostile folder entries: sidecars that are not ours
// (huge, not JSON, wrong types, a file name with a folder part), and links, FIFOs and folders
// under our names. What it proves: nothing is followed out of the folder, nothing blocks,
// cleanup deletes only our regular files, and the drill, the restore's index and --verify
// refuse, naming the entry. Real files in a temporary folder; no server.
#include "binlog/archive_sidecar.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "binlog/archive.h"
#include "binlog/archive_index.h"
#include "binlog/archive_prune.h"
#include "binlog/chain_check.h"
#include "binlog/replay_index.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"
#include "support/test_util.h"

namespace mysql_backup::testing {
namespace {

namespace fs = std::filesystem;

// A sidecar as the archiver writes it, with `extra` replacing members ("\"size\": \"x\"").
std::string Sidecar(const std::string& name, const std::string& next, bool complete = true,
                    const std::string& replace_key = "", const std::string& replacement = "") {
  std::vector<std::pair<std::string, std::string>> members = {
      {"file", "\"" + name + "\""},
      {"server_id", "1"},
      {"complete", complete ? "true" : "false"},
      {"size", "4096"},
      {"compressed_size", "1000"},
      {"sha256", "\"00\""},
      {"events", "10"},
      {"first_event_time", "\"2026-12-01T10:00:00Z\""},
      {"last_event_time", "\"2026-12-01T10:05:00Z\""},
      {"first_gtid", "\"0-1-1\""},
      {"last_gtid", "\"0-1-9\""},
      {"gtid_state_start", "\"0-1-0\""},
      {"gtid_state_end", "\"0-1-9\""},
      {"next_file", next.empty() ? "null" : "\"" + next + "\""},
      {"archived", "\"2026-12-01T10:06:00Z\""},
  };
  std::string out = "{";
  for (const auto& [k, v] : members) {
    if (k == replace_key) {
      if (replacement.empty()) continue;  // left out
      out += (out.size() > 1 ? ", " : "") + replacement;
      continue;
    }
    out += (out.size() > 1 ? ", " : "") + ("\"" + k + "\": " + v);
  }
  return out + "}\n";
}

class ArchiveReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backup_dir_ = dir_ / "backups";
    archive_ = backup_dir_ + "/binlog/1";
    fs::create_directories(archive_ + "/partial");
    outside_ = dir_ / "outside.json";
    WriteTextFile(outside_, Sidecar("mysql-bin.000001", "mysql-bin.000002"), 0640);
  }

  // A complete archived file: sidecar, data and checksum (the data need not decode).
  void Plant(const std::string& name, const std::string& next) {
    WriteTextFile(archive_ + "/" + name + ".json", Sidecar(name, next), 0640);
    WriteTextFile(archive_ + "/" + name + ".gz", "data", 0640);
    WriteTextFile(
        archive_ + "/" + name + ".gz.sha256",
        "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7  " + name + ".gz\n",
        0640);
  }

  DirFd Folder() {
    auto top = OpenTopDirectory(archive_);
    EXPECT_TRUE(top.ok()) << top.status().ToString();
    return std::move(*top);
  }

  Result<ArchivedBinlog> Read(const std::string& name, bool partial = false) {
    auto top = OpenTopDirectory(partial ? archive_ + "/partial" : archive_);
    if (!top.ok()) return top.status();
    return ReadSidecar(*top, name, partial);
  }

  ServerArchive Index() {
    auto index = ReadArchiveIndex(backup_dir_);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    EXPECT_EQ(index->size(), 1u);
    return std::move(index->front());
  }

  static std::string AllProblems(const ServerArchive& a) {
    std::string out;
    for (const auto& p : a.problems) out += p.ToString() + "\n";
    return out;
  }

  TempDir dir_;
  std::string backup_dir_, archive_, outside_;
};

TEST_F(ArchiveReaderTest, ReadsEveryKeyOfASidecarTheArchiverWrote) {
  WriteTextFile(archive_ + "/mysql-bin.000003.json",
                Sidecar("mysql-bin.000003", "mysql-bin.000004"));
  auto f = Read("mysql-bin.000003");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->base, "mysql-bin");
  EXPECT_EQ(f->number, 3u);
  EXPECT_TRUE(f->complete);
  EXPECT_EQ(f->size, 4096u);
  EXPECT_EQ(f->first_time, 1796119200);
  EXPECT_EQ(f->last_time, 1796119500);
  EXPECT_EQ(f->archived_time, 1796119560);
  EXPECT_EQ(f->last_gtid, "0-1-9");
  EXPECT_EQ(GtidStateText(f->state_start), "0-1-0");
  EXPECT_EQ(GtidStateText(f->state_end), "0-1-9");
  EXPECT_EQ(f->next_file, "mysql-bin.000004");

  // The partial copy: not complete, no next file, no event yet.
  WriteTextFile(
      archive_ + "/partial/mysql-bin.000004.json",
      Sidecar("mysql-bin.000004", "", false, "first_event_time", "\"first_event_time\": null"));
  auto p = Read("mysql-bin.000004", true);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->complete);
  EXPECT_EQ(p->first_time, 0);
  EXPECT_EQ(p->next_file, "");
}

TEST_F(ArchiveReaderTest, RefusesASidecarThatIsNotOursNamingTheFileAndTheKey) {
  static const struct {
    const char* what;
    std::string text;
    std::vector<std::string> said;
  } kCases[] = {
      {"not JSON", "{\"file\": ", {"Cannot read '"}},
      {"not an object", "[1, 2]", {"not a JSON object"}},
      {"size missing",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "size"),
       {"size missing", "Move '"}},
      {"size a string",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "size", "\"size\": \"4096\""),
       {"size not a byte count"}},
      {"a time that is not one",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "last_event_time",
               "\"last_event_time\": \"yesterday\""),
       {"last_event_time not a time"}},
      {"archived null",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "archived", "\"archived\": null"),
       {"archived not a string"}},
      {"file with a folder part",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "file",
               "\"file\": \"../../etc/passwd\""),
       {"file names '../../etc/passwd'"}},
      {"next_file with a folder part",
       Sidecar("mysql-bin.000003", "../x/mysql-bin.000004"),
       {"next_file '../x/mysql-bin.000004' not a binary log name"}},
      {"a GTID state that is not one",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "gtid_state_end",
               "\"gtid_state_end\": \"0-1-9,garbage\""),
       {"gtid_state_end not a GTID state"}},
      {"complete false outside partial/",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", false),
       {"complete is false outside partial/"}},
      {"several at once",
       Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "size", "\"next\": 1") + "",
       {"size missing"}},
  };
  for (const auto& c : kCases) {
    WriteTextFile(archive_ + "/mysql-bin.000003.json", c.text);
    auto f = Read("mysql-bin.000003");
    ASSERT_FALSE(f.ok()) << c.what;
    EXPECT_EQ(f.status().kind(), ErrorKind::kIntegrity) << c.what;
    std::string msg = f.status().ToString();
    EXPECT_NE(msg.find("'" + archive_ + "/mysql-bin.000003.json'"), std::string::npos)
        << c.what << ": " << msg;
    for (const auto& s : c.said) EXPECT_NE(msg.find(s), std::string::npos) << c.what << ": " << msg;
  }
  // All that is wrong is said at once.
  std::string text = Sidecar("mysql-bin.000003", "mysql-bin.000004", true, "size");
  text.replace(text.find("\"0-1-9\""), 7, "7");  // last_gtid a number
  WriteTextFile(archive_ + "/mysql-bin.000003.json", text);
  auto f = Read("mysql-bin.000003");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().ToString().find("size missing; last_gtid not a string"), std::string::npos)
      << f.status().ToString();
}

TEST_F(ArchiveReaderTest, RefusesAHugeSidecarWithoutReadingItAll) {
  std::string text = Sidecar("mysql-bin.000003", "mysql-bin.000004");
  text.insert(1, "\"pad\": \"" + std::string(kMaxArchiveJsonBytes, 'x') + "\", ");
  WriteTextFile(archive_ + "/mysql-bin.000003.json", text);
  auto f = Read("mysql-bin.000003");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().ToString().find("too large"), std::string::npos) << f.status().ToString();
}

TEST_F(ArchiveReaderTest, NeverFollowsALinkNorBlocksOnAFifoNorReadsAFolder) {
  const std::string sidecar = archive_ + "/mysql-bin.000003.json";
  struct Case {
    const char* what;
    std::function<void()> make;
    const char* said;
  };
  const Case cases[] = {
      {"a link to a good sidecar outside", [&] { fs::create_symlink(outside_, sidecar); },
       "symbolic link"},
      {"a link to /dev/zero", [&] { fs::create_symlink("/dev/zero", sidecar); }, "symbolic link"},
      {"a dangling link", [&] { fs::create_symlink(dir_ / "nothing", sidecar); }, "symbolic link"},
      {"a FIFO", [&] { ASSERT_EQ(mkfifo(sidecar.c_str(), 0600), 0); }, "FIFO"},
      {"a folder", [&] { fs::create_directory(sidecar); }, "directory"},
  };
  for (const auto& c : cases) {
    fs::remove_all(sidecar);
    c.make();
    auto f = Read("mysql-bin.000003");
    ASSERT_FALSE(f.ok()) << c.what;
    EXPECT_EQ(f.status().kind(), ErrorKind::kIntegrity) << c.what;
    EXPECT_NE(f.status().ToString().find(c.said), std::string::npos)
        << c.what << ": " << f.status().ToString();
    EXPECT_NE(f.status().ToString().find(sidecar), std::string::npos) << c.what;
  }
}

// The folder as each task sees it: one good file, and next to it every kind of entry that is
// not ours.
class HostileFolderTest : public ArchiveReaderTest {
 protected:
  void SetUp() override {
    ArchiveReaderTest::SetUp();
    Plant("mysql-bin.000001", "mysql-bin.000002");
    Plant("mysql-bin.000002", "mysql-bin.000003");
    Plant("mysql-bin.000003", "mysql-bin.000004");
    // 000002's data is a link to a file outside; 000003's sidecar is garbage.
    victim_ = dir_ / "victim.gz";
    WriteTextFile(victim_, "not yours", 0640);
    fs::remove(archive_ + "/mysql-bin.000002.gz");
    fs::create_symlink(victim_, archive_ + "/mysql-bin.000002.gz");
    WriteTextFile(archive_ + "/mysql-bin.000003.json", "garbage");
    // Unpublished names (no sidecar): a FIFO, a folder, a dangling link, a link to /dev/zero.
    ASSERT_EQ(mkfifo((archive_ + "/mysql-bin.000000.gz").c_str(), 0600), 0);
    fs::create_directory(archive_ + "/mysql-bin.000000.gz.sha256");
    fs::create_symlink(dir_ / "nothing", archive_ + "/mysql-bin.000004.gz");
    fs::create_symlink("/dev/zero", archive_ + "/partial/mysql-bin.000005.json");
  }
  std::string victim_;
};

TEST_F(HostileFolderTest, TheIndexListsOnlyOurFilesAndNamesEveryOtherEntry) {
  ServerArchive a = Index();
  ASSERT_EQ(a.files.size(), 1u);
  EXPECT_EQ(a.files[0].name, "mysql-bin.000001");
  EXPECT_TRUE(a.unpublished.empty());
  EXPECT_FALSE(a.partial);
  std::string all = AllProblems(a);
  for (const char* entry :
       {"mysql-bin.000002.gz' is a symbolic link", "mysql-bin.000003.json",
        "mysql-bin.000000.gz' is a FIFO", "mysql-bin.000000.gz.sha256' is a directory",
        "mysql-bin.000004.gz' is a symbolic link", "partial/mysql-bin.000005.json"}) {
    EXPECT_NE(all.find(entry), std::string::npos) << entry << "\n" << all;
  }
}

TEST_F(HostileFolderTest, CleanupDeletesOnlyOurRegularFilesAndWarnsAboutTheRest) {
  // Every kept dump needs 000009 on: everything before is prunable, were it ours.
  auto reports = PruneBinlogArchive(backup_dir_, {"mysql-bin.000009"}, false);
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_EQ(reports->size(), 1u);
  const ArchivePruneReport& r = reports->front();
  EXPECT_TRUE(r.errors.empty());
  EXPECT_GE(r.warnings.size(), 6u);
  // 000001 is the only good file and the newest archived one: the archiver continues from it.
  EXPECT_TRUE(r.deleted.empty());
  EXPECT_EQ(ReadTextFile(victim_), "not yours");
  for (const char* left :
       {"mysql-bin.000002.gz", "mysql-bin.000002.json", "mysql-bin.000003.json",
        "mysql-bin.000003.gz", "mysql-bin.000000.gz", "mysql-bin.000000.gz.sha256",
        "mysql-bin.000004.gz", "partial/mysql-bin.000005.json"}) {
    EXPECT_TRUE(Exists(archive_ + "/" + left)) << left;
  }
}

TEST_F(HostileFolderTest, CleanupDeletesAnOlderGoodFileButNotTheLinkNextToIt) {
  Plant("mysql-bin.000007", "mysql-bin.000008");
  auto reports = PruneBinlogArchive(backup_dir_, {"mysql-bin.000009"}, false);
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  const ArchivePruneReport& r = reports->front();
  ASSERT_EQ(r.deleted.size(), 1u);
  EXPECT_EQ(r.deleted[0].path, archive_ + "/mysql-bin.000001.gz");
  EXPECT_FALSE(Exists(archive_ + "/mysql-bin.000001.json"));
  EXPECT_FALSE(Exists(archive_ + "/mysql-bin.000001.gz"));
  EXPECT_TRUE(Exists(archive_ + "/mysql-bin.000002.gz"));
  EXPECT_EQ(ReadTextFile(victim_), "not yours");
}

TEST_F(HostileFolderTest, TheDrillAndTheRestoreRefuseTheFolderNamingTheEntries) {
  auto chain = CheckBinlogChain(backup_dir_, "mysql-bin.000001", 4);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().kind(), ErrorKind::kIntegrity);
  EXPECT_NE(chain.status().ToString().find("mysql-bin.000002.gz' is a symbolic link"),
            std::string::npos)
      << chain.status().ToString();

  auto top = OpenTopDirectory(backup_dir_);
  ASSERT_TRUE(top.ok());
  auto index = ReadBinlogIndexes(*top);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().kind(), ErrorKind::kIntegrity);
  EXPECT_NE(index.status().ToString().find("mysql-bin.000003.json"), std::string::npos)
      << index.status().ToString();

  std::vector<std::string> checked;
  auto problems = VerifyBinlogArchive(backup_dir_, &checked);
  ASSERT_TRUE(problems.ok()) << problems.status().ToString();
  EXPECT_GE(problems->size(), 6u);
}

TEST_F(ArchiveReaderTest, AChecksumThatDoesNotMatchIsAnIntegrityErrorNamingTheFile) {
  Plant("mysql-bin.000001", "mysql-bin.000002");
  WriteTextFile(archive_ + "/mysql-bin.000001.gz", "changed", 0640);
  DirFd d = Folder();
  auto summary = ReadArchivedBinlog(d, "mysql-bin.000001");
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().kind(), ErrorKind::kIntegrity);
  EXPECT_NE(summary.status().ToString().find(archive_ + "/mysql-bin.000001.gz"), std::string::npos)
      << summary.status().ToString();
  EXPECT_NE(summary.status().ToString().find("SHA-256"), std::string::npos)
      << summary.status().ToString();

  // Data that is a FIFO: refused at once, not waited on.
  fs::remove(archive_ + "/mysql-bin.000001.gz");
  ASSERT_EQ(mkfifo((archive_ + "/mysql-bin.000001.gz").c_str(), 0600), 0);
  summary = ReadArchivedBinlog(d, "mysql-bin.000001");
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.status().ToString().find("FIFO"), std::string::npos)
      << summary.status().ToString();
}

TEST_F(ArchiveReaderTest, ALinkWhereAServerFolderBelongsIsNamedAndNeverEntered) {
  Plant("mysql-bin.000001", "mysql-bin.000002");
  Plant("mysql-bin.000002", "mysql-bin.000003");
  // binlog/2 -> a folder outside holding an archive of its own; binlog/notes.txt is not ours
  // and not in the way.
  const std::string elsewhere = dir_ / "elsewhere";
  fs::create_directories(elsewhere);
  for (const char* n : {"mysql-bin.000001", "mysql-bin.000002"}) {
    for (const char* suffix : {".json", ".gz", ".gz.sha256"}) {
      fs::copy_file(archive_ + "/" + n + suffix, elsewhere + "/" + n + suffix);
    }
  }
  fs::create_directory_symlink(elsewhere, backup_dir_ + "/binlog/2");
  WriteTextFile(backup_dir_ + "/binlog/notes.txt", "mine", 0640);

  auto index = ReadArchiveIndex(backup_dir_);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  ASSERT_EQ(index->size(), 2u);
  EXPECT_TRUE((*index)[0].problems.empty()) << AllProblems((*index)[0]);
  EXPECT_EQ((*index)[1].server, "2");
  EXPECT_TRUE((*index)[1].files.empty());
  EXPECT_NE(AllProblems((*index)[1]).find("'" + backup_dir_ + "/binlog/2' is a symbolic link"),
            std::string::npos)
      << AllProblems((*index)[1]);

  auto reports = PruneBinlogArchive(backup_dir_, {"mysql-bin.000009"}, false);
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_EQ(reports->size(), 2u);
  EXPECT_EQ((*reports)[1].warnings.size(), 1u);
  EXPECT_TRUE((*reports)[1].deleted.empty());
  EXPECT_TRUE(Exists(elsewhere + "/mysql-bin.000001.json"));
  EXPECT_TRUE(Exists(elsewhere + "/mysql-bin.000001.gz"));
  EXPECT_TRUE(Exists(backup_dir_ + "/binlog/notes.txt"));
  EXPECT_FALSE(Exists(archive_ + "/mysql-bin.000001.gz"));  // ours, not needed: pruned

  auto chain = CheckBinlogChain(backup_dir_, "mysql-bin.000002", 4);
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.status().ToString().find("binlog/2' is a symbolic link"), std::string::npos)
      << chain.status().ToString();
}

}  // namespace
}  // namespace mysql_backup::testing
