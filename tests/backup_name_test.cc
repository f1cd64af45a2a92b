// BackupFileName and ParseBackupFileName are exact inverses, and nothing that is not one of our
// names parses: cleanup deletes only what parses. Epoch values were computed with Python's
// calendar.timegm.
#include "storage/backup_name.h"

#include <gtest/gtest.h>

#include <string>

namespace mysql_backup {
namespace {

TEST(BackupNameTest, FormatsAndParsesEveryKindOfName) {
  static const struct {
    const char* database;
    BackupType type;
    std::time_t created;
    Compression compression;
    const char* file_name;
  } kCases[] = {
      {"shop", BackupType::kDaily, 1795737603, Compression::kGzip,
       "shop-daily-20261127T000003Z.sql.gz"},
      {"shop", BackupType::kWeekly, 1795737603, Compression::kGzip,
       "shop-weekly-20261127T000003Z.sql.gz"},
      {"shop", BackupType::kMonthly, 1795737603, Compression::kZstd,
       "shop-monthly-20261127T000003Z.sql.zst"},
      // Database names may contain '-' and even the type words.
      {"my-shop", BackupType::kDaily, 1795737603, Compression::kGzip,
       "my-shop-daily-20261127T000003Z.sql.gz"},
      {"daily", BackupType::kDaily, 1795737603, Compression::kGzip,
       "daily-daily-20261127T000003Z.sql.gz"},
      {"weekly-daily", BackupType::kMonthly, 1795737603, Compression::kGzip,
       "weekly-daily-monthly-20261127T000003Z.sql.gz"},
      {"shop-daily-20261127T000003Z", BackupType::kWeekly, 1795737603, Compression::kGzip,
       "shop-daily-20261127T000003Z-weekly-20261127T000003Z.sql.gz"},
      {"a", BackupType::kDaily, 0, Compression::kGzip, "a-daily-19700101T000000Z.sql.gz"},
      {"Shop_DB.1", BackupType::kDaily, 1767225600, Compression::kGzip,
       "Shop_DB.1-daily-20260101T000000Z.sql.gz"},
      // Leap day and the last second of a year.
      {"shop", BackupType::kDaily, 1835481599, Compression::kZstd,
       "shop-daily-20280229T235959Z.sql.zst"},
      {"shop", BackupType::kDaily, 1798761599, Compression::kGzip,
       "shop-daily-20261231T235959Z.sql.gz"},
      // Past 2038 (time_t is 64 bits on our targets).
      {"shop", BackupType::kDaily, 2147483648, Compression::kGzip,
       "shop-daily-20380119T031408Z.sql.gz"},
  };
  for (const auto& c : kCases) {
    BackupName name{c.database, c.type, c.created, c.compression};
    EXPECT_EQ(BackupFileName(name), c.file_name);
    auto parsed = ParseBackupFileName(c.file_name);
    ASSERT_TRUE(parsed.has_value()) << c.file_name;
    EXPECT_EQ(parsed->database, c.database) << c.file_name;
    EXPECT_EQ(parsed->type, c.type) << c.file_name;
    EXPECT_EQ(parsed->created, c.created) << c.file_name;
    EXPECT_EQ(parsed->compression, c.compression) << c.file_name;
  }
}

TEST(BackupNameTest, RejectsEverythingThatIsNotABackupName) {
  static const char* const kNotBackups[] = {
      "",
      ".sql.gz",
      "shop-daily-20261127T000003Z.sql.gz.sha256",
      "shop-daily-20261127T000003Z.sql",
      "shop-daily-20261127T000003Z.sql.gz.tmp",
      "shop-daily-20261127T000003Z.sql.gz.partial",
      "x-daily-20261127T000000Z.sql.gz.partial",
      "shop-daily-20261127T000003Z.sql.bz2",
      "shop-daily-20261127T000003Z.gz",
      "shop-daily-20261127T000003Z.SQL.GZ",
      "shop-hourly-20261127T000003Z.sql.gz",  // wrong type
      "shop-Daily-20261127T000003Z.sql.gz",   // types are lower case
      "shop-all-20261127T000003Z.sql.gz",     // 'all' is not a type on disk
      "shop-cleanup-20261127T000003Z.sql.gz",
      "shop-daily-20261331T000000Z.sql.gz",  // month 13
      "shop-daily-20261100T000000Z.sql.gz",  // day 0
      "shop-daily-20260230T000000Z.sql.gz",  // Feb 30
      "shop-daily-20270229T000000Z.sql.gz",  // not a leap year
      "shop-daily-20261127T240000Z.sql.gz",  // hour 24
      "shop-daily-20261127T006000Z.sql.gz",  // minute 60
      "shop-daily-20261127T000060Z.sql.gz",  // leap seconds do not round-trip
      "shop-daily-20261127T000003.sql.gz",   // missing Z
      "shop-daily-20261127T000003z.sql.gz",
      "shop-daily-20261127 000003Z.sql.gz",
      "shop-daily-2026112T7000003Z.sql.gz",
      "shop-daily-2026-11-27T00:00:03Z.sql.gz",
      "shop-daily-+0261127T000003Z.sql.gz",
      "shop-daily-20261127T000003Z0.sql.gz",
      "shop-daily20261127T000003Z.sql.gz",   // no dash before the stamp
      "shop_daily-20261127T000003Z.sql.gz",  // no dash before the type
      "-daily-20261127T000003Z.sql.gz",      // empty database
      "daily-20261127T000003Z.sql.gz",
      "20261127T000003Z.sql.gz",
      "shop-daily-.sql.gz",
  };
  for (const char* name : kNotBackups) {
    EXPECT_FALSE(ParseBackupFileName(name).has_value()) << "'" << name << "'";
  }
}

TEST(BackupNameTest, EncryptedNamesEndInAgeAndRoundTrip) {
  static const struct {
    BackupKind kind;
    std::string database;
    Compression compression;
    const char* file_name;
  } kCases[] = {
      {BackupKind::kDatabase, "shop", Compression::kGzip, "shop-daily-20261127T000003Z.sql.gz.age"},
      {BackupKind::kDatabase, "shop", Compression::kZstd,
       "shop-daily-20261127T000003Z.sql.zst.age"},
      {BackupKind::kDatabase, "x.age", Compression::kGzip,
       "x.age-daily-20261127T000003Z.sql.gz.age"},
      {BackupKind::kAccounts, "", Compression::kGzip,
       "accounts-daily-20261127T000003Z.accounts.sql.gz.age"},
  };
  for (const auto& c : kCases) {
    BackupName name;
    name.database = c.database;
    name.created = 1795737603;
    name.compression = c.compression;
    name.kind = c.kind;
    name.encrypted = true;
    EXPECT_EQ(BackupFileName(name), c.file_name);
    auto parsed = ParseBackupFileName(c.file_name);
    ASSERT_TRUE(parsed.has_value()) << c.file_name;
    EXPECT_TRUE(parsed->encrypted) << c.file_name;
    EXPECT_EQ(parsed->kind, c.kind) << c.file_name;
    EXPECT_EQ(parsed->database, c.database) << c.file_name;
    EXPECT_EQ(parsed->compression, c.compression) << c.file_name;
  }
  auto plain = ParseBackupFileName("shop-daily-20261127T000003Z.sql.gz");
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->encrypted);
  EXPECT_STREQ(kEncryptedSuffix, ".age");
}

TEST(BackupNameTest, RejectsAgeFilesThatAreNotEncryptedBackups) {
  static const char* const kNotBackups[] = {
      "shop-daily-20261127T000003Z.sql.gz.age.sha256",
      "shop-daily-20261127T000003Z.sql.gz.age.age",
      "shop-daily-20261127T000003Z.sql.age",
      "shop-daily-20261127T000003Z.age",
      "shop-daily-20261127T000003Z.sql.gz.AGE",
      "manifest-daily-20261127T000003Z.json.age",
      ".age",
  };
  for (const char* name : kNotBackups) {
    EXPECT_FALSE(ParseBackupFileName(name).has_value()) << "'" << name << "'";
  }
}

TEST(BackupNameTest, TypeNamesRoundTrip) {
  for (BackupType t : kAllBackupTypes) {
    auto parsed = ParseBackupType(BackupTypeName(t));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_EQ(BackupTypeName(BackupType::kDaily), "daily");
  EXPECT_EQ(BackupTypeName(BackupType::kWeekly), "weekly");
  EXPECT_EQ(BackupTypeName(BackupType::kMonthly), "monthly");
  for (const char* bad : {"", "all", "Daily", "cleanup", "restore-test", "day"}) {
    EXPECT_FALSE(ParseBackupType(bad).has_value()) << bad;
  }
}

TEST(BackupNameTest, CompressionSuffixes) {
  EXPECT_EQ(CompressionSuffix(Compression::kGzip), ".sql.gz");
  EXPECT_EQ(CompressionSuffix(Compression::kZstd), ".sql.zst");
  EXPECT_STREQ(kChecksumSuffix, ".sha256");
}

TEST(BackupNameTest, StampsAreUtcWhateverTheTimeZone) {
  // meson pins TZ=UTC; the formatting must not depend on it, so try another zone too.
  const char* old_tz = getenv("TZ");
  std::string saved = old_tz ? old_tz : "";
  setenv("TZ", "America/New_York", 1);
  tzset();
  EXPECT_EQ(FormatUtcStamp(1795737603), "20261127T000003Z");
  EXPECT_EQ(FormatIsoUtc(1795737603), "2026-11-27T00:00:03Z");
  EXPECT_EQ(ParseUtcStamp("20261127T000003Z"), std::optional<std::time_t>(1795737603));
  if (old_tz) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

TEST(BackupNameTest, IsoStampForJson) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1835481599), "2028-02-29T23:59:59Z");
}

TEST(BackupNameTest, ParseUtcStampRejectsAnythingElse) {
  for (const char* s :
       {"", "20261127T000003", "20261127T000003ZZ", "2026112T000003Z", "20261127t000003Z",
        "20261127T000003+", "00001127T000003Z", "2026-1127T000003Z"}) {
    EXPECT_FALSE(ParseUtcStamp(s).has_value()) << s;
  }
}

TEST(BackupNameTest, UnsafeDatabaseNamesAreEncodedReversibly) {
  static const struct {
    const char* database;
    const char* encoded;
  } kCases[] = {
      {"shop", "shop"},
      {"my-shop", "my-shop"},
      {"with space", "with space"},
      {"caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac"},  // UTF-8 stays readable
      {"a/b", "a%2Fb"},
      {"../etc", "%2E.%2Fetc"},
      {".hidden", "%2Ehidden"},
      {"a.b", "a.b"},  // only a leading '.' hides a file
      {"100%", "100%25"},
      {"%2F", "%252F"},
      {"line\nbreak", "line%0Abreak"},
      {"tab\there", "tab%09here"},
      {"del\x7f", "del%7F"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(EncodeDatabaseName(c.database), c.encoded) << c.database;
    EXPECT_EQ(DecodeDatabaseName(c.encoded), std::optional<std::string>(c.database)) << c.encoded;
    BackupName name{c.database, BackupType::kDaily, 1795737603, Compression::kGzip};
    std::string file = BackupFileName(name);
    EXPECT_EQ(file.find('/'), std::string::npos) << file;
    EXPECT_NE(file[0], '.') << file;
    auto parsed = ParseBackupFileName(file);
    ASSERT_TRUE(parsed.has_value()) << file;
    EXPECT_EQ(parsed->database, c.database);
    EXPECT_EQ(parsed->kind, BackupKind::kDatabase);
  }
}

TEST(BackupNameTest, OnlyCanonicalEncodingsDecode) {
  for (const char* s : {"", "%", "%2", "%2f", "%41", "a%zz", ".hidden", "a/b", "a\nb", "%2Ea%2E%"}) {
    EXPECT_FALSE(DecodeDatabaseName(s).has_value()) << s;
  }
  EXPECT_FALSE(ParseBackupFileName("a%2fb-daily-20261127T000003Z.sql.gz").has_value());
  EXPECT_FALSE(ParseBackupFileName(".shop-daily-20261127T000003Z.sql.gz").has_value());
}

TEST(BackupNameTest, AccountsFileNeverClashesWithADatabaseCalledAccounts) {
  BackupName accounts{"", BackupType::kWeekly, 1795737603, Compression::kZstd,
                      BackupKind::kAccounts};
  EXPECT_EQ(BackupFileName(accounts), "accounts-weekly-20261127T000003Z.accounts.sql.zst");
  auto parsed = ParseBackupFileName("accounts-weekly-20261127T000003Z.accounts.sql.zst");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, BackupKind::kAccounts);
  EXPECT_EQ(parsed->database, "");
  EXPECT_EQ(parsed->type, BackupType::kWeekly);

  BackupName database{"accounts", BackupType::kWeekly, 1795737603, Compression::kZstd};
  EXPECT_EQ(BackupFileName(database), "accounts-weekly-20261127T000003Z.sql.zst");
  parsed = ParseBackupFileName(BackupFileName(database));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, BackupKind::kDatabase);
  EXPECT_EQ(parsed->database, "accounts");

  // A database named like the accounts file's infix still parses as that database.
  BackupName tricky{"x.accounts", BackupType::kDaily, 1795737603, Compression::kGzip};
  parsed = ParseBackupFileName(BackupFileName(tricky));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, BackupKind::kDatabase);
  EXPECT_EQ(parsed->database, "x.accounts");

  for (const char* s : {"users-daily-20261127T000003Z.accounts.sql.gz",
                        "accounts-daily-20261127T000003Z.accounts.json",
                        "accounts-daily-20261127T000003Z.accounts.sql.gz.sha256"}) {
    EXPECT_FALSE(ParseBackupFileName(s).has_value()) << s;
  }
}

TEST(BackupNameTest, ManifestNamesAreNotBackups) {
  EXPECT_EQ(ManifestFileName(BackupType::kMonthly, 1795737603),
            "manifest-monthly-20261127T000003Z.json");
  auto m = ParseManifestFileName("manifest-monthly-20261127T000003Z.json");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->type, BackupType::kMonthly);
  EXPECT_EQ(m->created, 1795737603);
  EXPECT_FALSE(ParseBackupFileName("manifest-monthly-20261127T000003Z.json").has_value());
  for (const char* s : {"manifest-monthly-20261127T000003Z.json.sha256",
                        "shop-monthly-20261127T000003Z.json", "manifest-hourly-20261127T000003Z.json",
                        "manifest-monthly-20261127T000003Z.sql.gz.json"}) {
    EXPECT_FALSE(ParseManifestFileName(s).has_value()) << s;
  }
}

}  // namespace
}  // namespace mysql_backup
