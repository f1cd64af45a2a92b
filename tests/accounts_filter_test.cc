// The accounts file leaves out the server's internal accounts and keeps every other line of
// mariadb-dump --system=users byte for byte, however the stream is chunked.
#include "mysql/accounts_filter.h"

#include <gtest/gtest.h>

#include <string>

#include "support/string_sink.h"

namespace mysql_backup {
namespace {

using ::mysql_backup::testing::StringSink;

TEST(AccountsFilterTest, TellsInternalAccountsFromOthers) {
  static const struct {
    const char* line;
    bool internal;
  } kCases[] = {
      {"CREATE USER IF NOT EXISTS `mariadb.sys`@`localhost` ACCOUNT LOCK PASSWORD EXPIRE;", true},
      {"GRANT SELECT, DELETE ON `mysql`.`global_priv` TO `mariadb.sys`@`localhost`;", true},
      {"/*M!100005 SET DEFAULT ROLE NONE FOR 'mariadb.sys'@'localhost' */;", true},
      {"CREATE USER 'mysql.session'@'localhost' IDENTIFIED WITH 'caching_sha2_password';", true},
      {"GRANT SELECT ON `mysql`.* TO `app`@`%`;", false},
      {"CREATE USER IF NOT EXISTS `root`@`localhost`;", false},
      {"CREATE USER IF NOT EXISTS `app`@`%` IDENTIFIED BY PASSWORD '*D8';", false},
      {"CREATE USER `mysqlx`@`%`;", false},
      {"CREATE USER `my.sys`@`%`;", false},
      {"GRANT `r1` TO `app`@`%`;", false},
      {"-- Dump completed on 2026-12-02", false},
  };
  for (const auto& c : kCases) EXPECT_EQ(MentionsInternalAccount(c.line), c.internal) << c.line;
}

TEST(AccountsFilterTest, DropsOnlyInternalLinesWhateverTheChunks) {
  const std::string input =
      "CREATE USER IF NOT EXISTS `mariadb.sys`@`localhost` ACCOUNT LOCK PASSWORD EXPIRE;\n"
      "CREATE USER IF NOT EXISTS `app`@`%` IDENTIFIED BY PASSWORD '*D8';\n"
      "GRANT USAGE ON *.* TO `mariadb.sys`@`localhost`;\n"
      "GRANT SELECT ON `shop`.* TO `app`@`%`;\n"
      "-- Dump completed";
  const std::string expected =
      "CREATE USER IF NOT EXISTS `app`@`%` IDENTIFIED BY PASSWORD '*D8';\n"
      "GRANT SELECT ON `shop`.* TO `app`@`%`;\n"
      "-- Dump completed";
  for (size_t chunk : {1, 2, 5, 17, 4096}) {
    StringSink sink;
    InternalAccountFilter filter(&sink);
    for (size_t i = 0; i < input.size(); i += chunk) {
      std::string_view part = std::string_view(input).substr(i, chunk);
      ASSERT_TRUE(filter.Write({reinterpret_cast<const uint8_t*>(part.data()), part.size()}).ok());
    }
    ASSERT_TRUE(filter.Finish().ok());
    EXPECT_EQ(sink.text, expected) << chunk;
    EXPECT_EQ(filter.lines_dropped(), 2u);
  }
}

}  // namespace
}  // namespace mysql_backup
