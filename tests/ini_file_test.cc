// ParseIni must read a file exactly as Python's configparser (RawConfigParser, strict mode) did,
// since the old tool's users keep their file. Every expected value in the tables below is what
// Python 3.11's RawConfigParser().read_string() returns for the same text.
#include "config/ini_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mysql_backup {
namespace {

// The value of [section] key, or "<missing>".
std::string ValueOf(const std::vector<IniSection>& sections, const std::string& section,
                    const std::string& key) {
  for (const auto& s : sections) {
    if (s.name != section) continue;
    for (const auto& e : s.entries) {
      if (e.key == key) return e.value;
    }
  }
  return "<missing>";
}

// "[a] k=v k2=v2 [b]" for comparing a whole parse at a glance.
std::string Flatten(const std::vector<IniSection>& sections) {
  std::string out;
  for (const auto& s : sections) {
    if (!out.empty()) out += ' ';
    out += '[' + s.name + ']';
    for (const auto& e : s.entries) out += ' ' + e.key + '=' + e.value;
  }
  return out;
}

TEST(IniFileTest, ReadsValuesVerbatimLikeConfigparser) {
  static const struct {
    const char* text;
    const char* expected;  // value of [s] a
  } kCases[] = {
      {"[s]\na = x ;y\n", "x ;y"},
      {"[s]\na = x # y\n", "x # y"},
      {"[s]\na = x;y#z\n", "x;y#z"},
      {"[s]\na = pa$$ ;w0rd#\"'\\x\n", "pa$$ ;w0rd#\"'\\x"},
      {"[s]\na = \"quoted\"\n", "\"quoted\""},
      {"[s]\na = 'single'\n", "'single'"},
      {"[s]\na = back\\slash\\\n", "back\\slash\\"},
      {"[s]\na = b=c\n", "b=c"},
      {"[s]\na = b:c\n", "b:c"},
      {"[s]\na : b=c\n", "b=c"},
      {"[s]\na: value\n", "value"},
      {"[s]\na:value\n", "value"},
      {"[s]\na=value\n", "value"},
      {"[s]\na\t=\tvalue\t\n", "value"},
      {"[s]\na = %%\n", "%%"},
      {"[s]\na = []\n", "[]"},
      {"[s]\na = \"\n", "\""},
      {"[s]\na = \xC3\xBC \xE2\x82\xAC\n", "\xC3\xBC \xE2\x82\xAC"},
      {"[s]\na =\n", ""},
      {"[s]\na = \n", ""},
      {"[s]\na =", ""},
      {"[s]\na = no newline at end", "no newline at end"},
  };
  for (const auto& c : kCases) {
    auto r = ParseIni(c.text, "test.conf");
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(ValueOf(*r, "s", "a"), c.expected) << c.text;
  }
}

TEST(IniFileTest, KeepsSemicolonAndHashInsideValue) {
  auto r = ParseIni("[database]\npassword = pa$$ ;w0rd#\"'\\x\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueOf(*r, "database", "password"), "pa$$ ;w0rd#\"'\\x");
}

TEST(IniFileTest, SplitsKeyAtFirstDelimiter) {
  // configparser's option regex is non-greedy: the first '=' or ':' ends the key.
  auto r = ParseIni("[s]\na:b = c\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[s] a=b = c");
}

TEST(IniFileTest, FoldsKeysToLowerCaseButNotSectionNames) {
  auto r = ParseIni("[S]\nKEY = v\n[s]\nMixed_Case = V\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[S] key=v [s] mixed_case=V");
}

TEST(IniFileTest, JoinsIndentedContinuationLines) {
  static const struct {
    const char* text;
    const char* expected;  // value of [s] a
  } kCases[] = {
      {"[s]\na = v\n  cont1\n\n  cont2\n\n\n", "v\ncont1\n\ncont2"},
      {"[s]\na = 1\n\tcont\n", "1\ncont"},
      {"[s]\na = x\n  y  \n", "x\ny"},
      {"[s]\na = x\n  \n  y\n", "x\n\ny"},
      {"[s]\na = 1\n  b = 2\n", "1\nb = 2"},
      {"[s]\na = 1\n  [t]\n", "1\n[t]"},
      {"[s]\na = 1 \\\n  2\n", "1 \\\n2"},
      {"[s]\na =\n  b\n", "\nb"},
      {"[s]\n\ta = 1\n\t  b\n", "1\nb"},
      // Trailing blank lines are not part of the value.
      {"[s]\na = x\n\n  \n", "x"},
      {"[s]\na = x\n  y\n\n\nb = z\n", "x\ny"},
  };
  for (const auto& c : kCases) {
    auto r = ParseIni(c.text, "test.conf");
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(ValueOf(*r, "s", "a"), c.expected) << c.text;
  }
}

TEST(IniFileTest, SkipsCommentLinesEvenInsideContinuations) {
  static const struct {
    const char* text;
    const char* expected;  // value of [s] a
  } kCases[] = {
      {"[s]\na = 1\n# c\n  more\n", "1\nmore"},
      {"[s]\na = 1\n  # c\n  more\n", "1\nmore"},
      {"[s]\na = 1\n  ; c\n  more\n", "1\nmore"},
      // Blank lines around a comment stay in the value; the comment does not.
      {"[s]\na = 1\n\n# c\n\n  more\n", "1\n\n\nmore"},
  };
  for (const auto& c : kCases) {
    auto r = ParseIni(c.text, "test.conf");
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(ValueOf(*r, "s", "a"), c.expected) << c.text;
  }
}

TEST(IniFileTest, IgnoresCommentAndBlankLines) {
  auto r = ParseIni(
      "# leading comment\n"
      "; another\n"
      "\n"
      "[s]\n"
      "# a = 1\n"
      ";b=2\n"
      "   # indented comment\n"
      "\t; indented comment\n"
      "c = 3\n",
      "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[s] c=3");
}

TEST(IniFileTest, IndentedKeysAtTheSameDepthAreNotContinuations) {
  auto r = ParseIni("[s]\n  a = 1\n  b = 2\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[s] a=1 b=2");
}

TEST(IniFileTest, AcceptsIndentedSectionHeaderAndTrailingTextAfterIt) {
  auto r = ParseIni("  [s]\na=1\n[t] ; comment\nb=2\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[s] a=1 [t] b=2");
}

TEST(IniFileTest, KeepsSpacesInsideSectionName) {
  auto r = ParseIni("[ s ]\na=1\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[ s ] a=1");
}

TEST(IniFileTest, SectionNameRunsToTheLastBracket) {
  // configparser's header pattern is "\[(.+)\]", greedy.
  auto r = ParseIni("[a]b]\nx=1\n[s]]\ny=2\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[a]b] x=1 [s]] y=2");
}

TEST(IniFileTest, SameKeyInDifferentSectionsIsFine) {
  auto r = ParseIni("[s]\na=1\n[t]\na=2\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[s] a=1 [t] a=2");
}

TEST(IniFileTest, ReadsCrlfLineEndings) {
  auto r = ParseIni("[s]\r\na = 1\r\nb = x ;y\r\n  cont\r\n\r\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[s] a=1 b=x ;y\ncont");
}

TEST(IniFileTest, SkipsUtf8ByteOrderMark) {
  // configparser itself fails on a BOM unless opened as utf-8-sig; editors on Windows write
  // one, and the file is unambiguous without it.
  auto r = ParseIni("\xEF\xBB\xBF[s]\na = 1\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Flatten(*r), "[s] a=1");
}

TEST(IniFileTest, RecordsLineNumbers) {
  auto r = ParseIni("# c\n[s]\n\na = 1\n  cont\nb = 2\n", "test.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].line, 2);
  ASSERT_EQ((*r)[0].entries.size(), 2u);
  EXPECT_EQ((*r)[0].entries[0].line, 4);
  EXPECT_EQ((*r)[0].entries[1].line, 6);
}

TEST(IniFileTest, EmptyTextHasNoSections) {
  for (const char* text : {"", "\n", "# only a comment\n", "\n\n  \n"}) {
    auto r = ParseIni(text, "test.conf");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->empty()) << text;
  }
}

TEST(IniFileTest, RejectsMalformedFilesNamingFileAndLine) {
  static const struct {
    const char* text;
    const char* expected_in_message;
  } kCases[] = {
      {"[s]\na = 1\na = 2\n", "'test.conf' line 3"},
      {"[s]\na = 1\nA = 2\n", "'test.conf' line 3"},  // keys are case-insensitive
      {"[s]\n[t]\n[s]\n", "'test.conf' line 3"},
      {"a = 1\n[s]\n", "'test.conf' line 1"},
      {"\n# c\nkey = value\n", "'test.conf' line 3"},
      {"[s]\n = 1\n", "'test.conf' line 2"},
      {"[s]\nnovalue\n", "'test.conf' line 2"},
      {"[s]\na\n=1\n", "'test.conf' line 2"},
      {"[s]\n[\n", "'test.conf' line 2"},
      {"[]\nx=1\n", "'test.conf' line 1"},
  };
  for (const auto& c : kCases) {
    auto r = ParseIni(c.text, "test.conf");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().kind(), ErrorKind::kConfiguration) << c.text;
    EXPECT_NE(r.status().message().find(c.expected_in_message), std::string::npos)
        << c.text << ": " << r.status().message();
  }
}

// A message quotes a value on one line and at most about 200 characters of it.
TEST(IniFileTest, ExcerptForMessageEscapesAndCuts) {
  static const struct {
    std::string value;
    std::string expected;
  } kCases[] = {
      {"plain value", "plain value"},
      {"a\nb\tc", "a\\nb\\tc"},
      {std::string("nul\0", 4) + "\x1b\x7f", "nul\\x00\\x1b\\x7f"},
      {std::string(200, 'x'), std::string(200, 'x')},
      {std::string(201, 'x'), std::string(200, 'x') + "... (201 bytes in all)"},
      // A character begun at the limit is finished, not cut in half.
      {std::string(199, 'x') + "\xE2\x82\xAC" + "tail",
       std::string(199, 'x') + "\xE2\x82\xAC... (206 bytes in all)"},
  };
  for (const auto& c : kCases) EXPECT_EQ(ExcerptForMessage(c.value), c.expected) << c.value;
}

TEST(IniFileTest, MalformedHugeLineIsQuotedShort) {
  auto r = ParseIni("[s]\n" + std::string(10 * 1000 * 1000, 'x') + "\n", "test.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 300u) << r.status().message().substr(0, 400);
  EXPECT_NE(r.status().message().find("... (10000000 bytes in all)"), std::string::npos);
}

TEST(IniFileTest, DuplicateKeyErrorNamesKeySectionAndFirstLine) {
  auto r = ParseIni("[database]\nuser = a\n\nUser = b\n", "/etc/x.conf");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("'/etc/x.conf' line 4"), std::string::npos) << m;
  EXPECT_NE(m.find("'user'"), std::string::npos) << m;
  EXPECT_NE(m.find("[database]"), std::string::npos) << m;
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;
}

TEST(IniFileTest, DuplicateSectionErrorNamesSectionAndFirstLine) {
  auto r = ParseIni("[backup]\na=1\n[backup]\n", "/etc/x.conf");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("'/etc/x.conf' line 3"), std::string::npos) << m;
  EXPECT_NE(m.find("[backup]"), std::string::npos) << m;
  EXPECT_NE(m.find("line 1"), std::string::npos) << m;
}

}  // namespace
}  // namespace mysql_backup
