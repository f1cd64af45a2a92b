// Which databases a run takes: every expected name is accounted for, `*` never takes the
// virtual schemas or `mysql`, and exclude patterns match whole names only (`test` does not
// catch `latest`, a problem other tools' users report).
#include "config/database_selection.h"

#include <gtest/gtest.h>

namespace mysql_backup {
namespace {

using Names = std::vector<std::string>;

TEST(DatabaseSelectionTest, ExcludeGlobsMatchWholeNamesOnly) {
  static const struct {
    const char* pattern;
    const char* name;
    bool matches;
  } kCases[] = {
      {"test", "test", true},        {"test", "latest", false},   {"test", "test2", false},
      {"test", "Test", false},       {"test_*", "test_1", true},  {"test_*", "latest_1", false},
      {"*_tmp", "a_tmp", true},      {"*_tmp", "a_tmp2", false},  {"db?", "db1", true},
      {"db?", "db12", false},        {"[ab]*", "alpha", true},    {"[ab]*", "gamma", false},
      {"*", "anything", true},       {"a/b", "a/b", true},        {".*", ".x", true},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(GlobMatches(c.pattern, c.name), c.matches) << c.pattern << " vs " << c.name;
  }
}

TEST(DatabaseSelectionTest, StarTakesEveryUserDatabaseButTheExcluded) {
  DatabaseSelection sel;
  sel.mode = DatabaseSelection::Mode::kAll;
  sel.exclude = {"test", "tmp_*"};
  Names server = {"information_schema", "latest", "mysql", "PERFORMANCE_SCHEMA", "shop",
                  "sys", "test", "tmp_1", "my db"};
  SelectionPlan plan = PlanDatabases(sel, server, true);
  EXPECT_EQ(plan.to_dump, (Names{"latest", "shop", "my db"}));
  EXPECT_EQ(plan.expected, plan.to_dump);
  EXPECT_EQ(plan.excluded, (Names{"test", "tmp_1"}));
  EXPECT_TRUE(plan.missing.empty());
}

TEST(DatabaseSelectionTest, ListedNamesAreAllExpectedAndTheAbsentOnesMissing) {
  DatabaseSelection sel;
  sel.mode = DatabaseSelection::Mode::kList;
  sel.names = {"shop", "tpyo", "mysql"};
  SelectionPlan plan = PlanDatabases(sel, {"mysql", "shop", "blog"}, true);
  EXPECT_EQ(plan.expected, (Names{"shop", "tpyo", "mysql"}));
  EXPECT_EQ(plan.to_dump, (Names{"shop", "mysql"}));
  EXPECT_EQ(plan.missing, (Names{"tpyo"}));
  // Without a server list, every name is tried and the dump reports what is missing.
  plan = PlanDatabases(sel, {}, false);
  EXPECT_EQ(plan.to_dump, (Names{"shop", "tpyo", "mysql"}));
  EXPECT_TRUE(plan.missing.empty());
}

TEST(DatabaseSelectionTest, SplitsListsAndRejectsAmbiguousOnes) {
  auto ok = SplitNameList(" shop ,my db,\tcaf\xc3\xa9 ");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (Names{"shop", "my db", "caf\xc3\xa9"}));
  EXPECT_EQ(*SplitNameList("*"), (Names{"*"}));
  // Continuation lines, with or without commas at the breaks.
  EXPECT_EQ(*SplitNameList("shop,\n  blog\n  wiki ,\n  crm"), (Names{"shop", "blog", "wiki", "crm"}));
  for (const char* bad : {"", "a,,b", "a,", ",a", "a, a", "*, shop", " , "}) {
    auto r = SplitNameList(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().kind(), ErrorKind::kConfiguration);
    }
  }
}

TEST(DatabaseSelectionTest, VirtualSchemasInAnyCase) {
  for (const char* s : {"information_schema", "INFORMATION_SCHEMA", "performance_schema", "sys",
                        "SYS"}) {
    EXPECT_TRUE(IsVirtualSchema(s)) << s;
  }
  for (const char* s : {"mysql", "system", "sys2", "information"}) {
    EXPECT_FALSE(IsVirtualSchema(s)) << s;
  }
}

}  // namespace
}  // namespace mysql_backup
