// The dump splitter, without a server: each table's statements in one unit, every SET in the
// session stream at its place, views, routines, triggers and events in the post stream in dump
// order, DELIMITER written around what needs it, barriers for what must not be reordered, and
// the same split whatever the chunks the stream comes in.
#include "sql/dump_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace mysql_backup {
namespace {

struct RecordedUnit {
  SplitTarget::UnitKind kind;
  std::string table;
  uint64_t session_start = 0;
  uint64_t session_end = 0;
  std::string text;
  bool ended = false;
};

class Recorder : public SplitTarget {
 public:
  Status BeginUnit(UnitKind kind, const std::string& table, uint64_t session_start) override {
    EXPECT_TRUE(units.empty() || units.back().ended) << "a unit began while one was open";
    units.push_back({kind, table, session_start, 0, "", false});
    return Status::Ok();
  }
  Status UnitBytes(std::string_view bytes) override {
    EXPECT_FALSE(units.empty() || units.back().ended);
    if (!units.empty()) units.back().text.append(bytes);
    return Status::Ok();
  }
  Status EndUnit(uint64_t session_end) override {
    units.back().session_end = session_end;
    units.back().ended = true;
    return Status::Ok();
  }
  Status SessionBytes(std::string_view bytes) override {
    session.append(bytes);
    return Status::Ok();
  }
  Status PostBytes(std::string_view bytes) override {
    post.append(bytes);
    return Status::Ok();
  }
  std::vector<RecordedUnit> units;
  std::string session;
  std::string post;
};

Recorder Split(std::string_view input, size_t chunk) {
  Recorder r;
  DumpSplitter splitter(&r);
  for (size_t at = 0; at < input.size(); at += chunk) {
    const std::string_view part = input.substr(at, chunk);
    EXPECT_TRUE(splitter.Write({reinterpret_cast<const uint8_t*>(part.data()), part.size()}).ok());
  }
  EXPECT_TRUE(splitter.Finish().ok());
  return r;
}

// mariadb-dump --routines --events --triggers of two tables with a trigger and a view, shortened.
constexpr std::string_view kDump =
    "/*M!999999\\- enable the sandbox mode */ \n"
    "-- MariaDB dump 10.19\n"
    "/*!40101 SET NAMES utf8mb4 */;\n"
    "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
    "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
    "\n--\n-- Table structure for table `a`\n--\n\n"
    "DROP TABLE IF EXISTS `a`;\n"
    "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
    "/*!40101 SET character_set_client = utf8mb4 */;\n"
    "CREATE TABLE `a` (`id` int NOT NULL) ENGINE=InnoDB;\n"
    "/*!40101 SET character_set_client = @saved_cs_client */;\n"
    "LOCK TABLES `a` WRITE;\n"
    "/*!40000 ALTER TABLE `a` DISABLE KEYS */;\n"
    "INSERT INTO `a` VALUES (1),(2);\n"
    "/*!40000 ALTER TABLE `a` ENABLE KEYS */;\n"
    "UNLOCK TABLES;\n"
    "/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;\n"
    "/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES' */ ;\n"
    "DELIMITER ;;\n"
    "/*!50003 CREATE*/ /*!50003 TRIGGER `a_ins` BEFORE INSERT ON `a` FOR EACH ROW BEGIN "
    "SET NEW.id = NEW.id + 1; END */;;\n"
    "DELIMITER ;\n"
    "/*!50003 SET sql_mode              = @saved_sql_mode */ ;\n"
    "DROP TABLE IF EXISTS `v`;\n"
    "/*!50001 DROP VIEW IF EXISTS `v`*/;\n"
    "/*!50001 CREATE VIEW `v` AS SELECT 1 AS `id` */;\n"
    "DROP TABLE IF EXISTS `b`;\n"
    "CREATE TABLE `b` (`x` text);\n"
    "INSERT INTO `b` VALUES ('it''s; (not) the end'),('x');\n"
    "INSERT INTO `b` VALUES ('second');\n"
    "/*!50001 DROP VIEW IF EXISTS `v`*/;\n"
    "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW `v` AS select `a`.`id` AS `id` from "
    "`a` */;\n"
    "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
    "\n-- Dump completed on 2026-12-02  7:37:20\n";

TEST(DumpSplitterTest, PutsEachTableInOneUnitAndObjectsInThePostStream) {
  Recorder r = Split(kDump, kDump.size());
  ASSERT_EQ(r.units.size(), 2u);
  EXPECT_EQ(r.units[0].kind, SplitTarget::UnitKind::kTable);
  EXPECT_EQ(r.units[0].table, "a");
  EXPECT_EQ(r.units[1].table, "b");
  const std::string& a = r.units[0].text;
  for (std::string_view part : {"DROP TABLE IF EXISTS `a`", "CREATE TABLE `a`", "DISABLE KEYS",
                                "INSERT INTO `a` VALUES (1),(2);", "ENABLE KEYS",
                                "SET sql_mode"}) {
    EXPECT_NE(a.find(part), std::string::npos) << part << " missing from unit a:\n" << a;
  }
  // LOCK TABLES would fix the tables the session may touch before a foreign-key relative
  // exists; each INSERT locks what it needs instead.
  EXPECT_EQ(a.find("LOCK TABLES"), std::string::npos) << a;
  EXPECT_EQ(a.find("TRIGGER"), std::string::npos) << a;
  const std::string& b = r.units[1].text;
  EXPECT_NE(b.find("DROP TABLE IF EXISTS `b`;\nCREATE TABLE `b`"), std::string::npos) << b;
  EXPECT_NE(b.find("INSERT INTO `b` VALUES ('second');"), std::string::npos) << b;
  EXPECT_EQ(b.find("VIEW"), std::string::npos) << b;
  EXPECT_EQ(b.find("saved_sql_mode"), std::string::npos) << "the trigger's SETs stay out:\n" << b;

  // The post stream: the trigger under its own delimiter, then the views, in dump order, with
  // the SETs that frame them; never a table's statements.
  const size_t trigger = r.post.find("\nDELIMITER ;;\n/*!50003 CREATE*/ /*!50003 TRIGGER");
  const size_t back = r.post.find("END */;;\nDELIMITER ;\n");
  const size_t mode_set = r.post.find("SET sql_mode              = 'STRICT_TRANS_TABLES'");
  const size_t mode_back = r.post.find("SET sql_mode              = @saved_sql_mode");
  const size_t standin = r.post.find("CREATE VIEW `v` AS SELECT 1");
  const size_t final_view = r.post.find("VIEW `v` AS select");
  for (size_t at : {trigger, back, mode_set, mode_back, standin, final_view}) {
    ASSERT_NE(at, std::string::npos) << r.post;
  }
  EXPECT_LT(mode_set, trigger);
  EXPECT_LT(back, mode_back);
  EXPECT_LT(mode_back, standin);
  EXPECT_LT(standin, final_view);
  EXPECT_EQ(r.post.find("INSERT INTO"), std::string::npos) << r.post;
  EXPECT_EQ(r.post.find("CREATE TABLE"), std::string::npos) << r.post;
  EXPECT_NE(r.post.find("DROP TABLE IF EXISTS `v`"), std::string::npos) << r.post;
  EXPECT_NE(r.post.rfind("SET SQL_MODE=@OLD_SQL_MODE"), std::string::npos);
  EXPECT_EQ(r.post.rfind("/*M!999999\\- enable the sandbox mode */", 0), 0u) << r.post;
}

TEST(DumpSplitterTest, SessionStreamHoldsEverySetInOrderAndUnitsSayWhereTheyBegin) {
  Recorder r = Split(kDump, kDump.size());
  EXPECT_EQ(r.session.find("DROP"), std::string::npos);
  EXPECT_EQ(r.session.find("CREATE"), std::string::npos);
  EXPECT_EQ(r.session.find("INSERT"), std::string::npos);
  const size_t names = r.session.find("SET NAMES utf8mb4");
  const size_t fk = r.session.find("FOREIGN_KEY_CHECKS=0");
  const size_t trigger_mode = r.session.find("SET sql_mode              = 'STRICT_TRANS_TABLES'");
  ASSERT_NE(names, std::string::npos);
  ASSERT_NE(fk, std::string::npos);
  ASSERT_NE(trigger_mode, std::string::npos);
  EXPECT_LT(names, fk);
  // Unit a holds the header itself (nothing to replay before it); b replays every SET before it.
  EXPECT_EQ(r.session.substr(0, r.units[0].session_start).find("SET"), std::string::npos);
  EXPECT_LE(r.units[0].session_end, r.units[1].session_start);
  EXPECT_GT(r.units[1].session_start, trigger_mode);
  EXPECT_NE(r.units[0].text.find("SET NAMES utf8mb4"), std::string::npos);
}

TEST(DumpSplitterTest, SplitsTheSameWhateverTheChunks) {
  const Recorder whole = Split(kDump, kDump.size());
  for (size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    const Recorder r = Split(kDump, chunk);
    ASSERT_EQ(r.units.size(), whole.units.size()) << "chunk " << chunk;
    for (size_t i = 0; i < r.units.size(); ++i) {
      EXPECT_EQ(r.units[i].text, whole.units[i].text) << "chunk " << chunk;
      EXPECT_EQ(r.units[i].session_start, whole.units[i].session_start);
      EXPECT_EQ(r.units[i].session_end, whole.units[i].session_end);
    }
    EXPECT_EQ(r.session, whole.session) << "chunk " << chunk;
    EXPECT_EQ(r.post, whole.post) << "chunk " << chunk;
  }
}

TEST(DumpSplitterTest, MakesBarriersOfWhatItMustNotReorder) {
  static const struct {
    const char* name;
    std::string_view dump;
    std::vector<SplitTarget::UnitKind> kinds;
  } kCases[] = {
      {"sequence and its SETVAL",
       "CREATE SEQUENCE `s` start with 1 increment by 1;\nSELECT SETVAL(`s`, 5, 0);\n"
       "CREATE TABLE `t` (`id` int DEFAULT nextval(`s`));\n",
       {SplitTarget::UnitKind::kBarrier, SplitTarget::UnitKind::kTable}},
      {"a second unit for the same table",
       "CREATE TABLE `t` (`id` int);\nCREATE TABLE `u` (`id` int);\n"
       "INSERT INTO `t` VALUES (1);\n",
       {SplitTarget::UnitKind::kTable, SplitTarget::UnitKind::kTable,
        SplitTarget::UnitKind::kBarrier}},
      {"data without CREATE (--no-create-info)",
       "LOCK TABLES `t` WRITE;\nINSERT INTO `t` VALUES (1);\nUNLOCK TABLES;\n"
       "LOCK TABLES `u` WRITE;\nINSERT INTO `u` VALUES (1);\nUNLOCK TABLES;\n",
       {SplitTarget::UnitKind::kTable, SplitTarget::UnitKind::kTable}},
      {"an unknown statement between tables",
       "CREATE TABLE `t` (`id` int);\nALTER DATABASE CHARACTER SET utf8mb4;\n"
       "CREATE TABLE `u` (`id` int);\n",
       {SplitTarget::UnitKind::kTable, SplitTarget::UnitKind::kBarrier,
        SplitTarget::UnitKind::kTable}},
  };
  for (const auto& c : kCases) {
    const Recorder r = Split(c.dump, c.dump.size());
    std::vector<SplitTarget::UnitKind> kinds;
    for (const auto& u : r.units) kinds.push_back(u.kind);
    EXPECT_EQ(kinds, c.kinds) << c.name;
  }
}

TEST(DumpSplitterTest, UnknownStatementsAmongObjectsStayInThePostStream) {
  // mariadb-dump switches the database's character set around a routine: it must stay with it.
  constexpr std::string_view kDumpWithRoutine =
      "CREATE TABLE `t` (`id` int);\n"
      "/*!50003 DROP PROCEDURE IF EXISTS `p` */;\n"
      "ALTER DATABASE `db` CHARACTER SET latin1;\n"
      "DELIMITER ;;\nCREATE PROCEDURE `p`() BEGIN SELECT 1; END ;;\nDELIMITER ;\n"
      "ALTER DATABASE `db` CHARACTER SET utf8mb4;\n";
  const Recorder r = Split(kDumpWithRoutine, kDumpWithRoutine.size());
  ASSERT_EQ(r.units.size(), 1u);
  const size_t first = r.post.find("latin1");
  const size_t proc = r.post.find("CREATE PROCEDURE");
  const size_t last = r.post.find("CHARACTER SET utf8mb4");
  ASSERT_NE(first, std::string::npos) << r.post;
  EXPECT_LT(first, proc);
  EXPECT_LT(proc, last);
  EXPECT_NE(r.post.find("\nDELIMITER ;;\nCREATE PROCEDURE `p`() BEGIN SELECT 1; END ;;\n"
                        "DELIMITER ;\n"),
            std::string::npos)
      << r.post;
}

TEST(DumpSplitterTest, TooMuchHeldBetweenUnitsBecomesABarrier) {
  std::string dump = "CREATE TABLE `t` (`id` int);\nDROP TABLE IF EXISTS `u`;\n";
  dump += "SET @big = '" + std::string(DumpSplitter::kMaxPendingBytes, 'x') + "';\n";
  dump += "CREATE TABLE `u` (`id` int);\n";
  const Recorder r = Split(dump, 4096);
  ASSERT_EQ(r.units.size(), 3u);
  EXPECT_EQ(r.units[1].kind, SplitTarget::UnitKind::kBarrier);
  EXPECT_NE(r.units[1].text.find("DROP TABLE IF EXISTS `u`"), std::string::npos);
  EXPECT_TRUE(r.units[1].text.ends_with("xx';")) << r.units[1].text.substr(0, 80);
  EXPECT_NE(r.session.find("SET @big"), std::string::npos);
}

}  // namespace
}  // namespace mysql_backup
