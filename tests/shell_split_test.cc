// ShellSplit turns mysqldump_options into argv words the way /bin/sh would, with no expansion.
// The expected words were checked with sh -c 'eval "set -- $text"'.
#include "util/shell_split.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mysql_backup {
namespace {

using Words = std::vector<std::string>;

TEST(ShellSplitTest, SplitsLikeAPosixShell) {
  static const struct {
    const char* text;
    Words expected;
  } kCases[] = {
      {"", {}},
      {"   \t ", {}},
      {"--single-transaction --routines --events --triggers --add-drop-table --extended-insert",
       {"--single-transaction", "--routines", "--events", "--triggers", "--add-drop-table",
        "--extended-insert"}},
      {"  lead   trail  ", {"lead", "trail"}},
      {"a\tb\nc", {"a", "b", "c"}},
      {"--where='id > 5 and name = \"x\"'", {"--where=id > 5 and name = \"x\""}},
      {"\"a \\\"b\\\" \\$c \\\\d \\e \\`\"", {"a \"b\" $c \\d \\e `"}},
      {"a\\ b", {"a b"}},
      {"a''b", {"ab"}},
      {"''", {""}},
      {"\"\"", {""}},
      {"x '' y", {"x", "", "y"}},
      {"x'y z'w", {"xy zw"}},
      {"'\\'", {"\\"}},
      {"\"it's\"", {"it's"}},
      {"a\\\"b", {"a\"b"}},
      {"$HOME `id` *", {"$HOME", "`id`", "*"}},  // no expansion of any kind
      {"'a'\"b\"c", {"abc"}},
  };
  for (const auto& c : kCases) {
    auto r = ShellSplit(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.expected) << c.text;
  }
}

TEST(ShellSplitTest, RejectsUnterminatedQuotesAndTrailingBackslash) {
  static const struct {
    const char* text;
    const char* expected_message;
  } kCases[] = {
      {"--where='x", "unterminated single quote"},
      {"'", "unterminated single quote"},
      {"--where=\"x", "unterminated double quote"},
      {"\"abc\\\"", "unterminated double quote"},
      {"abc\\", "trailing backslash"},
  };
  for (const auto& c : kCases) {
    auto r = ShellSplit(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().kind(), ErrorKind::kConfiguration);
    EXPECT_EQ(r.status().message(), c.expected_message) << c.text;
  }
}

}  // namespace
}  // namespace mysql_backup
