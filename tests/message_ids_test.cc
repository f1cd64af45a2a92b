#include "journal/message_ids.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace mysql_backup {
namespace {

std::string ReadCatalog() {
  const char* root = std::getenv("MYSQL_BACKUP_SOURCE_ROOT");
  std::ifstream in(std::string(root ? root : ".") + "/catalog/mysql-backup.catalog");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(MessageIdsTest, EveryIdIsUniqueAnd128BitHex) {
  std::set<std::string> seen;
  for (const char* id : kAllMessageIds) {
    std::string s = id;
    EXPECT_EQ(s.size(), 32u) << s;
    EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos) << s;
    EXPECT_TRUE(seen.insert(s).second) << "duplicate " << s;
  }
}

TEST(MessageIdsTest, EveryIdHasACatalogEntryWithSubjectAndDocumentation) {
  std::string catalog = ReadCatalog();
  ASSERT_FALSE(catalog.empty());
  for (const char* id : kAllMessageIds) {
    size_t at = catalog.find(std::string("\n-- ") + id + "\n");
    ASSERT_NE(at, std::string::npos) << id;
    size_t end = catalog.find("\n-- ", at + 1);
    std::string entry = catalog.substr(at, end == std::string::npos ? end : end - at);
    EXPECT_NE(entry.find("\nSubject: "), std::string::npos) << id;
    EXPECT_NE(entry.find("\nDefined-By: mysql-backup\n"), std::string::npos) << id;
    EXPECT_NE(entry.find("\nDocumentation: man:mysql-backup(8)\n"), std::string::npos) << id;
  }
}

TEST(MessageIdsTest, CatalogOnlyUsesFieldNamesJournalctlSubstitutes) {
  // journalctl -x replaces @NAME@ only when NAME is A-Z and '_' (systemd's replace_var); any
  // other @...@ would show up verbatim.
  std::string catalog = ReadCatalog();
  for (size_t at = catalog.find('@'); at != std::string::npos; at = catalog.find('@', at + 1)) {
    size_t end = catalog.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789", at + 1);
    if (end == std::string::npos || catalog[end] != '@' || end == at + 1) continue;
    std::string name = catalog.substr(at + 1, end - at - 1);
    EXPECT_EQ(name.find_first_of("0123456789"), std::string::npos) << "@" << name << "@";
    at = end;
  }
}

}  // namespace
}  // namespace mysql_backup
