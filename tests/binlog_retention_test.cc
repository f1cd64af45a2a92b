// PlanBinlogPrune: which archived binary logs a cleanup deletes, given what the kept dumps need.
#include "binlog/binlog_retention.h"

#include <gtest/gtest.h>

namespace mysql_backup {
namespace {

using Names = std::vector<std::string>;

TEST(BinlogRetentionTest, DeletesExactlyTheFilesBeforeTheOldestKeptPosition) {
  static const struct {
    const char* what;
    Names archived;
    Names unpublished;
    Names needed;
    Names deleted;
  } kCases[] = {
      {"before the oldest needed file",
       {"b.000001", "b.000002", "b.000003", "b.000004", "b.000005"}, {}, {"b.000004", "b.000003"},
       {"b.000001", "b.000002"}},
      {"the needed file itself stays", {"b.000003", "b.000004"}, {}, {"b.000003"}, {}},
      {"no kept position: nothing", {"b.000001", "b.000002"}, {}, {}, {}},
      {"a series no kept position belongs to stays",
       {"a.000001", "a.000002", "b.000001", "b.000002", "b.000003"}, {}, {"b.000003"},
       {"b.000001", "b.000002"}},
      {"numbers, not names, decide (width grows)", {"b.99999", "b.100000", "b.100001"}, {},
       {"b.100001"}, {"b.99999", "b.100000"}},
      {"the newest archived file stays even when older than the position",
       {"b.000001", "b.000002", "b.000003"}, {}, {"b.000009"}, {"b.000001", "b.000002"}},
      {"debris without a sidecar before the position goes, after it stays",
       {"b.000003", "b.000004"}, {"b.000001", "b.000005"}, {"b.000003"}, {"b.000001"}},
      {"debris numbered like the newest archived file is not protected", {"b.000002"},
       {"b.000001"}, {"b.000003"}, {"b.000001"}},
  };
  for (const auto& c : kCases) {
    BinlogPrunePlan plan = PlanBinlogPrune(c.archived, c.unpublished, c.needed);
    EXPECT_EQ(plan.to_delete, c.deleted) << c.what;
  }
}

TEST(BinlogRetentionTest, SaysWhyNothingGoesWithoutAKeptPosition) {
  BinlogPrunePlan plan = PlanBinlogPrune({"b.000001", "b.000002"}, {}, {});
  EXPECT_TRUE(plan.to_delete.empty());
  ASSERT_EQ(plan.kept_because.size(), 1u);
  EXPECT_NE(plan.kept_because[0].find("no kept dump records a binlog position"), std::string::npos);
}

TEST(BinlogRetentionTest, NamesTheAnchorPerSeries) {
  BinlogPrunePlan plan = PlanBinlogPrune({"b.000001", "b.000002"}, {}, {"b.000007", "b.000002"});
  EXPECT_EQ(plan.anchors, Names({"b.000002"}));
}

}  // namespace
}  // namespace mysql_backup
