// Status carries the exit code of the contract's table and the context of a failure.
#include "util/status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace mysql_backup {
namespace {

TEST(StatusTest, ExitCodeForEveryKindMatchesTheContract) {
  static const struct {
    ErrorKind kind;
    int exit_code;
    const char* name;
  } kCases[] = {
      {ErrorKind::kUsage, 64, "usage"},                  // EX_USAGE
      {ErrorKind::kIntegrity, 65, "integrity"},          // EX_DATAERR
      {ErrorKind::kConnection, 69, "connection"},        // EX_UNAVAILABLE
      {ErrorKind::kProcess, 70, "process"},              // EX_SOFTWARE
      {ErrorKind::kIncomplete, 70, "incomplete"},        // EX_SOFTWARE, BACKUP_ERROR=incomplete
      {ErrorKind::kStorage, 74, "storage"},              // EX_IOERR
      {ErrorKind::kNotification, 75, "notification"},    // EX_TEMPFAIL
      {ErrorKind::kLockTimeout, 75, "lock"},             // EX_TEMPFAIL
      {ErrorKind::kConfiguration, 78, "configuration"},  // EX_CONFIG
      {ErrorKind::kOffsite, 76, "offsite"},              // the contract's own code
      {ErrorKind::kGap, 65, "gap"},                      // EX_DATAERR, BACKUP_ERROR=gap
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ExitCodeFor(c.kind), c.exit_code) << c.name;
    EXPECT_EQ(ErrorKindName(c.kind), c.name);
    Status s(c.kind, "x");
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.kind(), c.kind);
    EXPECT_EQ(s.exit_code(), c.exit_code) << c.name;
  }
}

TEST(StatusTest, OkStatusExitsZeroAndPrintsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(s.exit_code(), 0);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ToStringPutsOutermostContextFirst) {
  Status s = Status(ErrorKind::kStorage, "Cannot write '/x': No space left on device")
                 .AddContext("Cannot store the backup")
                 .AddContext("Daily backup failed");
  EXPECT_EQ(s.ToString(),
            "Daily backup failed: Cannot store the backup: Cannot write '/x': No space left on "
            "device");
  EXPECT_EQ(s.message(), "Cannot write '/x': No space left on device");
  ASSERT_EQ(s.context().size(), 2u);
  EXPECT_EQ(s.context()[0], "Cannot store the backup");  // innermost first
  EXPECT_EQ(s.context()[1], "Daily backup failed");
  EXPECT_EQ(s.kind(), ErrorKind::kStorage);
}

TEST(StatusTest, ToStringWithoutContextIsTheMessage) {
  EXPECT_EQ(Status(ErrorKind::kUsage, "bad flag").ToString(), "bad flag");
}

TEST(StatusTest, AddContextDoesNotChangeCopies) {
  Status inner(ErrorKind::kProcess, "mysqldump failed");
  Status outer = inner;
  outer.AddContext("Daily backup failed");
  EXPECT_EQ(inner.ToString(), "mysqldump failed");
  EXPECT_EQ(outer.ToString(), "Daily backup failed: mysqldump failed");
  Status with_detail = inner;
  with_detail.SetDetail("mysqldump: Got error: 1045");
  EXPECT_EQ(inner.detail(), "");
  EXPECT_EQ(with_detail.detail(), "mysqldump: Got error: 1045");
}

TEST(StatusTest, AddContextAndDetailLeaveOkStatusOk) {
  Status s;
  s.AddContext("ignored");
  s.SetDetail("ignored");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, DetailIsNotPartOfTheOneLineMessage) {
  Status s = Status(ErrorKind::kProcess, "mysqldump failed (exit status 2)")
                 .SetDetail("mysqldump: unknown option '--bogus'");
  EXPECT_EQ(s.ToString(), "mysqldump failed (exit status 2)");
  EXPECT_EQ(s.detail(), "mysqldump: unknown option '--bogus'");
}

TEST(StatusTest, ErrnoErrorQuotesThePathAndSaysWhatFailed) {
  Status s = ErrnoError(ErrorKind::kStorage, "write", "/var/backup/mysql/.tmp/x", ENOSPC);
  EXPECT_EQ(s.kind(), ErrorKind::kStorage);
  EXPECT_EQ(s.message(), "Cannot write '/var/backup/mysql/.tmp/x': No space left on device");
}

TEST(StatusTest, ErrnoErrorUsesErrnoByDefault) {
  errno = ENOENT;
  Status s = ErrnoError(ErrorKind::kConfiguration, "open", "/etc/none.conf");
  EXPECT_EQ(s.message(), "Cannot open '/etc/none.conf': No such file or directory");
  EXPECT_EQ(s.exit_code(), 78);
}

TEST(StatusTest, ResultHoldsValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad = Status(ErrorKind::kIntegrity, "checksum mismatch");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kIntegrity);
  EXPECT_EQ(bad.status().exit_code(), 65);
  Status taken = std::move(bad).TakeStatus();
  EXPECT_EQ(taken.message(), "checksum mismatch");
}

TEST(StatusTest, ResultMovesItsValueOut) {
  Result<std::string> r = std::string("payload");
  std::string moved = std::move(r).value();
  EXPECT_EQ(moved, "payload");
  Result<std::string> r2 = std::string("abc");
  EXPECT_EQ(r2->size(), 3u);
}

}  // namespace
}  // namespace mysql_backup
