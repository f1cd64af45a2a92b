// Deterministic text that looks like mysqldump output, for compression tests and the compression
// micro-benchmark: a dump header, then tables in turn, each a CREATE TABLE and ~1 MB
// extended-INSERT lines. Three table shapes, so ratio and speed resemble a real dump rather than
// a best or worst case: sysbench's sbtest (random digit groups, which deflate finds hard), an
// orders table (words, decimals, datetimes, escaped quotes) and one wide table with NULLs.
// Same seed, same bytes.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_DUMP_LIKE_TEXT_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_DUMP_LIKE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace mysql_backup::testing {

class DumpLikeText {
 public:
  explicit DumpLikeText(uint64_t seed = 42) : state_(seed) {}

  // The first `size` bytes of the text.
  static std::string Generate(size_t size, uint64_t seed = 42) {
    DumpLikeText text(seed);
    std::string out;
    out.reserve(size + (2 << 20));
    while (out.size() < size) text.AppendChunk(&out);
    out.resize(size);
    return out;
  }

  // Appends the next piece (the header, a CREATE TABLE or one INSERT line) to `out`.
  void AppendChunk(std::string* out) {
    if (!header_done_) {
      out->append(
          "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n"
          "-- Host: localhost    Database: shop\n"
          "-- ------------------------------------------------------\n"
          "-- Server version\t10.11.6-MariaDB-0+deb12u1\n\n"
          "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
          "/*!40101 SET NAMES utf8mb4 */;\n"
          "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\n");
      header_done_ = true;
    }
    if (rows_left_ == 0) {
      ++table_;
      rows_left_ = kTableBytes;
      AppendCreateTable(out);
      return;
    }
    size_t start = out->size();
    out->append("INSERT INTO `" + TableName() + "` VALUES ");
    bool first = true;
    while (out->size() - start < kLineBytes) {
      if (!first) out->push_back(',');
      first = false;
      AppendRow(out);
    }
    out->append(";\n");
    size_t written = out->size() - start;
    rows_left_ = written >= rows_left_ ? 0 : rows_left_ - written;
    if (rows_left_ == 0) out->append("UNLOCK TABLES;\n\n");
  }

 private:
  static constexpr size_t kLineBytes = 1000 * 1000;  // mysqldump's net_buffer_length
  static constexpr size_t kTableBytes = 6 << 20;

  uint64_t Next() {  // splitmix64
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

  int Shape() const { return table_ % 3; }
  std::string TableName() const {
    static const char* const kNames[] = {"sbtest", "orders", "wide_events"};
    return std::string(kNames[Shape()]) + std::to_string(table_ / 3 + 1);
  }

  void AppendCreateTable(std::string* out) {
    std::string name = TableName();
    out->append("--\n-- Table structure for table `" + name + "`\n--\n\nDROP TABLE IF EXISTS `" +
                name + "`;\nCREATE TABLE `" + name + "` (\n");
    if (Shape() == 0) {
      out->append(
          "  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n"
          "  `k` int(10) unsigned NOT NULL DEFAULT 0,\n"
          "  `c` char(120) NOT NULL DEFAULT '',\n"
          "  `pad` char(60) NOT NULL DEFAULT '',\n"
          "  PRIMARY KEY (`id`),\n  KEY `k_1` (`k`)\n");
    } else if (Shape() == 1) {
      out->append(
          "  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n"
          "  `customer_id` int(11) NOT NULL,\n"
          "  `status` enum('new','paid','shipped','cancelled','refunded') NOT NULL,\n"
          "  `amount` decimal(12,2) NOT NULL,\n"
          "  `created_at` datetime NOT NULL,\n"
          "  `note` text DEFAULT NULL,\n"
          "  PRIMARY KEY (`id`)\n");
    } else {
      for (int i = 0; i < 40; ++i) {
        out->append("  `col" + std::to_string(i) + "` " +
                    (i % 4 == 0   ? "int(11) DEFAULT NULL"
                     : i % 4 == 1 ? "double DEFAULT NULL"
                     : i % 4 == 2 ? "varchar(32) DEFAULT NULL"
                                  : "date DEFAULT NULL") +
                    ",\n");
      }
      out->append("  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n");
    }
    out->append(
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n\n"
        "--\n-- Dumping data for table `" +
        name + "`\n--\n\nLOCK TABLES `" + name + "` WRITE;\n");
    next_id_ = 1;
  }

  void AppendDigits(std::string* out, int groups, int digits) {
    for (int g = 0; g < groups; ++g) {
      if (g > 0) out->push_back('-');
      for (int d = 0; d < digits; ++d) out->push_back(static_cast<char>('0' + Below(10)));
    }
  }

  void AppendWords(std::string* out, int count) {
    static const char* const kWords[] = {
        "the",     "order",   "customer", "delivery", "package",   "address",  "please",
        "call",    "before",  "arrival",  "gift",     "wrap",      "fragile",  "handle",
        "with",    "care",    "door",     "code",     "leave",     "at",       "reception",
        "invoice", "company", "VAT",      "number",   "express",   "shipping", "return",
        "damaged", "item",    "replaced", "refund",   "issued",    "O'Brien",  "Müller",
        "weekend", "morning", "evening",  "no",       "signature", "required", "backorder"};
    constexpr size_t kCount = sizeof(kWords) / sizeof(kWords[0]);
    for (int i = 0; i < count; ++i) {
      if (i > 0) out->push_back(Below(12) == 0 ? ',' : ' ');
      std::string word = kWords[Below(kCount)];
      for (char c : word) {
        if (c == '\'') out->push_back('\\');  // mysqldump escapes quotes
        out->push_back(c);
      }
    }
    if (Below(10) == 0) out->append("\\n");
  }

  void AppendDate(std::string* out, bool with_time) {
    char buf[32];
    int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", 2015 + static_cast<int>(Below(10)),
                          1 + static_cast<int>(Below(12)), 1 + static_cast<int>(Below(28)));
    out->append(buf, static_cast<size_t>(n));
    if (with_time) {
      n = std::snprintf(buf, sizeof(buf), " %02d:%02d:%02d", static_cast<int>(Below(24)),
                        static_cast<int>(Below(60)), static_cast<int>(Below(60)));
      out->append(buf, static_cast<size_t>(n));
    }
  }

  void AppendRow(std::string* out) {
    uint64_t id = next_id_++;
    out->push_back('(');
    out->append(std::to_string(id));
    if (Shape() == 0) {
      out->push_back(',');
      out->append(std::to_string(Below(1000000)));
      out->append(",'");
      AppendDigits(out, 10, 11);
      out->append("','");
      AppendDigits(out, 5, 11);
      out->push_back('\'');
    } else if (Shape() == 1) {
      static const char* const kStatus[] = {"new", "paid", "shipped", "cancelled", "refunded"};
      out->append("," + std::to_string(1 + Below(200000)) + ",'" + kStatus[Below(5)] + "',");
      out->append(std::to_string(Below(100000)) + "." + std::to_string(10 + Below(90)) + ",'");
      AppendDate(out, true);
      out->append("',");
      if (Below(4) == 0) {
        out->append("NULL");
      } else {
        out->push_back('\'');
        AppendWords(out, 3 + static_cast<int>(Below(20)));
        out->push_back('\'');
      }
    } else {
      for (int i = 0; i < 40; ++i) {
        out->push_back(',');
        if (Below(5) == 0) {
          out->append("NULL");
        } else if (i % 4 == 0) {
          out->append(std::to_string(Below(100000)));
        } else if (i % 4 == 1) {
          out->append(std::to_string(Below(1000)) + "." + std::to_string(Below(1000000)));
        } else if (i % 4 == 2) {
          out->push_back('\'');
          AppendWords(out, 1 + static_cast<int>(Below(3)));
          out->push_back('\'');
        } else {
          out->push_back('\'');
          AppendDate(out, false);
          out->push_back('\'');
        }
      }
    }
    out->push_back(')');
  }

  uint64_t state_;
  bool header_done_ = false;
  int table_ = -1;
  size_t rows_left_ = 0;
  uint64_t next_id_ = 1;
};

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_DUMP_LIKE_TEXT_H_
