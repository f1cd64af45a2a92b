// The binlog position recorded in the manifest is the one mariadb-dump/mysqldump wrote into the
// dump's header, whatever the chunking, and a routine body cannot fake it.
#include "sql/binlog_position.h"

#include <gtest/gtest.h>

#include <string>

namespace mysql_backup {
namespace {

// The shape of `mariadb-dump --single-transaction --master-data=2 --gtid shop` (10.11).
const char kMariaDbDump[] =
    "/*M!999999\\- enable the sandbox mode */ \n"
    "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n"
    "-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;\n"
    "-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=3766;\n"
    "DROP TABLE IF EXISTS `t`;\n"
    "INSERT INTO `t` VALUES (1,'-- CHANGE MASTER TO MASTER_LOG_FILE=\\'x\\', MASTER_LOG_POS=1;');\n"
    "DELIMITER ;;\n"
    "CREATE PROCEDURE p()\n"
    "BEGIN\n"
    "-- CHANGE MASTER TO MASTER_LOG_FILE='fake.000009', MASTER_LOG_POS=9;\n"
    "-- SET GLOBAL gtid_slave_pos='9-9-9';\n"
    "END ;;\n"
    "DELIMITER ;\n"
    "-- SET GLOBAL gtid_slave_pos='0-1-20';\n"
    "-- Dump completed on 2026-12-02  4:30:00\n";

std::optional<BinlogPosition> Feed(std::string_view text, size_t chunk) {
  BinlogPositionTap tap;
  for (size_t i = 0; i < text.size(); i += chunk) {
    std::string_view part = text.substr(i, chunk);
    EXPECT_TRUE(tap.Write({reinterpret_cast<const uint8_t*>(part.data()), part.size()}).ok());
  }
  return tap.position();
}

TEST(BinlogPositionTest, ReadsFileAndPositionFromTheHeaderAndGtidFromTheEnd) {
  for (size_t chunk : {1, 2, 3, 7, 64, 4096}) {
    auto p = Feed(kMariaDbDump, chunk);
    ASSERT_TRUE(p.has_value()) << chunk;
    EXPECT_EQ(p->file, "mysql-bin.000001");
    EXPECT_EQ(p->position, 3766u);
    EXPECT_EQ(p->gtid, "0-1-20");
  }
}

TEST(BinlogPositionTest, ReadsMySqlSourceDataAndUncommentedMasterData) {
  auto p = Feed(
      "-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=157;\n", 5);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->file, "binlog.000002");
  EXPECT_EQ(p->position, 157u);
  EXPECT_EQ(p->gtid, "");
  p = Feed("CHANGE MASTER TO MASTER_LOG_FILE='m.000003', MASTER_LOG_POS=4;\n", 4096);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->file, "m.000003");
}

TEST(BinlogPositionTest, NoPositionWithoutTheHeaderLine) {
  EXPECT_FALSE(Feed("-- MariaDB dump\nINSERT INTO t VALUES (1);\n", 3).has_value());
  EXPECT_FALSE(Feed("-- CHANGE MASTER TO MASTER_LOG_FILE='a', MASTER_LOG_POS=x;\n", 3).has_value());
  // A line cut at the end of the stream is not taken.
  EXPECT_FALSE(Feed("-- CHANGE MASTER TO MASTER_LOG_FILE='a', MASTER_LOG_POS=1;", 3).has_value());
  std::string long_line(10000, 'x');
  EXPECT_FALSE(Feed(long_line + "\n", 100).has_value());
}

}  // namespace
}  // namespace mysql_backup
