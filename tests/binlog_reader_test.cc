// The binlog reader on generated files in MariaDB's v4 format: what it learns (times, GTIDs,
// rotate target), which files it calls complete, and the damage it refuses.
#include "binlog/binlog_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mysql_backup {
namespace {

using Bytes = std::vector<uint8_t>;

void Put16(Bytes* b, uint16_t v) {
  for (int i = 0; i < 2; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Put32(Bytes* b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Put64(Bytes* b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Builds a binlog event by event, with CRC32 footers as MariaDB writes them by default.
class BinlogBuilder {
 public:
  BinlogBuilder() { bytes_.assign(kBinlogMagic, kBinlogMagic + 4); }

  void Event(uint8_t type, uint32_t when, const Bytes& body, uint32_t server_id = 1) {
    Bytes e;
    Put32(&e, when);
    e.push_back(type);
    Put32(&e, server_id);
    Put32(&e, static_cast<uint32_t>(19 + body.size() + 4));
    Put32(&e, static_cast<uint32_t>(bytes_.size() + 19 + body.size() + 4));
    Put16(&e, 0);
    e.insert(e.end(), body.begin(), body.end());
    Put32(&e, static_cast<uint32_t>(crc32(0L, e.data(), static_cast<uInt>(e.size()))));
    bytes_.insert(bytes_.end(), e.begin(), e.end());
  }
  void FormatDescription(uint32_t when) {
    Bytes body;
    Put16(&body, 4);
    std::string version = "10.11.6-MariaDB-log";
    version.resize(50, '\0');
    body.insert(body.end(), version.begin(), version.end());
    Put32(&body, when);
    body.push_back(19);
    body.insert(body.end(), 40, 0);  // post-header lengths (not read)
    body.push_back(1);               // checksum algorithm: CRC32
    Event(kFormatDescriptionEvent, when, body);
  }
  void GtidList(const std::vector<Gtid>& list, uint32_t when) {
    Bytes body;
    Put32(&body, static_cast<uint32_t>(list.size()));
    for (const auto& g : list) {
      Put32(&body, g.domain);
      Put32(&body, g.server);
      Put64(&body, g.seq);
    }
    Event(kGtidListEvent, when, body);
  }
  void Transaction(uint64_t seq, uint32_t when) {
    Bytes body;
    Put64(&body, seq);
    Put32(&body, 0);  // domain
    body.push_back(0);
    body.insert(body.end(), 6, 0);
    Event(kGtidEvent, when, body);
    Event(2 /* QUERY */, when, Bytes(30, 'q'));
  }
  void Rotate(const std::string& next, uint32_t when) {
    Bytes body;
    Put64(&body, 4);
    body.insert(body.end(), next.begin(), next.end());
    Event(kRotateEvent, when, body);
  }
  Bytes& bytes() { return bytes_; }

 private:
  Bytes bytes_;
};

BinlogBuilder ClosedFile() {
  BinlogBuilder b;
  b.FormatDescription(1000);
  b.GtidList({{0, 1, 4}}, 1000);
  b.Transaction(5, 1001);
  b.Transaction(6, 1002);
  b.Rotate("mysql-bin.000002", 1003);
  return b;
}

TEST(BinlogReaderTest, AFileEndingInARotateIsCompleteAndSaysWhatFollows) {
  BinlogBuilder b = ClosedFile();
  auto s = ReadBinlog(b.bytes());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->complete());
  EXPECT_TRUE(s->checksums);
  EXPECT_EQ(s->next_file, "mysql-bin.000002");
  EXPECT_EQ(s->first_time, 1000u);
  EXPECT_EQ(s->last_time, 1003u);
  EXPECT_EQ(s->first_gtid.ToString(), "0-1-5");
  EXPECT_EQ(s->last_gtid.ToString(), "0-1-6");
  ASSERT_EQ(s->end_state.size(), 1u);
  EXPECT_EQ(s->end_state[0].ToString(), "0-1-6");
  EXPECT_EQ(s->size, b.bytes().size());
}

TEST(BinlogReaderTest, TheActiveFileCopiedMidwayIsNotComplete) {
  BinlogBuilder b;
  b.FormatDescription(1000);
  b.GtidList({{0, 1, 6}}, 1000);
  b.Transaction(7, 1004);
  auto s = ReadBinlog(b.bytes());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->complete());
  EXPECT_TRUE(s->next_file.empty());
}

TEST(BinlogReaderTest, FedInPiecesOfAnySizeGivesTheSameAnswer) {
  BinlogBuilder b = ClosedFile();
  for (size_t piece : {1u, 3u, 19u, 64u}) {
    BinlogReader reader;
    for (size_t i = 0; i < b.bytes().size(); i += piece) {
      size_t n = std::min(piece, b.bytes().size() - i);
      ASSERT_TRUE(reader.Write({b.bytes().data() + i, n}).ok());
    }
    auto s = reader.Finish();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->next_file, "mysql-bin.000002") << piece;
  }
}

TEST(BinlogReaderTest, AFlippedByteFailsItsChecksum) {
  BinlogBuilder b = ClosedFile();
  b.bytes()[b.bytes().size() - 10] ^= 0x01;  // inside the Rotate's file name
  auto s = ReadBinlog(b.bytes());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kIntegrity);
  EXPECT_NE(s.status().ToString().find("CRC32"), std::string::npos) << s.status().ToString();
}

TEST(BinlogReaderTest, ATruncatedFileAndAForeignFileAreRefused) {
  BinlogBuilder b = ClosedFile();
  Bytes cut(b.bytes().begin(), b.bytes().end() - 5);
  auto s = ReadBinlog(cut);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().ToString().find("truncated"), std::string::npos) << s.status().ToString();
  Bytes text = {'h', 'e', 'l', 'l', 'o', '\n'};
  s = ReadBinlog(text);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().ToString().find("not a binary log"), std::string::npos);
}

TEST(BinlogReaderTest, FollowsOnChecksRotateNameAndGtidState) {
  auto a = ReadBinlog(ClosedFile().bytes());
  ASSERT_TRUE(a.ok());
  BinlogBuilder next;
  next.FormatDescription(1003);
  next.GtidList({{0, 1, 6}}, 1003);
  auto b = ReadBinlog(next.bytes());
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(CheckFollowsOn("mysql-bin.000001", *a, "mysql-bin.000002", *b).ok());

  Status wrong_name = CheckFollowsOn("mysql-bin.000001", *a, "mysql-bin.000003", *b);
  EXPECT_EQ(wrong_name.kind(), ErrorKind::kGap);

  BinlogBuilder skipped;
  skipped.FormatDescription(1003);
  skipped.GtidList({{0, 1, 9}}, 1003);  // transactions 7-9 are in no file we have
  auto c = ReadBinlog(skipped.bytes());
  ASSERT_TRUE(c.ok());
  Status gap = CheckFollowsOn("mysql-bin.000001", *a, "mysql-bin.000002", *c);
  EXPECT_EQ(gap.kind(), ErrorKind::kGap);
  EXPECT_NE(gap.message().find("0-1-9"), std::string::npos) << gap.message();
}

TEST(BinlogReaderTest, AFileEndingInAStopIsFollowedByTheNextNumber) {
  // A clean shutdown ends the file in a Stop; the restarted server opens the next number with
  // the GTID state carried on.
  BinlogBuilder before;
  before.FormatDescription(1000);
  before.GtidList({{0, 1, 5}}, 1000);
  before.Event(kStopEvent, 1001, {});
  auto a = ReadBinlog(before.bytes());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->stopped);
  BinlogBuilder after;
  after.FormatDescription(1010);
  after.GtidList({{0, 1, 5}}, 1010);
  auto b = ReadBinlog(after.bytes());
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(CheckFollowsOn("mysql-bin.000009", *a, "mysql-bin.000010", *b).ok());
  EXPECT_EQ(CheckFollowsOn("mysql-bin.000009", *a, "mysql-bin.000011", *b).kind(), ErrorKind::kGap);
  EXPECT_EQ(CheckFollowsOn("mysql-bin.000009", *a, "other-bin.000010", *b).kind(), ErrorKind::kGap);
}

TEST(BinlogReaderTest, BinlogNamesSplitIntoBaseAndNumber) {
  std::string base;
  uint64_t n = 0;
  ASSERT_TRUE(SplitBinlogName("mysql-bin.000012", &base, &n));
  EXPECT_EQ(base, "mysql-bin");
  EXPECT_EQ(n, 12u);
  EXPECT_FALSE(SplitBinlogName("mysql-bin", &base, &n));
  EXPECT_FALSE(SplitBinlogName("mysql-bin.0001x", &base, &n));
}

}  // namespace
}  // namespace mysql_backup
