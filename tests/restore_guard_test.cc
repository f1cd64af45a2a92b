// The restore guard, without a server: what passes unchanged, what is rewritten and how, what is
// skipped and what is refused, whatever the chunks the stream comes in.
#include "sql/restore_guard.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "support/string_sink.h"

namespace mysql_backup {
namespace {

using ::mysql_backup::testing::StringSink;

struct Outcome {
  Status status;
  std::string output;
  std::string definers;
  size_t skipped = 0;
};

Outcome Guard(std::string_view input, size_t chunk, bool disable_events = false) {
  GuardSettings settings;
  settings.target = "shop_copy";
  settings.source = "shop";
  settings.disable_events = disable_events;
  RestoreGuard guard(settings);
  StringSink sink;
  guard.set_downstream(&sink);
  Outcome out;
  for (size_t at = 0; at < input.size() && out.status.ok(); at += chunk) {
    const std::string_view part = input.substr(at, chunk);
    out.status = guard.Write({reinterpret_cast<const uint8_t*>(part.data()), part.size()});
  }
  if (out.status.ok()) out.status = guard.Finish();
  out.output = sink.text;
  for (const auto& d : guard.definers()) out.definers += d + ";";
  out.skipped = guard.skipped().size();
  return out;
}

// What mariadb-dump writes for one database with --routines --events --triggers, shortened.
constexpr std::string_view kDumpHead =
    "/*M!999999\\- enable the sandbox mode */ \n"
    "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n"
    "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
    "/*!40101 SET NAMES utf8mb4 */;\n"
    "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n"
    "/*!40103 SET TIME_ZONE='+00:00' */;\n"
    "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n"
    "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
    "/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;\n"
    "DROP TABLE IF EXISTS `t`;\n"
    "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
    "/*!40101 SET character_set_client = utf8mb4 */;\n"
    "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `s` text DEFAULT NULL\n) ENGINE=InnoDB;\n"
    "/*!40101 SET character_set_client = @saved_cs_client */;\n"
    "LOCK TABLES `t` WRITE;\n"
    "/*!40000 ALTER TABLE `t` DISABLE KEYS */;\n"
    "INSERT INTO `t` VALUES (1,'USE shop; DROP DATABASE x'),(2,'it\\'s');\n"
    "INSERT IGNORE INTO `t` (`id`, `s`) VALUES (3,NULL);\n"
    "REPLACE INTO `t` VALUES (4,'');\n"
    "/*!40000 ALTER TABLE `t` ENABLE KEYS */;\n"
    "UNLOCK TABLES;\n"
    "CREATE SEQUENCE `s` start with 1 minvalue 1 maxvalue 9 increment by 1 cache 1000 nocycle "
    "ENGINE=InnoDB;\n"
    "SELECT SETVAL(`s`, 1001, 0);\n"
    "/*!50001 DROP VIEW IF EXISTS `v`*/;\n"
    "/*!50001 CREATE VIEW `v` AS SELECT\n 1 AS `id` */;\n"
    "START TRANSACTION;\nCOMMIT;\n"
    "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
    "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
    "-- Dump completed on 2026-01-01  0:00:03\n";

static const struct {
  const char* name;
  std::string_view input;
  const char* output;   // nullptr: the input unchanged
  const char* refusal;  // nullptr: passes; else a part of the message
} kCases[] = {
    {"a whole ordinary dump", kDumpHead, nullptr, nullptr},
    {"USE", "SET NAMES utf8mb4;\nUSE `shop`;\nINSERT INTO t VALUES (1);\n", "SET NAMES utf8mb4;",
     "contains `USE `shop`` which would leave the target database 'shop_copy'"},
    {"USE after a comment", "-- x\n/* y */ use/**/shop;", "", "`use shop`"},
    {"USE in a versioned comment", "/*!50000 USE shop*/;", "", "would leave the target"},
    {"CREATE DATABASE", "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`;", "",
     "would leave the target"},
    {"DROP DATABASE", "/*!40000 DROP DATABASE IF EXISTS `shop`*/;", "", "would leave the target"},
    {"CREATE SCHEMA", "create schema x;", "", "would leave the target"},
    {"INSERT into another database", "INSERT INTO mysql.proxies_priv VALUES ('%','u','root');",
     "", "`INSERT INTO mysql.proxies_priv VALUES` which would leave the target"},
    {"INSERT into the target by name", "INSERT INTO `shop_copy`.`t` VALUES (1);", nullptr,
     nullptr},
    {"REPLACE into another database", "REPLACE INTO `shop`.`t` (a) VALUES (1);", "",
     "would leave the target"},
    {"CREATE TABLE in another database", "CREATE TABLE other.t (a INT);", "",
     "would leave the target"},
    {"DROP of a qualified table in a list", "DROP TABLE IF EXISTS `t`, `other`.`u`;", "",
     "would leave the target"},
    {"LOCK of a table elsewhere", "LOCK TABLES `t` WRITE, `x`.`t` WRITE;", "",
     "would leave the target"},
    {"ALTER TABLE elsewhere", "/*!40000 ALTER TABLE `x`.`t` DISABLE KEYS */;", "",
     "would leave the target"},
    {"ALTER TABLE other than keys", "ALTER TABLE t RENAME TO other.t;", "",
     "does not hold"},
    {"SETVAL of another database", "SELECT SETVAL(`x`.`s`, 1, 0);", "", "would leave the target"},
    {"a SELECT", "SELECT * FROM other.t;", "", "does not hold"},
    {"a view reading another database", "CREATE VIEW v AS SELECT * FROM other.t;", nullptr,
     nullptr},
    {"a procedure writing another database",
     "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN DELETE FROM victim.important; END ;;\nDELIMITER ;\n",
     nullptr, nullptr},
    {"a trigger on a table elsewhere",
     "CREATE TRIGGER trg BEFORE INSERT ON victim.important FOR EACH ROW SET @x = 1;", "",
     "would leave the target"},
    {"a trigger named in another database",
     "CREATE TRIGGER victim.trg BEFORE INSERT ON t FOR EACH ROW SET @x = 1;", "",
     "would leave the target"},
    {"GRANT", "GRANT ALL ON *.* TO x;", "", "`GRANT ALL ON *.* TO x` which a dump of one"},
    {"UPDATE", "UPDATE t SET a = 1;", "", "does not hold"},
    {"DELETE", "DELETE FROM victim.important;", "", "does not hold"},
    {"CALL", "CALL p();", "", "does not hold"},
    {"LOAD DATA", "LOAD DATA INFILE '/etc/passwd' INTO TABLE t;", "", "does not hold"},
    {"INSTALL", "INSTALL SONAME 'x';", "", "does not hold"},
    {"a UDF", "CREATE FUNCTION f RETURNS STRING SONAME 'evil.so';", "", "does not hold"},
    {"FLUSH", "FLUSH PRIVILEGES;", "", "does not hold"},
    {"CREATE USER", "CREATE USER x IDENTIFIED BY 'y';", "", "does not hold"},
    {"SET GLOBAL", "SET GLOBAL event_scheduler = ON;", "", "does not hold"},
    {"SET @@global", "SET @@GLOBAL.read_only = 1;", "", "does not hold"},
    {"SET PASSWORD", "SET PASSWORD FOR root = PASSWORD('x');", "", "does not hold"},
    {"SET ROLE", "SET ROLE admin;", "", "does not hold"},
    {"SET DEFAULT ROLE", "SET DEFAULT ROLE admin;", "", "does not hold"},
    {"SET STATEMENT", "SET STATEMENT max_statement_time=1 FOR DELETE FROM t;", "",
     "does not hold"},
    {"a SET that calls a function", "SET @x = (SELECT other.f());", "", "does not hold"},
    {"SET NAMES sjis", "/*!40101 SET NAMES sjis */;", "", "character set (sjis)"},
    {"SET character_set_client to big5", "SET character_set_client = 'big5';", "",
     "character set"},
    {"SET collation_connection to gbk", "SET collation_connection = gbk_chinese_ci;", "",
     "character set"},
    {"a character set smuggled through a variable",
     "SET @x = 'sjis';\nSET character_set_client = @x;", "SET @x = 'sjis';", "character set"},
    {"mysqldump's saved character set",
     "SET @saved_cs_client = @@character_set_client;\nSET character_set_client = utf8mb4;\n"
     "SET character_set_client = @saved_cs_client;\nSET NAMES utf8mb4 COLLATE utf8mb4_bin;",
     nullptr, nullptr},
    {"a SET with IFNULL", "SET sql_mode = IFNULL(@OLD_SQL_MODE, '');", nullptr, nullptr},
    {"INSERT ... SELECT", "INSERT INTO t SELECT * FROM other.t;", "", "does not hold"},
    {"the refused statement without delimiter at the end",
     "INSERT INTO t VALUES (1);\nUSE shop", "INSERT INTO t VALUES (1);",
     "would leave the target"},
    {"a statement cut off inside a string at the end", "INSERT INTO t VALUES (1);\nUSE 'shop",
     "INSERT INTO t VALUES (1);", "unterminated statement"},
    {"text that ends inside a string before any head", "SET NAMES utf8mb4;\n'", "SET NAMES utf8mb4;",
     "unterminated statement"},
    {"a comment after the last statement", "COMMIT;\n-- done\n/* unterminated", nullptr,
     nullptr},
    {"quotes under ANSI_QUOTES",
     "SET sql_mode = 'ANSI_QUOTES';\nINSERT INTO \"other\".\"t\" VALUES (1);",
     "SET sql_mode = 'ANSI_QUOTES';", "would leave the target"},
    {"a dotted string is no name", "INSERT INTO t VALUES (\"other.t\");", nullptr, nullptr},
    {"a long CREATE TABLE",
     "CREATE TABLE t (a INT) COMMENT='xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
     " ENGINE=InnoDB;",
     nullptr, nullptr},
    // Rewrites.
    {"DEFINER of a view",
     "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL SECURITY "
     "DEFINER */\n/*!50001 VIEW `v` AS select 1 AS `1` */;",
     "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=CURRENT_USER SQL SECURITY "
     "DEFINER */\n/*!50001 VIEW `v` AS select 1 AS `1` */;",
     nullptr},
    {"DEFINER of a trigger",
     "DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER "
     "`trg` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.a = 1 */;;\nDELIMITER ;\n",
     "DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=CURRENT_USER*/ /*!50003 TRIGGER "
     "`trg` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.a = 1 */;;\nDELIMITER ;\n",
     nullptr},
    {"DEFINER of a procedure, quoted as strings",
     "CREATE DEFINER='admin'@'%' PROCEDURE `p`() SELECT 1;",
     "CREATE DEFINER=CURRENT_USER PROCEDURE `p`() SELECT 1;", nullptr},
    {"DEFINER unquoted", "CREATE DEFINER=root@localhost FUNCTION f() RETURNS INT RETURN 1;",
     "CREATE DEFINER=CURRENT_USER FUNCTION f() RETURNS INT RETURN 1;", nullptr},
    {"DEFINER of an event",
     "/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT `ev` ON SCHEDULE "
     "EVERY 1 DAY ON COMPLETION NOT PRESERVE ENABLE DO DELETE FROM t */ ;",
     "/*!50106 CREATE*/ /*!50117 DEFINER=CURRENT_USER*/ /*!50106 EVENT `ev` ON SCHEDULE "
     "EVERY 1 DAY ON COMPLETION NOT PRESERVE ENABLE DO DELETE FROM t */ ;",
     nullptr},
    {"CURRENT_USER stays", "CREATE DEFINER=CURRENT_USER() PROCEDURE p() SELECT 1;", nullptr,
     nullptr},
    {"a trigger qualified with the dumped database",
     "CREATE TRIGGER `shop`.`trg` AFTER UPDATE ON `t` FOR EACH ROW SET @y = 1;",
     "CREATE TRIGGER `shop_copy`.`trg` AFTER UPDATE ON `t` FOR EACH ROW SET @y = 1;", nullptr},
    {"a trigger and its table qualified with the dumped database",
     "/*!50003 CREATE*/ /*!50003 TRIGGER shop.trg BEFORE INSERT ON shop.items FOR EACH ROW SET "
     "NEW.a = shop.f() */;",
     "/*!50003 CREATE*/ /*!50003 TRIGGER `shop_copy`.trg BEFORE INSERT ON `shop_copy`.items FOR "
     "EACH ROW SET NEW.a = shop.f() */;",
     nullptr},
    {"ALTER DATABASE of the dumped database",
     "ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;",
     "ALTER DATABASE `shop_copy` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;", nullptr},
    {"ALTER DATABASE without a name", "ALTER DATABASE CHARACTER SET utf8mb4;", nullptr, nullptr},
    {"ALTER DATABASE of another database", "ALTER DATABASE `mysql` CHARACTER SET latin1;", "",
     "would leave the target"},
    // Triggers must not fire while the data loads.
    {"a write into a table after its trigger",
     "CREATE TABLE t (a INT);\nCREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW DELETE FROM "
     "victim.important;\nINSERT INTO t VALUES (1);",
     "CREATE TABLE t (a INT);\nCREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW DELETE FROM "
     "victim.important;",
     "writes into table 't' after the dump created trigger 'trg' on it"},
    {"a write after the trigger's table was dropped and made again",
     "CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW SET @x = 1;\nDROP TABLE t;\n"
     "CREATE TABLE t (a INT);\nINSERT INTO t VALUES (1);",
     nullptr, nullptr},
    {"a write after the trigger was dropped",
     "CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW SET @x = 1;\nDROP TRIGGER trg;\n"
     "INSERT INTO t VALUES (1);",
     nullptr, nullptr},
    // Under another DELIMITER the server runs each ';'-separated statement of one query.
    {"statements hidden behind a routine's END",
     "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; END; USE shop; END;;\nDELIMITER ;\n",
     "DELIMITER ;;\n", "holds further statements"},
    {"statements hidden after a SET",
     "DELIMITER ;;\n/*!50003 SET sql_mode = '' */ ; DELETE FROM victim.important ;;\n",
     "DELIMITER ;;\n", "holds further statements"},
    {"statements hidden after a single-statement body",
     "DELIMITER //\nCREATE PROCEDURE p() SELECT begin; USE shop; SELECT 1 //\n",
     "DELIMITER //\n", "holds further statements"},
    {"statements hidden behind a fake BEGIN in a CASE expression",
     "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT CASE WHEN 1 THEN begin END; END; USE shop; "
     "END;;\n",
     "DELIMITER ;;\n", "holds further statements"},
    {"statements hidden behind a label named begin",
     "DELIMITER ;;\nCREATE PROCEDURE p() BEGIN begin: LOOP LEAVE begin; END LOOP; END; USE shop; "
     "END;;\n",
     "DELIMITER ;;\n", "holds further statements"},
    {"statements hidden behind a body labelled begin",
     "DELIMITER ;;\nCREATE PROCEDURE p() begin: BEGIN SELECT 1; END; USE shop; END;;\n",
     "DELIMITER ;;\n", "holds further statements"},
    {"an INSERT holding a second statement",
     "DELIMITER ;;\nINSERT INTO t VALUES (1); USE shop;;\n", "DELIMITER ;;\n",
     "holds further statements"},
    {"routines with nested blocks, CASE and loops",
     "DELIMITER ;;\n"
     "CREATE DEFINER=CURRENT_USER PROCEDURE `p`(IN a INT)\n    MODIFIES SQL DATA\n"
     "BEGIN\n  DECLARE x INT DEFAULT 0;\n  lbl: LOOP\n    SET x = x + 1;\n"
     "    IF x > a THEN LEAVE lbl; END IF;\n  END LOOP lbl;\n"
     "  CASE WHEN x > 1 THEN SELECT CASE x WHEN 2 THEN 'two' ELSE 'more' END; ELSE BEGIN SELECT 1; "
     "END; END CASE;\n  BEGIN NOT ATOMIC SELECT ';'; END;\n  IF (a > 1) THEN BEGIN SELECT 2; "
     "END; END IF;\nEND ;;\n"
     "CREATE FUNCTION `f`(a INT) RETURNS varchar(10) CHARSET utf8mb4 COLLATE utf8mb4_general_ci\n"
     "    DETERMINISTIC\nBEGIN RETURN 'x;y'; END ;;\n"
     "CREATE FUNCTION `g`() RETURNS int(11) RETURN 1 ;;\n"
     "/*!50003 CREATE*/ /*!50003 TRIGGER `trg` BEFORE INSERT ON `t` FOR EACH ROW BEGIN SET NEW.a = "
     "1; END */;;\n"
     "/*!50106 CREATE*/ /*!50106 EVENT `ev` ON SCHEDULE EVERY 1 DAY STARTS '2026-01-01 00:00:00' "
     "ON COMPLETION NOT PRESERVE ENABLE DO BEGIN INSERT INTO t VALUES (1); SELECT ';'; END */ ;;\n"
     "DELIMITER ;\n",
     nullptr, nullptr},
    // Replication positions are skipped.
    {"CHANGE MASTER",
     "CHANGE MASTER TO MASTER_LOG_FILE='b.000001', MASTER_LOG_POS=4;\nINSERT INTO t VALUES (1);",
     "\nINSERT INTO t VALUES (1);", nullptr},
    {"gtid_slave_pos", "SET GLOBAL gtid_slave_pos='0-1-5';\nCOMMIT;", "\nCOMMIT;", nullptr},
};

TEST(RestoreGuardTest, PassesRewritesOrRefusesEachStatementWhateverTheChunks) {
  for (const auto& c : kCases) {
    for (size_t chunk : {c.input.size() + 1, size_t{1}, size_t{2}, size_t{3}, size_t{7},
                         size_t{64}}) {
      SCOPED_TRACE(std::string(c.name) + ", chunks of " + std::to_string(chunk));
      const Outcome out = Guard(c.input, chunk);
      const std::string expected = c.output == nullptr ? std::string(c.input) : c.output;
      EXPECT_EQ(out.output, expected);
      if (c.refusal == nullptr) {
        EXPECT_TRUE(out.status.ok()) << out.status.ToString();
      } else {
        EXPECT_EQ(out.status.kind(), ErrorKind::kIntegrity) << out.status.ToString();
        EXPECT_NE(out.status.message().find(c.refusal), std::string::npos)
            << out.status.message();
        EXPECT_NE(out.status.message().find("Refusing to restore"), std::string::npos);
      }
    }
  }
}

// Two chunks, split at every byte: the statement boundaries and heads fall everywhere.
TEST(RestoreGuardTest, SplitsAtEveryByteGiveTheSameResult) {
  for (const auto& c : kCases) {
    const Outcome whole = Guard(c.input, c.input.size() + 1);
    for (size_t split = 1; split < c.input.size(); ++split) {
      GuardSettings settings;
      settings.target = "shop_copy";
      settings.source = "shop";
      RestoreGuard guard(settings);
      StringSink sink;
      guard.set_downstream(&sink);
      const std::string_view a = c.input.substr(0, split), b = c.input.substr(split);
      Status s = guard.Write({reinterpret_cast<const uint8_t*>(a.data()), a.size()});
      if (s.ok()) s = guard.Write({reinterpret_cast<const uint8_t*>(b.data()), b.size()});
      if (s.ok()) s = guard.Finish();
      ASSERT_EQ(sink.text, whole.output) << c.name << ", split at " << split;
      ASSERT_EQ(s.ToString(), whole.status.ToString()) << c.name << ", split at " << split;
    }
  }
}

TEST(RestoreGuardTest, NamesTheDefinersItRewrote) {
  const Outcome out = Guard(
      "CREATE DEFINER=`root`@`localhost` PROCEDURE p() SELECT 1;\n"
      "CREATE DEFINER=`root`@`localhost` PROCEDURE q() SELECT 1;\n"
      "CREATE DEFINER='x'@'%' FUNCTION f() RETURNS INT RETURN 1;\n",
      5);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.definers, "'x'@'%';`root`@`localhost`;");
}

TEST(RestoreGuardTest, CountsTheStatementsItSkipped) {
  const Outcome out = Guard("CHANGE MASTER TO MASTER_LOG_POS=4;\nSET GLOBAL gtid_slave_pos='';\n", 1);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.skipped, 2u);
}

TEST(RestoreGuardTest, TheDrillCreatesEventsDisabled) {
  static const struct {
    const char* input;
    const char* output;
  } kEvents[] = {
      {"CREATE EVENT e ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE ENABLE DO SELECT 1;",
       "CREATE EVENT e ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE DISABLE DO SELECT 1;"},
      {"CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE ON SLAVE DO SELECT 1;",
       "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE ON SLAVE DO SELECT 1;"},
      {"CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1;",
       "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1;"},
  };
  for (const auto& c : kEvents) {
    for (size_t chunk : {size_t{1}, size_t{1000}}) {
      const Outcome out = Guard(c.input, chunk, /*disable_events=*/true);
      ASSERT_TRUE(out.status.ok()) << out.status.ToString();
      EXPECT_EQ(out.output, c.output);
    }
  }
}

TEST(RestoreGuardTest, ALongInsertStreamsThroughWithoutBeingHeld) {
  GuardSettings settings;
  settings.target = "t";
  RestoreGuard guard(settings);
  StringSink sink;
  guard.set_downstream(&sink);
  std::string tuples;
  for (int i = 0; i < 100000; ++i) tuples += "(" + std::to_string(i) + ",'xxxxxxxxxxxxxxxxx'),";
  auto write = [&](std::string_view s) {
    return guard.Write({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  };
  const std::string_view head = "INSERT INTO `t` VALUES ";
  ASSERT_TRUE(write(head).ok());
  uint64_t written = head.size();
  // 20 x 2.7 MB in one statement: once its head is judged, every chunk goes on as it comes.
  for (int round = 0; round < 20; ++round) {
    for (size_t at = 0; at < tuples.size(); at += 65536) {
      const std::string_view part = std::string_view(tuples).substr(at, 65536);
      ASSERT_TRUE(write(part).ok());
      written += part.size();
      ASSERT_EQ(sink.text.size(), written);
    }
    sink.text.clear();
    written = 0;
  }
  ASSERT_TRUE(write("(1,'');\n").ok());
  ASSERT_TRUE(guard.Finish().ok());
  EXPECT_EQ(guard.scanner().total_rows(), 20u * 100000u + 1u);
}

TEST(StatementExcerptTest, FoldsBlanksCutsAndEscapes) {
  EXPECT_EQ(StatementExcerpt("USE\n  `shop`"), "USE `shop`");
  EXPECT_EQ(StatementExcerpt(std::string("a\x01\x1b" "b")), "a\\x01\\x1bb");
  EXPECT_EQ(StatementExcerpt(std::string(500, 'x')), std::string(200, 'x') + "...");
}

}  // namespace
}  // namespace mysql_backup
