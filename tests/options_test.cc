// ParseOptions accepts the old tool's argparse command lines unchanged and the contract's new
// actions, and rejects every ambiguous or contradictory one with kUsage.
#include "cli/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace mysql_backup {
namespace {

using Args = std::vector<std::string>;

TEST(OptionsTest, AcceptsTheOldToolsCommandLines) {
  static const struct {
    Args args;
    Action action;
    const char* config_path;
    const char* backup_type;
    bool cleanup_after_backup;
  } kCases[] = {
      {{"--config", "F", "--backup-type", "daily"}, Action::kBackup, "F", "daily", false},
      {{"--backup-type", "weekly", "--config", "F"}, Action::kBackup, "F", "weekly", false},
      {{"-c", "F", "--backup-type", "monthly"}, Action::kBackup, "F", "monthly", false},
      {{"-cF", "--backup-type", "all"}, Action::kBackup, "F", "all", false},
      {{"-c=F", "--backup-type", "all"}, Action::kBackup, "F", "all", false},  // as argparse
      {{"--config=F", "--backup-type=daily"}, Action::kBackup, "F", "daily", false},
      {{"--config", "F", "--cleanup"}, Action::kCleanup, "F", "", false},
      {{"--config", "F", "--daemon"}, Action::kDaemon, "F", "", false},
      {{"--config", "F", "--test-notification"}, Action::kTestNotification, "F", "", false},
      // argparse accepts unambiguous prefixes of long options.
      {{"--conf", "F", "--backup", "daily"}, Action::kBackup, "F", "daily", false},
      {{"--config", "F", "--backup-t=weekly"}, Action::kBackup, "F", "weekly", false},
      {{"--config", "F", "--cl"}, Action::kCleanup, "F", "", false},
      {{"--config", "F", "--dae"}, Action::kDaemon, "F", "", false},
      {{"--config", "F", "--test"}, Action::kTestNotification, "F", "", false},
      // The one allowed pair, in either order.
      {{"-c", "F", "--backup-type", "daily", "--cleanup"}, Action::kBackup, "F", "daily", true},
      {{"--cleanup", "--backup-type", "all"}, Action::kBackup, kDefaultConfigPath, "all", true},
      // The config defaults; the old tool required it.
      {{"--backup-type", "daily"}, Action::kBackup, kDefaultConfigPath, "daily", false},
      // A later --config wins, as with argparse.
      {{"-c", "A", "--config", "B", "--list"}, Action::kList, "B", "", false},
  };
  for (const auto& c : kCases) {
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    auto r = ParseOptions(c.args);
    ASSERT_TRUE(r.ok()) << joined << ": " << r.status().ToString();
    EXPECT_EQ(r->action, c.action) << joined;
    EXPECT_EQ(r->config_path, c.config_path) << joined;
    EXPECT_EQ(r->backup_type, c.backup_type) << joined;
    EXPECT_EQ(r->cleanup_after_backup, c.cleanup_after_backup) << joined;
  }
}

TEST(OptionsTest, UnitInstanceNamesWorkAsBackupType) {
  // mysql-backup@cleanup.service and @restore-test.service pass their instance as the type.
  auto cleanup = ParseOptions({"--backup-type", "cleanup"});
  ASSERT_TRUE(cleanup.ok()) << cleanup.status().ToString();
  EXPECT_EQ(cleanup->action, Action::kCleanup);
  auto drill = ParseOptions({"--backup-type", "restore-test"});
  ASSERT_TRUE(drill.ok()) << drill.status().ToString();
  EXPECT_EQ(drill->action, Action::kRestoreTest);
  EXPECT_TRUE(drill->files.empty());
  auto binlogs = ParseOptions({"--backup-type", "binlogs"});
  ASSERT_TRUE(binlogs.ok()) << binlogs.status().ToString();
  EXPECT_EQ(binlogs->action, Action::kArchiveBinlogs);
}

TEST(OptionsTest, ArchiveBinlogsIsAnActionOfItsOwn) {
  auto r = ParseOptions({"-c", "F", "--archive-binlogs"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->action, Action::kArchiveBinlogs);
  auto two = ParseOptions({"--archive-binlogs", "--cleanup"});
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().kind(), ErrorKind::kUsage);
}

TEST(OptionsTest, ParsesTheNewActions) {
  auto list = ParseOptions({"--list", "--json"});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->action, Action::kList);
  EXPECT_TRUE(list->json);

  auto dry = ParseOptions({"--cleanup", "--dry-run"});
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->action, Action::kCleanup);
  EXPECT_TRUE(dry->dry_run);

  auto restore = ParseOptions({"--restore", "/b/x.sql.gz", "--target-database", "copy", "--force"});
  ASSERT_TRUE(restore.ok()) << restore.status().ToString();
  EXPECT_EQ(restore->action, Action::kRestore);
  EXPECT_EQ(restore->files, Args{"/b/x.sql.gz"});
  EXPECT_EQ(restore->target_database, "copy");
  for (std::string name : {std::string(64, 'a'), std::string("k\xC3\xA4se-\xE2\x82\xAC $`'\"/.")}) {
    auto ok = ParseOptions({"--restore", "x.sql.gz", "--target-database", name});
    ASSERT_TRUE(ok.ok()) << name << ": " << ok.status().ToString();
  }
  EXPECT_TRUE(restore->force);

  auto notify = ParseOptions({"--notify-failure", "mysql-backup@daily.service"});
  ASSERT_TRUE(notify.ok()) << notify.status().ToString();
  EXPECT_EQ(notify->action, Action::kNotifyFailure);
  EXPECT_EQ(notify->unit, "mysql-backup@daily.service");

  auto version = ParseOptions({"--version"});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->action, Action::kVersion);
}

TEST(OptionsTest, VerifyCollectsEveryFollowingFile) {
  auto r = ParseOptions({"--verify", "a", "b", "c", "--config", "F"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->action, Action::kVerify);
  EXPECT_EQ(r->files, (Args{"a", "b", "c"}));
  EXPECT_EQ(r->config_path, "F");

  auto all = ParseOptions({"--verify"});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->action, Action::kVerify);
  EXPECT_TRUE(all->files.empty());

  auto inline_value = ParseOptions({"--verify=a", "b"});
  ASSERT_TRUE(inline_value.ok()) << inline_value.status().ToString();
  EXPECT_EQ(inline_value->files, (Args{"a", "b"}));
}

TEST(OptionsTest, FilesMayFollowOtherOptionsOfTheirAction) {
  // The contract's order: `--verify --target NAME [FILE...]`.
  auto verify = ParseOptions({"--verify", "--target", "s3", "a.sql.gz", "b.sql.gz"});
  ASSERT_TRUE(verify.ok()) << verify.status().ToString();
  EXPECT_EQ(verify->target, "s3");
  EXPECT_EQ(verify->files, (std::vector<std::string>{"a.sql.gz", "b.sql.gz"}));

  auto upload = ParseOptions({"--upload", "--config", "F", "x.sql.gz"});
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  EXPECT_EQ(upload->files, std::vector<std::string>{"x.sql.gz"});

  auto drill = ParseOptions({"--restore-test", "--target", "s3", "latest"});
  ASSERT_TRUE(drill.ok()) << drill.status().ToString();
  EXPECT_EQ(drill->files, std::vector<std::string>{"latest"});
}

TEST(OptionsTest, RestoreTestTakesAnOptionalFile) {
  auto newest = ParseOptions({"--restore-test", "-c", "F"});
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  EXPECT_EQ(newest->action, Action::kRestoreTest);
  EXPECT_TRUE(newest->files.empty());
  EXPECT_EQ(newest->config_path, "F");

  auto named = ParseOptions({"--restore-test", "/b/daily/x.sql.gz"});
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->action, Action::kRestoreTest);
  EXPECT_EQ(named->files, Args{"/b/daily/x.sql.gz"});

  auto at_end = ParseOptions({"-c", "F", "--restore-test"});
  ASSERT_TRUE(at_end.ok()) << at_end.status().ToString();
  EXPECT_TRUE(at_end->files.empty());
}

TEST(OptionsTest, HelpWinsOverEverythingElse) {
  for (const Args& args :
       {Args{"--help"}, Args{"-h"}, Args{"--he"}, Args{"--backup-type", "daily", "--help"},
        Args{"--cleanup", "--list", "-h"}, Args{"--help", "--version"},
        Args{"--dry-run", "--help"}}) {
    auto r = ParseOptions(args);
    ASSERT_TRUE(r.ok()) << args[0] << ": " << r.status().ToString();
    EXPECT_EQ(r->action, Action::kHelp) << args[0];
  }
}

TEST(OptionsTest, VersionWinsOverOtherActions) {
  auto r = ParseOptions({"--cleanup", "--list", "--version"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->action, Action::kVersion);
}

TEST(OptionsTest, RejectsBadCommandLinesAsUsageErrors) {
  static const struct {
    Args args;
    const char* expected_in_message;
  } kCases[] = {
      {{}, "no action"},
      {{"--config", "F"}, "no action"},
      {{"--cleanup", "--list"}, "one action per run"},
      {{"--backup-type", "daily", "--daemon"}, "one action per run"},
      {{"--backup-type", "daily", "--backup-type", "weekly"}, "one action per run"},
      {{"--backup-type", "cleanup", "--list"}, "one action per run"},
      {{"--verify", "--restore-test"}, "one action per run"},
      {{"--backup-type", "daily", "--cleanup", "--list"}, "one action per run"},
      {{"--dry-run"}, "no action"},
      {{"--list", "--dry-run"}, "--dry-run goes with --cleanup"},
      {{"--backup-type", "daily", "--dry-run"}, "--dry-run goes with --cleanup"},
      {{"--cleanup", "--json"}, "--json goes with --list"},
      {{"--restore", "x.sql.gz"}, "--restore FILE needs --target-database"},
      {{"--restore", "latest", "--target-database", "x", "--accounts"}, "--accounts go with"},
      {{"--list", "--accounts"}, "--databases and --accounts go with --restore"},
      {{"--restore", "latest", "--databases", "a,,b"}, "--databases: an empty name"},
      {{"--restore", "x.sql.gz", "--target-database="}, "--restore FILE needs --target-database"},
      {{"--cleanup", "--target-database", "x"}, "go with --restore"},
      // A name the server would refuse is the user's typo (64), not a failed restore (70).
      {{"--restore", "x.sql.gz", "--target-database", std::string(65, 'a')},
       "cannot name a database: it is longer than 64 characters"},
      {{"--restore", "x.sql.gz", "--target-database", "copy "}, "it ends with a space"},
      {{"--restore", "x.sql.gz", "--target-database", "co\npy"}, "'co\\npy' cannot name a database: it contains a control character"},
      {{"--restore", "x.sql.gz", "--target-database", "\xF0\x9F\x98\x80"}, "not valid UTF-8 text of the BMP"},
      {{"--restore", "x.sql.gz", "--target-database", "\xC3"}, "not valid UTF-8"},
      {{"--cleanup", "--force"}, "go with --restore"},
      {{"--restore-test", "a", "b"}, "--restore-test takes one FILE"},
      {{"--backup-type", "hourly"}, "--backup-type must be daily, weekly, monthly or all"},
      {{"--backup-type", "Daily"}, "--backup-type must be"},
      {{"--backup-type"}, "needs a value"},
      {{"--restore", "latest", "--until="}, "--until needs a time or end"},
      {{"--restore", "latest", "--until-gtid="}, "--until-gtid needs a GTID"},
      {{"--restore", "latest", "--until", "end", "--until-gtid", "0-1-2"}, "give one of"},
      {{"--restore", "20261127T000003Z", "--until", "end"}, "go with --restore latest"},
      {{"--restore", "x.sql.gz", "--target-database", "c", "--until", "end"},
       "go with --restore latest"},
      {{"--restore", "latest", "--until", "end", "--databases", "a"}, "--databases cannot go"},
      {{"--restore", "latest", "--until-gtid", "0-1-2", "--timezone", "UTC"},
       "--timezone goes with --until"},
      {{"--restore", "latest", "--until", "end", "--timezone", "UTC"}, "no sense with --until end"},
      {{"--list", "--until", "end"}, "go with --restore latest"},
      {{"-c"}, "needs a value"},
      {{"--config"}, "needs a value"},
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"-x"}, "unknown option '-x'"},
      {{"--re", "x"}, "ambiguous option '--re'"},  // --restore, --restore-test
      {{"--c", "F"}, "ambiguous option"},          // --config, --cleanup
      {{"--cleanup=yes"}, "takes no value"},
      {{"--cleanup", "extra"}, "unexpected argument 'extra'"},
      {{"daily"}, "unexpected argument 'daily'"},
      {{"-"}, "unexpected argument '-'"},
  };
  for (const auto& c : kCases) {
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    auto r = ParseOptions(c.args);
    ASSERT_FALSE(r.ok()) << joined;
    EXPECT_EQ(r.status().kind(), ErrorKind::kUsage) << joined;
    EXPECT_EQ(r.status().exit_code(), 64) << joined;
    EXPECT_NE(r.status().message().find(c.expected_in_message), std::string::npos)
        << joined << ": " << r.status().message();
    EXPECT_NE(r.status().message().find("--help"), std::string::npos) << joined;
  }
}

TEST(OptionsTest, RestoreOfAWholeRunTakesLatestOrAStamp) {
  auto latest = ParseOptions({"--restore", "latest", "--accounts", "--force"});
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->action, Action::kRestore);
  EXPECT_EQ(latest->restore_run, "latest");
  EXPECT_TRUE(latest->restore_accounts);
  EXPECT_TRUE(latest->force);
  auto stamp = ParseOptions({"--restore", "20261127T000003Z", "--databases", "shop, my db"});
  ASSERT_TRUE(stamp.ok()) << stamp.status().ToString();
  EXPECT_EQ(stamp->restore_run, "20261127T000003Z");
  EXPECT_EQ(stamp->restore_databases, (std::vector<std::string>{"shop", "my db"}));
  // A file still needs its target, and is never taken for a run.
  auto file = ParseOptions({"--restore", "x.sql.gz", "--target-database", "copy"});
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->restore_run, "");
  EXPECT_EQ(file->files, std::vector<std::string>{"x.sql.gz"});
}

TEST(OptionsTest, PointInTimeRestoreTakesUntilOrUntilGtid) {
  auto at = ParseOptions({"--restore", "latest", "--until", "2026-12-01 14:31:00", "--timezone",
                          "Europe/Berlin", "--accounts"});
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_EQ(at->restore_run, "latest");
  EXPECT_EQ(at->until, "2026-12-01 14:31:00");
  EXPECT_EQ(at->timezone, "Europe/Berlin");
  EXPECT_TRUE(at->restore_accounts);
  auto gtid = ParseOptions({"--restore", "latest", "--until-gtid", "0-1-1234", "--force"});
  ASSERT_TRUE(gtid.ok()) << gtid.status().ToString();
  EXPECT_EQ(gtid->until_gtid, "0-1-1234");
  EXPECT_EQ(gtid->until, "");
}

TEST(OptionsTest, RestoreAndRestoreTestReadFromATarget) {
  auto latest = ParseOptions({"--restore", "latest", "--target", "off", "--target-database", "c"});
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->restore_run, "") << "with --target, latest is the newest copy, not a run";
  EXPECT_EQ(latest->files, std::vector<std::string>{"latest"});
  EXPECT_EQ(latest->target, "off");
  auto drill = ParseOptions({"--restore-test", "latest", "--target", "off"});
  ASSERT_TRUE(drill.ok()) << drill.status().ToString();
  EXPECT_EQ(drill->action, Action::kRestoreTest);
  EXPECT_EQ(drill->files, std::vector<std::string>{"latest"});
  // Which copy must be said; a target needs a database to load into.
  EXPECT_EQ(ParseOptions({"--restore-test", "--target", "off"}).status().kind(), ErrorKind::kUsage);
  EXPECT_EQ(ParseOptions({"--restore", "latest", "--target", "off"}).status().kind(),
            ErrorKind::kUsage);
}

TEST(OptionsTest, UsageTextListsEveryAction) {
  std::string usage = UsageText();
  for (const char* flag :
       {"--config", "--backup-type", "--cleanup", "--dry-run", "--list", "--json", "--verify",
        "--restore", "--target-database", "--force", "--restore-test", "--test-notification",
        "--notify-failure", "--daemon", "--version", "--help", "Exit status"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace mysql_backup
