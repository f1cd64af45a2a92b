#include "util/head_tail_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mysql_backup {
namespace {

TEST(HeadTailTextTest, KeepsTheStartAndTheEndAndSaysHowMuchWasLeftOut) {
  static const struct {
    size_t head, tail;
    std::vector<std::string> pieces;
    std::string want;
  } kCases[] = {
      {4, 4, {}, ""},
      {4, 4, {"abc"}, "abc"},
      {4, 4, {"abcdefgh"}, "abcdefgh"},                  // exactly head + tail
      {4, 4, {"abcd", "efgh"}, "abcdefgh"},
      {4, 4, {"abcdefghi"}, "abcd\n[... 1 bytes left out ...]\nfghi"},
      {4, 4, {"ab\n", "c", "defghijkl"}, "ab\nc\n[... 5 bytes left out ...]\nijkl"},
      {4, 4, {"abc\n", "1", "2", "3", "4", "5", "6", "7", "8", "9", "ERR\n"},
       "abc\n[... 9 bytes left out ...]\nERR\n"},          // many small pieces
      {4, 4, {"abcd", std::string(1000, 'x'), "ERR\n"},
       "abcd\n[... 1000 bytes left out ...]\nERR\n"},      // a piece larger than the tail
      {0, 3, {"abcdef"}, "[... 3 bytes left out ...]\ndef"},
      {3, 0, {"abcdef"}, "abc\n[... 3 bytes left out ...]\n"},
  };
  for (const auto& c : kCases) {
    HeadTailText text(c.head, c.tail);
    size_t total = 0;
    for (const auto& p : c.pieces) {
      text.Append(p);
      total += p.size();
    }
    EXPECT_EQ(text.Text(), c.want) << testing::PrintToString(c.pieces);
    EXPECT_EQ(text.total(), total);
  }
}

TEST(HeadTailTextTest, TheErrorAtTheEndOfMegabytesOfEchoSurvives) {
  HeadTailText text(16 * 1024, 48 * 1024);
  text.Append("INSERT INTO `t` VALUES ");
  for (int i = 0; i < 100000; ++i) text.Append("(" + std::to_string(i) + ",'row'),");
  text.Append("\nERROR 1062 (23000) at line 42: Duplicate entry '7' for key 'PRIMARY'\n");
  const std::string kept = text.Text();
  EXPECT_LE(kept.size(), 16 * 1024 + 48 * 1024 + 64);
  EXPECT_EQ(kept.rfind("INSERT INTO `t` VALUES (0,'row'),", 0), 0u);
  EXPECT_NE(kept.find("bytes left out ...]\n"), std::string::npos);
  EXPECT_TRUE(kept.ends_with("ERROR 1062 (23000) at line 42: Duplicate entry '7' for key "
                             "'PRIMARY'\n"));
}

}  // namespace
}  // namespace mysql_backup
