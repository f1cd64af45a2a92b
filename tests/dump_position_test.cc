// Where a run's replay starts (binlog/dump_position.h): the earliest position of its database
// files, by file number then offset; a run whose database files do not all record a position
// in one series has no start and says why.
#include "binlog/dump_position.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace mysql_backup {
namespace {

struct F {
  std::string database;  // "": the accounts file
  std::optional<BinlogPosition> binlog;
};

RunManifest Manifest(const std::vector<F>& files, const std::string& note = "") {
  RunManifest m;
  m.binlog_note = note;
  for (const auto& f : files) {
    ManifestFile mf;
    mf.kind = f.database.empty() ? BackupKind::kAccounts : BackupKind::kDatabase;
    mf.database = f.database;
    mf.name = (f.database.empty() ? std::string("accounts") : f.database) + "-daily-x.sql.gz";
    mf.binlog = f.binlog;
    m.files.push_back(mf);
  }
  return m;
}

BinlogPosition P(const std::string& file, uint64_t pos) { return {file, pos, ""}; }

TEST(ReplayStartTest, StartsAtTheEarliestDatabasePositionByNumberThenOffset) {
  static const struct {
    const char* what;
    std::vector<F> files;
    BinlogPosition start;
    std::vector<std::string> later;
  } kCases[] = {
      {"one database", {{"shop", P("mysql-bin.000003", 500)}}, P("mysql-bin.000003", 500), {}},
      {"same file, lower offset first",
       {{"a", P("mysql-bin.000003", 900)}, {"b", P("mysql-bin.000003", 400)}},
       P("mysql-bin.000003", 400),
       {"a"}},
      {"by number, not by text (999999 < 1000000)",
       {{"a", P("mysql-bin.1000000", 4)}, {"b", P("mysql-bin.999999", 800)}},
       P("mysql-bin.999999", 800),
       {"a"}},
      {"the accounts file records none and does not count",
       {{"", std::nullopt}, {"shop", P("mysql-bin.000007", 10)}},
       P("mysql-bin.000007", 10),
       {}},
      {"all at one position: nothing later",
       {{"a", P("mysql-bin.000002", 4)}, {"b", P("mysql-bin.000002", 4)}},
       P("mysql-bin.000002", 4),
       {}},
  };
  for (const auto& c : kCases) {
    ReplayStart s = ReplayStartOf(Manifest(c.files));
    ASSERT_TRUE(s.position) << c.what << ": " << s.why_not;
    EXPECT_EQ(s.position->file, c.start.file) << c.what;
    EXPECT_EQ(s.position->position, c.start.position) << c.what;
    EXPECT_FALSE(s.partly_recorded) << c.what;
    std::vector<std::string> later;
    for (const auto& [db, pos] : s.later) later.push_back(db);
    EXPECT_EQ(later, c.later) << c.what;
  }
}

TEST(ReplayStartTest, ARunWhoseDatabaseFilesDoNotAllRecordOneSeriesHasNoStart) {
  static const struct {
    const char* what;
    std::vector<F> files;
    bool partly_recorded;
    std::string said;
  } kCases[] = {
      {"no database", {{"", std::nullopt}}, false, "it holds no database"},
      {"none recorded",
       {{"a", std::nullopt}, {"b", std::nullopt}},
       false,
       "'a-daily-x.sql.gz' has no binlog position: binary logging is off"},
      {"one of two recorded",
       {{"a", P("mysql-bin.000003", 4)}, {"b", std::nullopt}},
       true,
       "'b-daily-x.sql.gz' has no binlog position"},
      {"a name that is not a binlog name",
       {{"a", P("mysql-bin.000003", 4)}, {"b", P("mysql-bin", 4)}},
       true,
       "'mysql-bin', which is not a binlog name"},
      {"two series",
       {{"a", P("mysql-bin.000003", 4)}, {"b", P("other-bin.000001", 4)}},
       true,
       "two binlog series, 'mysql-bin' and 'other-bin'"},
  };
  for (const auto& c : kCases) {
    ReplayStart s = ReplayStartOf(Manifest(c.files, "binary logging is off"));
    EXPECT_FALSE(s.position) << c.what;
    EXPECT_TRUE(s.later.empty()) << c.what;
    EXPECT_EQ(s.partly_recorded, c.partly_recorded) << c.what;
    EXPECT_NE(s.why_not.find(c.said), std::string::npos) << c.what << ": " << s.why_not;
  }
}

}  // namespace
}  // namespace mysql_backup
