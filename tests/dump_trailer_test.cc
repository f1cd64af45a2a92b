// DumpTrailerCheck tells a complete mysqldump output from one that was cut off, however the
// stream is chunked.
#include "dump/dump_trailer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>

namespace mysql_backup {
namespace {

constexpr char kMariaDbHeader[] =
    "/*M!999999\\- enable the sandbox mode */ \n"
    "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n"
    "--\n"
    "-- Host: localhost    Database: shop\n"
    "-- ------------------------------------------------------\n"
    "-- Server version\t10.11.19-MariaDB-0+deb12u1\n";
constexpr char kOldMariaDbHeader[] =
    "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n"
    "--\n";
constexpr char kMySqlHeader[] =
    "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n"
    "--\n"
    "-- Host: 127.0.0.1    Database: shop\n";
constexpr char kTrailer[] = "-- Dump completed on 2026-11-27  0:00:03\n";

// A body long enough that head and tail never overlap.
std::string Body() {
  std::string body = "DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (`id` int);\n";
  for (int i = 0; i < 200; ++i) {
    body += "INSERT INTO `t` VALUES (" + std::to_string(i) + ");\n";
  }
  return body;
}

DumpTrailerCheck Feed(const std::string& data, size_t chunk) {
  DumpTrailerCheck check;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  for (size_t pos = 0; pos < data.size(); pos += chunk) {
    check.Update(std::span<const uint8_t>(bytes + pos, std::min(chunk, data.size() - pos)));
  }
  return check;
}

TEST(DumpTrailerTest, ClassifiesDumpsWhateverTheChunkSize) {
  static const struct {
    const char* what;
    std::string data;
    bool header;
    bool trailer;
    bool complete;
  } kCases[] = {
      {"MariaDB with sandbox line", kMariaDbHeader + Body() + kTrailer, true, true, true},
      {"MariaDB before the sandbox line", kOldMariaDbHeader + Body() + kTrailer, true, true, true},
      {"MySQL", kMySqlHeader + Body() + kTrailer, true, true, true},
      {"--skip-dump-date trailer", kMySqlHeader + Body() + "-- Dump completed\n", true, true, true},
      {"trailer without final newline", kMySqlHeader + Body() + "-- Dump completed on x", true,
       true, true},
      {"blank lines after trailer", kMySqlHeader + Body() + kTrailer + "\n\r\n", true, true, true},
      {"cut off MariaDB", kMariaDbHeader + Body(), true, false, false},
      {"cut off MySQL", kMySqlHeader + Body(), true, false, false},
      {"cut off in the header", std::string(kMariaDbHeader).substr(0, 60), true, false, false},
      {"trailer not on the last line", kMySqlHeader + std::string(kTrailer) + Body(), true, false,
       false},
      {"trailer inside a line", kMySqlHeader + Body() + "SELECT 1; -- Dump completed\n", true,
       false, false},
      {"--compact: no header", Body(), false, false, true},
      {"--compact with trailer-like text", Body() + kTrailer, false, true, true},
      {"header not on the first line", "\n" + std::string(kMySqlHeader) + Body(), false, false,
       true},
      {"sandbox line followed by something else",
       "/*M!999999\\- enable the sandbox mode */\n" + Body(), false, false, true},
      {"sandbox line alone", "/*M!999999\\- enable the sandbox mode */", false, false, true},
      {"empty", "", false, false, true},
  };
  for (const auto& c : kCases) {
    for (size_t chunk : {1, 2, 7, 511, 512, 513, 4096, 1 << 20}) {
      DumpTrailerCheck check = Feed(c.data, chunk);
      EXPECT_EQ(check.has_header(), c.header) << c.what << ", chunk " << chunk;
      EXPECT_EQ(check.has_trailer(), c.trailer) << c.what << ", chunk " << chunk;
      EXPECT_EQ(check.complete(), c.complete) << c.what << ", chunk " << chunk;
      EXPECT_EQ(check.total_bytes(), c.data.size()) << c.what << ", chunk " << chunk;
    }
  }
}

TEST(DumpTrailerTest, SmallDumpWithHeaderAndTrailerIsComplete) {
  // Head and tail overlap when the whole dump is shorter than what each keeps.
  std::string dump = std::string(kMySqlHeader) + kTrailer;
  for (size_t chunk : {1, 3, 1000}) {
    DumpTrailerCheck check = Feed(dump, chunk);
    EXPECT_TRUE(check.has_header()) << chunk;
    EXPECT_TRUE(check.has_trailer()) << chunk;
    EXPECT_TRUE(check.complete()) << chunk;
  }
}

TEST(DumpTrailerTest, EmptyChunksChangeNothing) {
  DumpTrailerCheck check;
  check.Update({});
  std::string dump = std::string(kMariaDbHeader) + Body() + kTrailer;
  check.Update(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(dump.data()), dump.size()));
  check.Update({});
  EXPECT_TRUE(check.has_header());
  EXPECT_TRUE(check.has_trailer());
  EXPECT_EQ(check.total_bytes(), dump.size());
}

}  // namespace
}  // namespace mysql_backup
