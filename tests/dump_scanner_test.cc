#include "sql/dump_scanner.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>

namespace mysql_backup {
namespace {

using std::literals::string_view_literals::operator""sv;

// Everything a scan yields, comparable in one EXPECT_EQ.
struct ScanSummary {
  std::map<std::string, uint64_t> rows;
  std::set<std::string> tables, views, procedures, functions, triggers, events, sequences;
  uint64_t statements = 0;
  bool ended_cleanly = false;
  bool operator==(const ScanSummary&) const = default;
};

std::ostream& operator<<(std::ostream& out, const ScanSummary& s) {
  out << "rows{";
  for (const auto& [table, n] : s.rows) out << table << "=" << n << " ";
  const std::pair<const char*, const std::set<std::string>*> sets[] = {
      {"tables", &s.tables},       {"views", &s.views},       {"procedures", &s.procedures},
      {"functions", &s.functions}, {"triggers", &s.triggers}, {"events", &s.events},
      {"sequences", &s.sequences}};
  out << "}";
  for (const auto& [name, set] : sets) {
    out << " " << name << "{";
    for (const auto& x : *set) out << x << " ";
    out << "}";
  }
  return out << " statements=" << s.statements << " clean=" << s.ended_cleanly;
}

ScanSummary Summarize(const DumpScanner& scanner) {
  return ScanSummary{scanner.rows_inserted(), scanner.tables(),    scanner.views(),
                     scanner.procedures(),    scanner.functions(), scanner.triggers(),
                     scanner.events(),        scanner.sequences(), scanner.statements(),
                     scanner.ended_cleanly()};
}

// Feeds `text` in chunks of the sizes `next_size` returns.
template <typename NextSize>
ScanSummary ScanInChunks(std::string_view text, NextSize next_size) {
  DumpScanner scanner;
  while (!text.empty()) {
    size_t n = std::min(text.size(), next_size());
    EXPECT_TRUE(scanner.Write({reinterpret_cast<const uint8_t*>(text.data()), n}).ok());
    text.remove_prefix(n);
  }
  scanner.Finish();
  return Summarize(scanner);
}

ScanSummary ScanWhole(std::string_view text) {
  return ScanInChunks(text, [&] { return text.size(); });
}

ScanSummary ScanByteByByte(std::string_view text) {
  return ScanInChunks(text, [] { return size_t{1}; });
}

ScanSummary ScanRandomChunks(std::string_view text, uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<size_t> size(1, 64);
  return ScanInChunks(text, [&] { return size(random); });
}

uint64_t RowsOf(const ScanSummary& s, const std::string& table) {
  auto it = s.rows.find(table);
  return it == s.rows.end() ? 0 : it->second;
}

TEST(DumpScannerTest, CountsTuplesThatQuotesAndEscapesCannotFool) {
  static const struct {
    const char* name;
    std::string_view sql;
    const char* table;
    uint64_t rows;
  } kCases[] = {
      {"one row", "INSERT INTO `t` VALUES (1);", "t", 1},
      {"extended", "INSERT INTO `t` VALUES (1,'a'),(2,'b'),(3,'c');", "t", 3},
      {"mysqldump line breaks", "INSERT INTO `t` VALUES\n(1),\n(2),\n(3);\n", "t", 3},
      {"),( in a string", "INSERT INTO `t` VALUES (1,'a),(b'),(2,'),('),(3,'(');", "t", 3},
      {"escaped quote", R"(INSERT INTO `t` VALUES ('a\'b'),('\'),(\''),('\\');)", "t", 3},
      {"doubled quote", "INSERT INTO `t` VALUES ('it''s),(x'),('''');", "t", 2},
      {"backslash before the closing quote", R"(INSERT INTO `t` VALUES ('C:\\'),('x\\\\'),(1);)",
       "t", 3},
      {"semicolon in a string", "INSERT INTO `t` VALUES ('a;b'),(';'),('); INSERT INTO x');", "t",
       3},
      {"double quotes", R"(INSERT INTO `t` VALUES ("a),(b"),("x\"),("),("y""z");)", "t", 3},
      {"newlines in strings", "INSERT INTO `t` VALUES ('line1\nline2),(\n'),('\r\n');", "t", 2},
      {"escaped NUL and control", R"(INSERT INTO `t` VALUES ('\0\'\\\n\r\Z\"'),('\t');)", "t", 2},
      {"raw binary bytes", "INSERT INTO `t` VALUES ('\x00\x01\xff\\'\\\\'),(_binary '\xfe)');"sv,
       "t", 2},
      {"_binary prefix", "INSERT INTO `t` VALUES (_binary 'x),('),(_binary '');", "t", 2},
      {"hex and bit literals", "INSERT INTO `t` VALUES (0x4142,b'101',x'2829'),(0x,NULL,NULL);",
       "t", 2},
      {"numbers",
       "INSERT INTO `t` VALUES (-1,-1.5e-10,+3,.5),(NULL,-0,1e300,-9223372036854775808);", "t", 2},
      {"minus before a parenthesis or a string", "INSERT INTO `t` VALUES (-(1)),(-'),('),(- 3);",
       "t", 3},
      {"nested parentheses", "INSERT INTO `t` VALUES (POINT(1,2),(3)),(ST_GeomFromText('P(1)'));",
       "t", 2},
      {"comment characters in strings",
       "INSERT INTO `t` VALUES ('-- x'),('/* ('),('#'),('*/'),('/*!50000 x */');", "t", 5},
      {"backtick in a table name", "INSERT INTO `a``b` VALUES (1),(2);", "a`b", 2},
      {"unicode table name", "INSERT INTO `ünï cødé` VALUES ('😀'),('é');", "ünï cødé", 2},
      {"parentheses and semicolon in a table name", "INSERT INTO `p(;)` VALUES (1),(2);", "p(;)",
       2},
      {"unquoted table name", "INSERT INTO t1 VALUES (1),(2);", "t1", 2},
      {"qualified table name", "INSERT INTO `db`.`t` VALUES (1),(2);", "t", 2},
      {"no space before VALUES tuple", "INSERT INTO `t` VALUES(1),(2);", "t", 2},
      {"lower case", "insert into `t` values (1),(2);", "t", 2},
      {"VALUE", "INSERT INTO `t` VALUE (1),(2);", "t", 2},
      {"INSERT IGNORE", "INSERT  IGNORE INTO `t` VALUES (1),(2);", "t", 2},
      {"REPLACE", "REPLACE INTO `t` VALUES (1),(2),(3);", "t", 3},
      {"INSERT DELAYED", "INSERT DELAYED INTO `t` VALUES (1);", "t", 1},
      {"complete insert", "INSERT INTO `t` (`a`, `b`) VALUES (1,2),(3,4);", "t", 2},
      {"column list with odd names", "INSERT INTO `t` (`a),(`, `(`) VALUES (1,2),(3,4);", "t", 2},
      {"empty column list", "INSERT INTO `t` () VALUES (),();", "t", 2},
      {"blanks between tuples", "INSERT INTO `t` VALUES (1) ,\n\t(2)  ,  (3) ;", "t", 3},
      {"comment between tuples", "INSERT INTO `t` VALUES (1),/* (9) */(2),-- (9)\n(3);", "t", 3},
      {"no delimiter at the end", "INSERT INTO `t` VALUES (1),(2)", "t", 2},
      {"ON DUPLICATE KEY UPDATE",
       "INSERT INTO `t` VALUES (1),(2) ON DUPLICATE KEY UPDATE a=VALUES(a);", "t", 2},
      {"INSERT SELECT", "INSERT INTO `t` SELECT (1);", "t", 0},
      {"INSERT SELECT with columns", "INSERT INTO `t` (`a`) SELECT (1);", "t", 0},
      {"INSERT in a comment", "-- INSERT INTO `t` VALUES (1);\n/* INSERT INTO `t` VALUES (2); */",
       "t", 0},
      {"INSERT in a hash comment", "# INSERT INTO `t` VALUES (1);\n", "t", 0},
      {"INSERT in a string", "SELECT 'INSERT INTO `t` VALUES (1);';", "t", 0},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    const ScanSummary whole = ScanWhole(c.sql);
    EXPECT_EQ(RowsOf(whole, c.table), c.rows) << whole;
    EXPECT_EQ(whole, ScanByteByByte(c.sql));
    uint64_t all_rows = 0;
    for (const auto& [table, n] : whole.rows) all_rows += n;
    EXPECT_EQ(all_rows, c.rows) << whole;
  }
}

TEST(DumpScannerTest, SumsStatementsPerTable) {
  const ScanSummary s = ScanWhole(
      "INSERT INTO `a` VALUES (1),(2);\nINSERT INTO `b` VALUES (1);\n"
      "INSERT INTO `a` VALUES (3);\nINSERT INTO `a` (`x`) VALUES (4),(5);\n");
  EXPECT_EQ(s.rows, (std::map<std::string, uint64_t>{{"a", 5}, {"b", 1}}));
  EXPECT_EQ(s.statements, 4u);
}

TEST(DumpScannerTest, CountsTotalRows) {
  DumpScanner scanner;
  scanner.Scan("INSERT INTO `a` VALUES (1),(2);INSERT INTO `b` VALUES ('x');");
  scanner.Finish();
  EXPECT_EQ(scanner.total_rows(), 3u);
  EXPECT_EQ(scanner.bytes_scanned(), 60u);
}

TEST(DumpScannerTest, DelimiterCommandChangesStatementEnd) {
  const std::string sql =
      "DELIMITER ;;\n"
      "CREATE PROCEDURE `p`() BEGIN SELECT 1; INSERT INTO `t` VALUES (1); END ;;\n"
      "INSERT INTO `t` VALUES (2),(3);;\n"
      "delimiter ;\n"
      "INSERT INTO `t` VALUES (4);\n"
      "DELIMITER $$\n"
      "CREATE FUNCTION `f`() RETURNS INT RETURN 1 $$\n"
      "DELIMITER ;\n";
  const ScanSummary s = ScanWhole(sql);
  EXPECT_EQ(s.procedures, std::set<std::string>{"p"});
  EXPECT_EQ(s.functions, std::set<std::string>{"f"});
  // The procedure body's INSERT is not run by the dump: only 2, 3 and 4.
  EXPECT_EQ(RowsOf(s, "t"), 3u);
  EXPECT_EQ(s.statements, 4u);
  EXPECT_EQ(s, ScanByteByByte(sql));
}

TEST(DumpScannerTest, LongerDelimiterEndsOnlyWhenWhole) {
  // What mysqldump's create_delimiter() means to write for an event whose body holds ";;".
  const std::string sql =
      "DELIMITER ;;;\n"
      "CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DO BEGIN SELECT 1;; SELECT ';;'; END ;;;\n"
      "INSERT INTO `t` VALUES (1);;;\n"
      "DELIMITER ;\n"
      "CREATE TABLE `after` (x int);\n";
  const ScanSummary s = ScanWhole(sql);
  EXPECT_EQ(s.events, std::set<std::string>{"e"});
  EXPECT_EQ(s.tables, std::set<std::string>{"after"});
  EXPECT_EQ(RowsOf(s, "t"), 1u);
  EXPECT_EQ(s.statements, 3u);
  EXPECT_EQ(s, ScanByteByByte(sql));
}

TEST(DumpScannerTest, DelimiterWordInsideAStatementIsNoCommand) {
  const ScanSummary s = ScanWhole("INSERT INTO `t` VALUES ('\nDELIMITER ;;\n'),(2);\n");
  EXPECT_EQ(RowsOf(s, "t"), 2u);
  EXPECT_EQ(s.statements, 1u);
}

TEST(DumpScannerTest, SandboxLineIsNoStatement) {
  const std::string sql =
      "/*M!999999\\- enable the sandbox mode */ \n"
      "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n"
      "--\n"
      "CREATE TABLE `t` (x int);\n";
  for (const ScanSummary& s : {ScanWhole(sql), ScanByteByByte(sql)}) {
    EXPECT_EQ(s.statements, 1u);
    EXPECT_EQ(s.tables, std::set<std::string>{"t"});
  }
}

TEST(DumpScannerTest, FindsObjectsInMysqldumpHeads) {
  // As MariaDB 10.11 writes them, and MySQL 5.6's placeholder table for a view.
  const std::string sql = R"(
DROP TABLE IF EXISTS `t1`;
CREATE TABLE `t1` (
  `id` int(11) NOT NULL
) ENGINE=InnoDB;
DROP TABLE IF EXISTS `v1`;
/*!50001 DROP VIEW IF EXISTS `v1`*/;
/*!50001 CREATE VIEW `v1` AS SELECT
 1 AS `id` */;
DROP TABLE IF EXISTS `old``view`;
/*!50001 DROP VIEW IF EXISTS `old``view`*/;
/*!50001 CREATE TABLE `old``view` (
  `id` tinyint NOT NULL
) ENGINE=MyISAM */;
DROP SEQUENCE IF EXISTS `s1`;
CREATE SEQUENCE `s1` start with 1 minvalue 1 maxvalue 9223372036854775806 increment by 1 cache 1000 nocycle ENGINE=InnoDB;
DO SETVAL(`s1`, 1, 0);
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg1 BEFORE INSERT ON t1 FOR EACH ROW SET NEW.id = 1 */;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER db.trg2 AFTER INSERT ON t1 FOR EACH ROW SET @x = 'a\';;b' */;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg 3` AFTER UPDATE ON t1 FOR EACH ROW BEGIN END */;;
DELIMITER ;
DELIMITER ;;
/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT `ev1` ON SCHEDULE EVERY 1 DAY STARTS '2024-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE DO INSERT INTO t1 VALUES (1) */ ;;
DELIMITER ;
DELIMITER ;;
CREATE DEFINER=`root`@`localhost` FUNCTION `f1`(a INT) RETURNS int(11)
    DETERMINISTIC
BEGIN RETURN a + 1; END ;;
DELIMITER ;
DELIMITER ;;
CREATE DEFINER=`root`@`%` PROCEDURE `p1`(IN a INT)
BEGIN SELECT 'CREATE TABLE fake (x int);'; CREATE TABLE IF NOT EXISTS `made_by_p1` (x int); END ;;
DELIMITER ;
/*!50001 DROP TABLE IF EXISTS `old``view`*/;
/*!50001 DROP VIEW IF EXISTS `old``view`*/;
/*!50001 DROP VIEW IF EXISTS `v1`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `v1` AS select 1 AS `id` */;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `old``view` AS select 1 AS `id` */;
CREATE TEMPORARY TABLE `tmp` (x int);
CREATE DATABASE /*!32312 IF NOT EXISTS*/ `other` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
)";
  const ScanSummary s = ScanWhole(sql);
  EXPECT_EQ(s.tables, std::set<std::string>{"t1"});
  EXPECT_EQ(s.views, (std::set<std::string>{"old`view", "v1"}));
  EXPECT_EQ(s.triggers, (std::set<std::string>{"trg 3", "trg1", "trg2"}));
  EXPECT_EQ(s.events, std::set<std::string>{"ev1"});
  EXPECT_EQ(s.functions, std::set<std::string>{"f1"});
  EXPECT_EQ(s.procedures, std::set<std::string>{"p1"});
  EXPECT_EQ(s.sequences, std::set<std::string>{"s1"});
  EXPECT_TRUE(s.rows.empty()) << s;
  EXPECT_TRUE(s.ended_cleanly);
  EXPECT_EQ(s, ScanByteByByte(sql));
}

TEST(DumpScannerTest, DroppedObjectsAreGone) {
  const ScanSummary s = ScanWhole(
      "CREATE TABLE `a` (x int);CREATE TABLE `b` (x int);CREATE TABLE `c` (x int);"
      "DROP TABLE IF EXISTS `a`, `b`;"
      "CREATE PROCEDURE `p`() SELECT 1;DROP PROCEDURE IF EXISTS `p`;"
      "CREATE SEQUENCE `s`;DROP TABLE `s`;");
  EXPECT_EQ(s.tables, std::set<std::string>{"c"});
  EXPECT_TRUE(s.procedures.empty());
  EXPECT_TRUE(s.sequences.empty());
}

TEST(DumpScannerTest, VersionedCommentsAreCodeAndPlainCommentsAreNot) {
  const ScanSummary s = ScanWhole(
      "/*!40000 CREATE TABLE `yes` (x int) */;\n"
      "/*M!100100 CREATE TABLE `yes_too` (x int) */;\n"
      "/* CREATE TABLE `no` (x int); */\n"
      "/**/CREATE TABLE `after_empty_comment` (x int);\n"
      "-- CREATE TABLE `no2` (x int);\n"
      "--\n"
      "# CREATE TABLE `no3` (x int);\n"
      "CREATE /* ; */ TABLE `with_comment` (x int);\n"
      "CREATE TABLE `dash--name` (x int -- comment ; \n);\n");
  EXPECT_EQ(s.tables, (std::set<std::string>{"after_empty_comment", "dash--name", "with_comment",
                                             "yes", "yes_too"}));
  EXPECT_EQ(s.statements, 5u);
}

TEST(DumpScannerTest, FollowsNoBackslashEscapesAsTheDumpSetsIt) {
  // As mariadb-dump writes a procedure created under NO_BACKSLASH_ESCAPES: 'C:\' is a whole
  // string there. Read with backslash escapes, the string would swallow the ;; that ends it.
  const std::string sql =
      R"(/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
INSERT INTO `t` VALUES ('a\'),(b'),(1);
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES' */ ;
/*!50003 DROP PROCEDURE IF EXISTS `nbe` */;
DELIMITER ;;
CREATE DEFINER=`root`@`localhost` PROCEDURE `nbe`()
BEGIN SELECT 'C:\'; SELECT 'x;;y'; END
;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;
INSERT INTO `t` VALUES ('c\'),(d'),(2);
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
CREATE TABLE `last` (x int);
)";
  const ScanSummary s = ScanWhole(sql);
  EXPECT_EQ(s.procedures, std::set<std::string>{"nbe"});
  EXPECT_EQ(RowsOf(s, "t"), 4u);
  EXPECT_EQ(s.tables, std::set<std::string>{"last"});
  EXPECT_TRUE(s.ended_cleanly);
  EXPECT_EQ(s, ScanByteByByte(sql));
  EXPECT_EQ(s, ScanRandomChunks(sql, 7));
}

TEST(DumpScannerTest, FollowsAnsiQuotesAsTheDumpSetsIt) {
  const std::string sql = R"(/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'ANSI_QUOTES' */ ;
DELIMITER ;;
CREATE DEFINER="root"@"localhost" PROCEDURE "ansi ""proc"""()
SELECT "a\" FROM t
;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;
INSERT INTO `t` VALUES ("a\"),(b"),(1);
)";
  const ScanSummary s = ScanWhole(sql);
  EXPECT_EQ(s.procedures, std::set<std::string>{"ansi \"proc\""});
  EXPECT_EQ(RowsOf(s, "t"), 2u);
  EXPECT_EQ(s, ScanByteByByte(sql));
}

TEST(DumpScannerTest, ReportsACutOffDump) {
  EXPECT_TRUE(ScanWhole("INSERT INTO `t` VALUES (1);\n-- Dump completed\n").ended_cleanly);
  EXPECT_FALSE(ScanWhole("INSERT INTO `t` VALUES (1,'abc").ended_cleanly);
  EXPECT_FALSE(ScanWhole("INSERT INTO `t` VALUES (1)").ended_cleanly);
  EXPECT_FALSE(ScanWhole("SELECT 1; /* unfinished").ended_cleanly);
}

TEST(DumpScannerTest, LongStatementsKeepOnlyTheirHead) {
  // A 16 MB extended INSERT and a procedure whose body is far longer than the head.
  std::string sql = "INSERT INTO `big` VALUES ";
  for (int i = 0; i < 200000; ++i) {
    if (i > 0) sql += ',';
    sql += "(" + std::to_string(i) + ",'" + std::string(64, i % 2 ? '(' : ')') + "\\'')";
  }
  sql += ";\nDELIMITER ;;\nCREATE PROCEDURE `long_proc`() BEGIN ";
  for (int i = 0; i < 1000; ++i) sql += "SELECT 'filler;', (1); ";
  sql += "END ;;\nDELIMITER ;\nCREATE TABLE `after` (x int);\n";
  const ScanSummary s = ScanWhole(sql);
  EXPECT_EQ(RowsOf(s, "big"), 200000u);
  EXPECT_EQ(s.procedures, std::set<std::string>{"long_proc"});
  EXPECT_EQ(s.tables, std::set<std::string>{"after"});
  EXPECT_EQ(s, ScanRandomChunks(sql, 1));
}

// A dump in the shape mariadb-dump writes, with every construct the scanner must get right.
std::string SyntheticDump() {
  std::string dump = R"(/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: probe
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;

--
-- Table structure for table `t1`
--

DROP TABLE IF EXISTS `t1`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE `t1` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `s` varchar(200) DEFAULT NULL COMMENT 'a ; comment ( with '' quotes',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `t1` WRITE;
/*!40000 ALTER TABLE `t1` DISABLE KEYS */;
)";
  for (int statement = 0; statement < 4; ++statement) {
    dump += "INSERT INTO `t1` VALUES ";
    for (int row = 0; row < 10; ++row) {
      if (row > 0) dump += ",\n";
      dump += "(" + std::to_string(statement * 10 + row) +
              R"(,'a),(b','\0\'\\\n\r\Z\"',-15000000000,NULL,_binary 'x;y',0x4142,'it''s')";
      dump += ",'\x01\xfe\xff'";  // raw bytes, as mysqldump leaves them
      dump += ")";
    }
    dump += ";\n";
  }
  dump += R"(/*!40000 ALTER TABLE `t1` ENABLE KEYS */;
UNLOCK TABLES;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES' */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg1 BEFORE INSERT ON t1 FOR EACH ROW SET NEW.s = COALESCE(NEW.s, ');;') 
*/;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;

--
-- Temporary table structure for view `v1`
--

DROP TABLE IF EXISTS `v1`;
/*!50001 DROP VIEW IF EXISTS `v1`*/;
/*!50001 CREATE VIEW `v1` AS SELECT
 NULL AS `id`,
 NULL AS `s` */;

--
-- Dumping data for table `we``ird name`
--

INSERT INTO `we``ird name` (`a`, `b;`) VALUES (1,'x'),
(2,'y');

--
-- Dumping routines for database 'probe'
--
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'NO_BACKSLASH_ESCAPES' */ ;
DELIMITER ;;
CREATE DEFINER=`root`@`localhost` PROCEDURE `p1`(IN a INT)
BEGIN SELECT 'C:\'; SELECT 'CREATE TABLE fake (x int);'; END
;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;

--
-- Final view structure for view `v1`
--

/*!50001 DROP VIEW IF EXISTS `v1`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `v1` AS select `t1`.`id` AS `id`,`t1`.`s` AS `s` from `t1` where `t1`.`s` like '%(%' */;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;

-- Dump completed on 2026-11-27 23:06:44
)";
  return dump;
}

TEST(DumpScannerTest, ResultsDoNotDependOnChunkBoundaries) {
  const std::string dump = SyntheticDump();
  const ScanSummary whole = ScanWhole(dump);
  EXPECT_EQ(RowsOf(whole, "t1"), 40u) << whole;
  EXPECT_EQ(RowsOf(whole, "we`ird name"), 2u) << whole;
  EXPECT_EQ(whole.tables, std::set<std::string>{"t1"});
  EXPECT_EQ(whole.views, std::set<std::string>{"v1"});
  EXPECT_EQ(whole.triggers, std::set<std::string>{"trg1"});
  EXPECT_EQ(whole.procedures, std::set<std::string>{"p1"});
  EXPECT_TRUE(whole.ended_cleanly);

  EXPECT_EQ(whole, ScanByteByByte(dump));
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    EXPECT_EQ(whole, ScanRandomChunks(dump, seed));
  }
  // Every split into two chunks, so that each lookahead state meets a chunk end.
  for (size_t split = 0; split <= dump.size(); ++split) {
    DumpScanner scanner;
    scanner.Scan(std::string_view(dump).substr(0, split));
    scanner.Scan(std::string_view(dump).substr(split));
    scanner.Finish();
    ASSERT_EQ(whole, Summarize(scanner)) << "split at " << split;
  }
}

}  // namespace
}  // namespace mysql_backup
