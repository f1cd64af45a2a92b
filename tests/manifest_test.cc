// A run's manifest reads back exactly as it was written, and a damaged or foreign one is an
// integrity error that says what is wrong.
#include "storage/manifest.h"

#include <gtest/gtest.h>

#include <string>

#include "util/json_value.h"

namespace mysql_backup {
namespace {

RunManifest SampleManifest() {
  RunManifest m;
  m.tool_version = "0.2.0";
  m.host = "db1";
  m.server_flavour = "MariaDB";
  m.server_version = "10.11.6-MariaDB-0+deb12u1";
  m.type = BackupType::kWeekly;
  m.stamp = 1795737603;
  m.started = 1795737603;
  m.finished = 1795737703;
  m.mysqldump_options = "--single-transaction --routines";
  m.selection = "*";
  m.expected = {"shop", "my db", "caf\xc3\xa9"};
  m.dumped = {"shop", "caf\xc3\xa9"};
  m.vanished = {"gone"};
  m.added = {"caf\xc3\xa9"};
  m.failed = {{"my db", "mariadb-dump: Got error: 1049: \"Unknown database\""}};
  m.binlog_note = "";
  ManifestFile shop;
  shop.name = "shop-weekly-20261127T000003Z.sql.gz";
  shop.database = "shop";
  shop.size = 123456;
  shop.sha256 = std::string(64, 'a');
  shop.table_rows = {{"orders", 18446744073709551615ull}, {"empty", 0}, {"tab\there", 3}};
  shop.binlog = BinlogPosition{"mysql-bin.000042", 1234, "0-1-99"};
  ManifestFile accounts;
  accounts.name = "accounts-weekly-20261127T000003Z.accounts.sql.gz";
  accounts.kind = BackupKind::kAccounts;
  accounts.size = 999;
  accounts.sha256 = std::string(64, 'b');
  ManifestFile empty_db;
  empty_db.name = "caf\xc3\xa9-weekly-20261127T000003Z.sql.gz";
  empty_db.database = "caf\xc3\xa9";
  m.files = {shop, accounts, empty_db};
  return m;
}

TEST(ManifestTest, ReadsBackExactlyWhatWasWritten) {
  RunManifest m = SampleManifest();
  std::string json = ManifestToJson(m);
  EXPECT_EQ(json.back(), '\n');
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << json;
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(FindDatabaseFile(*parsed, "shop")->size, 123456u);
  EXPECT_EQ(FindDatabaseFile(*parsed, "accounts"), nullptr);
  EXPECT_EQ(FindDatabaseFile(*parsed, "nope"), nullptr);
}

TEST(ManifestTest, IsValidJsonForOtherTools) {
  std::string json = ManifestToJson(SampleManifest());
  auto v = ParseJson(json);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->Find("stamp")->AsString(), "20261127T000003Z");
  EXPECT_EQ(*v->Find("started")->AsString(), "2026-11-27T00:00:03Z");
  const auto& files = *v->Find("files")->AsArray();
  EXPECT_EQ(*files[0].Find("binlog")->Find("file")->AsString(), "mysql-bin.000042");
  EXPECT_TRUE(files[1].Find("binlog")->is_null());
}

TEST(ManifestTest, DamagedManifestsAreIntegrityErrors) {
  std::string good = ManifestToJson(SampleManifest());
  static const struct {
    const char* from;
    const char* to;
    const char* says;
  } kCases[] = {
      {"\"format_version\": 1", "\"format_version\": 2", "format_version 2"},
      {"\"type\": \"weekly\"", "\"type\": \"hourly\"", "'type'"},
      {"\"stamp\": \"20261127T000003Z\"", "\"stamp\": \"yesterday\"", "'stamp'"},
      {"\"size\": 123456", "\"size\": -1", "'size'"},
      {"\"kind\": \"accounts\"", "\"kind\": \"users\"", "'kind'"},
      {"\"started\": \"2026-11-27T00:00:03Z\"", "\"started\": \"2026-11-27 00:00:03\"",
       "'started'"},
      {"\"files\": [", "\"files\": 7, \"x\": [", "'files'"},
  };
  for (const auto& c : kCases) {
    std::string bad = good;
    size_t at = bad.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    bad.replace(at, std::string(c.from).size(), c.to);
    auto parsed = ParseManifest(bad);
    ASSERT_FALSE(parsed.ok()) << c.to;
    EXPECT_EQ(parsed.status().kind(), ErrorKind::kIntegrity);
    EXPECT_NE(parsed.status().ToString().find(c.says), std::string::npos)
        << parsed.status().ToString();
  }
  EXPECT_FALSE(ParseManifest(good.substr(0, good.size() / 2)).ok());
}

}  // namespace
TEST(ManifestTest, EncryptedFilesKeepTheirRecipientsAndPlainHash) {
  RunManifest m = SampleManifest();
  ManifestFile& f = m.files[0];
  f.name = "shop-weekly-20261127T000003Z.sql.gz.age";
  f.encrypted = true;
  f.recipients = {"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
                  "age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg"};
  f.plain_sha256 = std::string(64, 'c');
  std::string json = ManifestToJson(m);
  EXPECT_NE(json.find("\"encrypted\": true"), std::string::npos) << json;
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, m);
}

TEST(ManifestTest, FilesWithoutTheEncryptionMembersReadAsPlain) {
  // A manifest written before encryption existed: no "encrypted" anywhere.
  std::string json = ManifestToJson(SampleManifest());
  ASSERT_EQ(json.find("encrypted"), std::string::npos);
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  for (const auto& f : parsed->files) {
    EXPECT_FALSE(f.encrypted) << f.name;
    EXPECT_TRUE(f.recipients.empty()) << f.name;
  }
}

}  // namespace mysql_backup
