// SelectForDeletion is the whole retention policy; no clock, no disk.
#include "retention/retention.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mysql_backup {
namespace {

constexpr std::time_t kDay = 24 * 3600;
constexpr std::time_t kBase = 1795737603;  // 2026-11-27T00:00:03Z

BackupFile Backup(const std::string& database, BackupType type, int day) {
  BackupFile f;
  f.name = BackupName{database, type, kBase + day * kDay, Compression::kGzip};
  f.path = "/b/" + std::string(BackupTypeName(type)) + "/" + BackupFileName(f.name);
  f.checksum_path = f.path + kChecksumSuffix;
  f.has_checksum = true;
  return f;
}

std::vector<std::string> Paths(const std::vector<BackupFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path);
  return out;
}

std::vector<std::string> Paths(std::initializer_list<BackupFile> files) {
  return Paths(std::vector<BackupFile>(files));
}

TEST(RetentionTest, KeepsNewestByStampNotByListOrder) {
  // Listed in an order that is neither oldest- nor newest-first, as mtimes might suggest after
  // a copy.
  std::vector<BackupFile> backups = {
      Backup("shop", BackupType::kDaily, 3), Backup("shop", BackupType::kDaily, 0),
      Backup("shop", BackupType::kDaily, 4), Backup("shop", BackupType::kDaily, 1),
      Backup("shop", BackupType::kDaily, 2),
  };
  RetentionCounts counts{.daily = 3};
  EXPECT_EQ(Paths(SelectForDeletion(backups, "shop", counts)),
            Paths({Backup("shop", BackupType::kDaily, 0), Backup("shop", BackupType::kDaily, 1)}));
}

TEST(RetentionTest, ReturnsOldestFirstAcrossTypes) {
  std::vector<BackupFile> backups;
  for (int day = 0; day < 5; ++day) {
    backups.push_back(Backup("shop", BackupType::kMonthly, day * 30));
    backups.push_back(Backup("shop", BackupType::kWeekly, day * 7));
    backups.push_back(Backup("shop", BackupType::kDaily, day));
  }
  RetentionCounts counts{.daily = 2, .weekly = 3, .monthly = 4};
  auto out = SelectForDeletion(backups, "shop", counts);
  // daily 0,1,2; weekly 0,7; monthly 0.
  ASSERT_EQ(out.size(), 6u);
  for (size_t i = 1; i < out.size(); ++i) {
    EXPECT_LE(out[i - 1].name.created, out[i].name.created) << i;
  }
  EXPECT_EQ(out.back().path, Backup("shop", BackupType::kWeekly, 7).path);
}

TEST(RetentionTest, AppliesEachTypesOwnCount) {
  static const struct {
    RetentionCounts counts;
    size_t daily_deleted, weekly_deleted, monthly_deleted;
  } kCases[] = {
      {{.daily = 7, .weekly = 4, .monthly = 12}, 3, 6, 0},
      {{.daily = 10, .weekly = 10, .monthly = 10}, 0, 0, 0},
      {{.daily = 1, .weekly = 1, .monthly = 1}, 9, 9, 9},
      {{.daily = 10, .weekly = 2, .monthly = 9}, 0, 8, 1},
  };
  std::vector<BackupFile> backups;
  for (int day = 0; day < 10; ++day) {
    for (BackupType t : kAllBackupTypes) backups.push_back(Backup("shop", t, day));
  }
  for (const auto& c : kCases) {
    size_t deleted[3] = {0, 0, 0};
    for (const auto& f : SelectForDeletion(backups, "shop", c.counts)) {
      ++deleted[static_cast<int>(f.name.type)];
    }
    EXPECT_EQ(deleted[0], c.daily_deleted);
    EXPECT_EQ(deleted[1], c.weekly_deleted);
    EXPECT_EQ(deleted[2], c.monthly_deleted);
  }
}

TEST(RetentionTest, NeverTouchesOtherDatabases) {
  std::vector<BackupFile> backups;
  for (int day = 0; day < 10; ++day) {
    backups.push_back(Backup("shop", BackupType::kDaily, day));
    backups.push_back(Backup("shop-old", BackupType::kDaily, day));
    backups.push_back(Backup("Shop", BackupType::kDaily, day));
  }
  RetentionCounts counts{.daily = 2};
  auto out = SelectForDeletion(backups, "shop", counts);
  ASSERT_EQ(out.size(), 8u);
  for (const auto& f : out) EXPECT_EQ(f.name.database, "shop") << f.path;
  EXPECT_TRUE(SelectForDeletion(backups, "other", counts).empty());
}

TEST(RetentionTest, DeletesNothingWhenWithinCount) {
  std::vector<BackupFile> backups = {Backup("shop", BackupType::kDaily, 0),
                                     Backup("shop", BackupType::kDaily, 1)};
  EXPECT_TRUE(SelectForDeletion(backups, "shop", RetentionCounts{.daily = 2}).empty());
  EXPECT_TRUE(SelectForDeletion(backups, "shop", RetentionCounts{.daily = 7}).empty());
  EXPECT_TRUE(SelectForDeletion({}, "shop", RetentionCounts{}).empty());
}

TEST(RetentionTest, NeverDeletesTheNewestEvenWithCountZero) {
  std::vector<BackupFile> backups = {Backup("shop", BackupType::kDaily, 0),
                                     Backup("shop", BackupType::kDaily, 1)};
  for (int count : {0, -1}) {
    EXPECT_EQ(Paths(SelectForDeletion(backups, "shop", RetentionCounts{.daily = count})),
              Paths({Backup("shop", BackupType::kDaily, 0)}))
        << count;
  }
}

TEST(RetentionTest, KeepProtectsTheBackupJustMade) {
  // A backup whose stamp is older than the others (clock stepped back) must still survive the
  // cleanup that runs right after it.
  BackupFile just_made = Backup("shop", BackupType::kDaily, -5);
  std::vector<BackupFile> backups = {just_made, Backup("shop", BackupType::kDaily, 0),
                                     Backup("shop", BackupType::kDaily, 1),
                                     Backup("shop", BackupType::kDaily, 2)};
  auto out = SelectForDeletion(backups, "shop", RetentionCounts{.daily = 2}, {just_made.path});
  EXPECT_EQ(Paths(out), Paths({Backup("shop", BackupType::kDaily, 0)}));
}

TEST(RetentionTest, EqualStampsAreOrderedByPath) {
  // Same stamp in two compressions: the choice must not depend on the listing order.
  BackupFile gz = Backup("shop", BackupType::kDaily, 0);
  BackupFile zst = gz;
  zst.name.compression = Compression::kZstd;
  zst.path = "/b/daily/" + BackupFileName(zst.name);
  auto a = SelectForDeletion({gz, zst}, "shop", RetentionCounts{.daily = 1});
  auto b = SelectForDeletion({zst, gz}, "shop", RetentionCounts{.daily = 1});
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].path, b[0].path);
}

TEST(RetentionTest, CountsForEachType) {
  RetentionCounts defaults;
  EXPECT_EQ(defaults.For(BackupType::kDaily), 7);
  EXPECT_EQ(defaults.For(BackupType::kWeekly), 4);
  EXPECT_EQ(defaults.For(BackupType::kMonthly), 12);
}

}  // namespace
}  // namespace mysql_backup
