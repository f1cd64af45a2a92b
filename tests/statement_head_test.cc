#include "sql/statement_head.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mysql_backup {
namespace {

TEST(StatementHeadTest, NamesWhatCreateAndDropTouch) {
  using Verb = StatementHead::Verb;
  static const struct {
    const char* head;
    Verb verb;
    ObjectKind object;
    std::vector<std::string> names;
  } kCases[] = {
      {"CREATE TABLE `t` (\n  `id` int", Verb::kCreate, ObjectKind::kTable, {"t"}},
      {"CREATE TABLE IF NOT EXISTS `a``b` (", Verb::kCreate, ObjectKind::kTable, {"a`b"}},
      {"/*!40101 CREATE TABLE `db`.`t` (x int) */", Verb::kCreate, ObjectKind::kTable, {"t"}},
      {"CREATE TEMPORARY TABLE `t` (x int)", Verb::kOther, ObjectKind::kNone, {}},
      {"/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL SECURITY "
       "DEFINER */\n/*!50001 VIEW `v` AS select 1",
       Verb::kCreate,
       ObjectKind::kView,
       {"v"}},
      {"/*!50001 CREATE VIEW `v` AS SELECT\n 1 AS `id` */",
       Verb::kCreate,
       ObjectKind::kView,
       {"v"}},
      {"CREATE DEFINER=`view`@`%` PROCEDURE `p`(IN a INT)",
       Verb::kCreate,
       ObjectKind::kProcedure,
       {"p"}},
      {"CREATE DEFINER=`root`@`localhost` FUNCTION `f`(a INT) RETURNS int(11)",
       Verb::kCreate,
       ObjectKind::kFunction,
       {"f"}},
      {"CREATE OR REPLACE AGGREGATE FUNCTION f2() RETURNS INT",
       Verb::kCreate,
       ObjectKind::kFunction,
       {"f2"}},
      {"/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE",
       Verb::kCreate,
       ObjectKind::kTrigger,
       {"trg"}},
      {"/*!50003 CREATE*/ /*!50003 TRIGGER db.trg AFTER",
       Verb::kCreate,
       ObjectKind::kTrigger,
       {"trg"}},
      {"/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT `ev` ON SCHEDULE",
       Verb::kCreate,
       ObjectKind::kEvent,
       {"ev"}},
      {"CREATE SEQUENCE `s` start with 1", Verb::kCreate, ObjectKind::kSequence, {"s"}},
      {"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d`", Verb::kOther, ObjectKind::kNone, {}},
      {"DROP TABLE IF EXISTS `a`, `b`,`c`", Verb::kDrop, ObjectKind::kTable, {"a", "b", "c"}},
      {"/*!50001 DROP VIEW IF EXISTS `v`*/", Verb::kDrop, ObjectKind::kView, {"v"}},
      {"/*!50003 DROP PROCEDURE IF EXISTS `p` */", Verb::kDrop, ObjectKind::kProcedure, {"p"}},
      {"DROP TEMPORARY TABLE `t`", Verb::kOther, ObjectKind::kNone, {}},
      {"LOCK TABLES `t` WRITE", Verb::kOther, ObjectKind::kNone, {}},
      {"/*!40000 ALTER TABLE `t` DISABLE KEYS */", Verb::kOther, ObjectKind::kNone, {}},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.head);
    const StatementHead head = ParseStatementHead(c.head, 0);
    EXPECT_EQ(head.verb, c.verb);
    EXPECT_EQ(head.object, c.object);
    EXPECT_EQ(head.names, c.names);
  }
}

TEST(StatementHeadTest, DoubleQuotedNamesUnderAnsiQuotes) {
  const StatementHead head = ParseStatementHead(
      R"(CREATE DEFINER="root"@"localhost" PROCEDURE "a ""b"""())", kSqlModeAnsiQuotes);
  EXPECT_EQ(head.names, std::vector<std::string>{"a \"b\""});
}

TEST(StatementHeadTest, ReadsSqlModeAssignments) {
  using Value = SetAssignment::Value;
  const StatementHead head = ParseStatementHead(
      "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_BACKSLASH_ESCAPES,ANSI', "
      "@@session.sql_mode = @saved, GLOBAL sql_mode = '', @x := CONCAT('a', 'b') */",
      0);
  ASSERT_EQ(head.verb, StatementHead::Verb::kSet);
  ASSERT_EQ(head.assignments.size(), 4u);
  EXPECT_EQ(head.assignments[0].target, "@old_sql_mode");
  EXPECT_EQ(head.assignments[0].value, Value::kCurrentModes);
  EXPECT_EQ(head.assignments[1].target, "sql_mode");
  EXPECT_EQ(head.assignments[1].value, Value::kModes);
  EXPECT_EQ(head.assignments[1].modes, kSqlModeNoBackslashEscapes | kSqlModeAnsiQuotes);
  EXPECT_EQ(head.assignments[2].target, "sql_mode");
  EXPECT_EQ(head.assignments[2].value, Value::kVariable);
  EXPECT_EQ(head.assignments[2].variable, "@saved");
  EXPECT_EQ(head.assignments[3].target, "@x");
  EXPECT_EQ(head.assignments[3].value, Value::kUnknown);
}

TEST(StatementHeadTest, TellsColumnListFromFirstTuple) {
  using Kind = InsertHead::Kind;
  static const struct {
    const char* head;
    Kind kind;
    const char* table;
  } kCases[] = {
      {"INSERT INTO `t` VALUES ", Kind::kValues, "t"},
      {"INSERT INTO `t` VALUES", Kind::kValues, "t"},
      {"insert into t value ", Kind::kValues, "t"},
      {"INSERT  IGNORE INTO `t` VALUES ", Kind::kValues, "t"},
      {"INSERT LOW_PRIORITY IGNORE INTO `db`.`t` VALUES ", Kind::kValues, "t"},
      {"REPLACE INTO `t` VALUES ", Kind::kValues, "t"},
      {"INSERT INTO `t` ", Kind::kColumns, "t"},
      {"INSERT `t` ", Kind::kColumns, "t"},
      {"INSERT INTO `t` SELECT ", Kind::kOther, ""},
      {"INSERT INTO `t` PARTITION ", Kind::kOther, ""},
      {"INSERT INTO ", Kind::kOther, ""},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.head);
    const InsertHead head = ParseInsertHead(c.head, 0);
    EXPECT_EQ(head.kind, c.kind);
    EXPECT_EQ(head.table, c.table);
  }
}

TEST(StatementHeadTest, SqlModeLexBits) {
  EXPECT_EQ(SqlModeLexBits(""), 0);
  EXPECT_EQ(SqlModeLexBits("STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"), 0);
  EXPECT_EQ(SqlModeLexBits("no_backslash_escapes"), kSqlModeNoBackslashEscapes);
  EXPECT_EQ(SqlModeLexBits("PIPES_AS_CONCAT, ANSI_QUOTES"), kSqlModeAnsiQuotes);
  EXPECT_EQ(SqlModeLexBits("ORACLE"), kSqlModeAnsiQuotes);
  EXPECT_EQ(SqlModeLexBits("ANSI_QUOTES_X"), 0);
}

}  // namespace
}  // namespace mysql_backup
