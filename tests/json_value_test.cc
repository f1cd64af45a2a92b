// The JSON reader accepts what RFC 8259 allows and nothing else, keeps 64-bit integers exact,
// and cannot be driven into deep recursion by a hostile manifest.
#include "util/json_value.h"

#include <gtest/gtest.h>

#include <string>

namespace mysql_backup {
namespace {

TEST(JsonValueTest, ReadsEveryKindOfValue) {
  auto v = ParseJson(
      R"( {"a": [1, -2, 3.5e2, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00",)"
      R"( "big": 18446744073709551615, "o": {}} )");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const auto* a = v->Find("a")->AsArray();
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->size(), 6u);
  EXPECT_EQ((*a)[0].AsUint64(), std::optional<uint64_t>(1));
  EXPECT_EQ((*a)[1].AsInt64(), std::optional<int64_t>(-2));
  EXPECT_FALSE((*a)[1].AsUint64().has_value());
  EXPECT_FALSE((*a)[2].AsUint64().has_value());  // not an integer
  EXPECT_EQ((*a)[3].AsBool(), std::optional<bool>(true));
  EXPECT_EQ((*a)[4].AsBool(), std::optional<bool>(false));
  EXPECT_TRUE((*a)[5].is_null());
  EXPECT_EQ(*v->Find("s")->AsString(), "x\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v->Find("big")->AsUint64(), std::optional<uint64_t>(18446744073709551615ull));
  EXPECT_NE(v->Find("o")->AsObject(), nullptr);
  EXPECT_EQ(v->Find("missing"), nullptr);
}

TEST(JsonValueTest, RejectsWhatIsNotJson) {
  static const char* const kBad[] = {
      "",          "{",          "}",         "[1,]",        "{\"a\":1,}",  "{'a':1}",
      "[01]",      "[1.]",       "[.5]",      "[1e]",        "[+1]",        "[NaN]",
      "[tru]",     "\"a",        "\"\\x\"",   "\"\\u12\"",   "\"\\ud800\"", "\"\\udc00\"",
      "\"a\nb\"",  "[1] [2]",    "{\"a\" 1}", "{\"a\":1 \"b\":2}",           "{\"a\":1,\"a\":2}",
  };
  for (const char* s : kBad) {
    auto v = ParseJson(s);
    EXPECT_FALSE(v.ok()) << s;
    if (!v.ok()) {
      EXPECT_EQ(v.status().kind(), ErrorKind::kIntegrity) << s;
    }
  }
}

TEST(JsonValueTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  auto v = ParseJson(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("nesting"), std::string::npos);
}

}  // namespace
}  // namespace mysql_backup
