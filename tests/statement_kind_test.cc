#include "sql/statement_kind.h"

#include <gtest/gtest.h>

#include <string>

#include "sql/head_tokenizer.h"
#include "sql/statement_head.h"

namespace mysql_backup {
namespace {

// Every kind the guard judges and the splitter routes, as mysqldump and mariadb-dump write it,
// and the word the caller reads on from (only the first word is taken).
TEST(StatementKindTest, NamesEveryKindByItsFirstWords) {
  static const struct {
    const char* head;
    StatementKind kind;
    const char* next;  // the token after ReadStatementKind, as written; "" at the end
  } kCases[] = {
      {"", StatementKind::kEmpty, ""},
      {"  -- a comment\n /* another */ ", StatementKind::kEmpty, ""},
      {"SET NAMES utf8mb4", StatementKind::kSet, "NAMES"},
      {"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE */", StatementKind::kSet, "@OLD_SQL_MODE"},
      {"set session sql_mode = ''", StatementKind::kSet, "session"},
      {"USE `other`", StatementKind::kUse, "`other`"},
      {"CREATE TABLE `t` (", StatementKind::kCreate, "TABLE"},
      {"/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg",
       StatementKind::kCreate, "DEFINER"},
      {"CREATE DATABASE `d`", StatementKind::kCreate, "DATABASE"},
      {"DROP TABLE IF EXISTS `t`", StatementKind::kDrop, "TABLE"},
      {"/*!50001 DROP VIEW IF EXISTS `v`*/", StatementKind::kDrop, "VIEW"},
      {"INSERT INTO `t` VALUES ", StatementKind::kInsert, "INTO"},
      {"INSERT IGNORE INTO `t` ", StatementKind::kInsert, "IGNORE"},
      {"REPLACE INTO `t` VALUES ", StatementKind::kInsert, "INTO"},
      {"LOCK TABLES `t` WRITE", StatementKind::kLock, "TABLES"},
      {"UNLOCK TABLES", StatementKind::kUnlock, "TABLES"},
      {"BEGIN", StatementKind::kTransaction, ""},
      {"COMMIT", StatementKind::kTransaction, ""},
      {"START TRANSACTION", StatementKind::kTransaction, "TRANSACTION"},
      {"/*!40000 ALTER TABLE `t` DISABLE KEYS */", StatementKind::kAlter, "TABLE"},
      {"ALTER DATABASE `d` CHARACTER SET latin1", StatementKind::kAlter, "DATABASE"},
      {"SELECT SETVAL(`s`, 1001, 0)", StatementKind::kSelectOrDo, "SETVAL"},
      {"DO SETVAL(`s`, 1001, 0)", StatementKind::kSelectOrDo, "SETVAL"},
      {"CHANGE MASTER TO MASTER_LOG_FILE='b.000001'", StatementKind::kReplicationPosition,
       "MASTER"},
      {"-- CHANGE REPLICATION SOURCE TO ...\nCHANGE REPLICATION SOURCE TO SOURCE_LOG_POS=4",
       StatementKind::kReplicationPosition, "REPLICATION"},
      {"STOP SLAVE", StatementKind::kReplicationCommand, "SLAVE"},
      {"START REPLICA", StatementKind::kReplicationCommand, "REPLICA"},
      {"STOP ALL SLAVES", StatementKind::kReplicationCommand, "ALL"},
      {"START SLAVE UNTIL", StatementKind::kReplicationCommand, "SLAVE"},
      // Words that only look like a kind.
      {"START GROUP_REPLICATION", StatementKind::kOther, "GROUP_REPLICATION"},
      {"CHANGE MASTERS", StatementKind::kOther, "MASTERS"},
      {"STOP TRANSACTION", StatementKind::kOther, "TRANSACTION"},
      {"`SET` x", StatementKind::kOther, "x"},
      {"'INSERT' INTO t", StatementKind::kOther, "INTO"},
      {"UPDATE `t` SET a = 1", StatementKind::kOther, "`t`"},
      {"GRANT ALL ON *.* TO x", StatementKind::kOther, "ALL"},
      {"INSERTS INTO t", StatementKind::kOther, "INTO"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.head);
    HeadTokenizer tokens(c.head, 0);
    EXPECT_EQ(ReadStatementKind(tokens), c.kind);
    EXPECT_EQ(tokens.Next().raw, c.next);
  }
}

TEST(StatementKindTest, ReadsTheFirstWordInTheSqlModeItIsLexedWith) {
  // Under ANSI_QUOTES "SET" is a name, not the keyword.
  HeadTokenizer ansi("\"SET\" x", kSqlModeAnsiQuotes);
  EXPECT_EQ(ReadStatementKind(ansi), StatementKind::kOther);
}

TEST(StatementKindTest, ObjectKeywordNamesTheObjectsOfCreateAndDrop) {
  static const struct {
    const char* text;
    ObjectKind kind;
  } kCases[] = {
      {"TABLE", ObjectKind::kTable},       {"table", ObjectKind::kTable},
      {"VIEW", ObjectKind::kView},         {"PROCEDURE", ObjectKind::kProcedure},
      {"FUNCTION", ObjectKind::kFunction}, {"TRIGGER", ObjectKind::kTrigger},
      {"EVENT", ObjectKind::kEvent},       {"SEQUENCE", ObjectKind::kSequence},
      {"DATABASE", ObjectKind::kNone},     {"INDEX", ObjectKind::kNone},
      {"`TABLE`", ObjectKind::kNone},      {"'VIEW'", ObjectKind::kNone},
      {"TABLES", ObjectKind::kNone},       {"", ObjectKind::kNone},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    HeadTokenizer tokens(c.text, 0);
    EXPECT_EQ(ObjectKeyword(tokens.Next()), c.kind);
  }
}

}  // namespace
}  // namespace mysql_backup
