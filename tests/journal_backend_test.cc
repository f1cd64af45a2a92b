#include "journal/journal_backend.h"

#include <gtest/gtest.h>

namespace mysql_backup {
namespace {

TEST(JournalBackendTest, StreamMatchesOnlyTheSameDeviceAndInode) {
  static const struct {
    const char* env;
    dev_t dev;
    ino_t ino;
    bool want;
  } kCases[] = {
      {"8:1234", 8, 1234, true},
      {"8:1234", 8, 1235, false},
      {"9:1234", 8, 1234, false},
      {"8:1234x", 8, 1234, false},
      {"8", 8, 1234, false},
      {"", 8, 1234, false},
      {nullptr, 8, 1234, false},
      {"18446744073709551615:1", static_cast<dev_t>(18446744073709551615ull), 1, true},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(JournalStreamMatches(c.env, c.dev, c.ino), c.want) << (c.env ? c.env : "(null)");
  }
}

TEST(JournalBackendTest, AcceptsOnlyFieldNamesTheJournalTakes) {
  static const struct {
    const char* name;
    bool want;
  } kCases[] = {
      {"BACKUP_FILE", true},
      {"BACKUP_DURATION_USEC", true},
      {"X1", true},
      {"_SYSTEMD_UNIT", false},  // trusted fields are the journal's
      {"1ST", false},
      {"backup_file", false},
      {"BACKUP-FILE", false},
      {"", false},
      {"A234567890123456789012345678901234567890123456789012345678901234", true},
      {"A2345678901234567890123456789012345678901234567890123456789012345", false},
  };
  for (const auto& c : kCases) EXPECT_EQ(IsValidJournalFieldName(c.name), c.want) << c.name;
}

}  // namespace
}  // namespace mysql_backup
