// ScannedBytes, the bookkeeping the restore guard and the dump splitter share: what an observer
// takes at each statement boundary is the same bytes whatever the chunks, and nothing is lost or
// taken twice.
#include "sql/scanned_bytes.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sql/dump_scanner.h"

namespace mysql_backup {
namespace {

// Takes the bytes at every statement end and client command, holds the rest of each chunk.
class Cutter : private StatementObserver {
 public:
  Cutter() { scanner_.set_observer(this); }
  void Write(std::string_view chunk) { scanned_.held().append(scanned_.Scan(scanner_, chunk)); }
  std::vector<std::string> Finish() {
    scanned_.Finish(scanner_);
    pieces_.push_back(scanned_.Take(scanner_));
    return pieces_;
  }

 private:
  void OnHeadReady() override {}
  void OnStatementEnd() override { pieces_.push_back(scanned_.Take(scanner_)); }
  void OnClientCommand() override { pieces_.push_back("[" + scanned_.Take(scanner_) + "]"); }

  DumpScanner scanner_;
  ScannedBytes scanned_;
  std::vector<std::string> pieces_;
};

constexpr std::string_view kDump =
    "-- header\n/*!40101 SET NAMES utf8mb4 */;\nINSERT INTO `t` VALUES (1,'a;b'),(2,'c');\n"
    "DELIMITER ;;\nCREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW BEGIN SET @a = 1; END ;;\n"
    "DELIMITER ;\n-- trailing comment\n";

TEST(ScannedBytesTest, TakesTheSameBytesAtEachBoundaryWhateverTheChunks) {
  Cutter whole;
  whole.Write(kDump);
  const std::vector<std::string> expected = whole.Finish();
  std::string joined;
  for (const std::string& piece : expected) {
    joined += piece.starts_with("[") ? piece.substr(1, piece.size() - 2) : piece;
  }
  EXPECT_EQ(joined, kDump);
  EXPECT_EQ(expected.front(), "-- header\n/*!40101 SET NAMES utf8mb4 */;");
  EXPECT_EQ(expected.back(), "-- trailing comment\n");

  for (size_t chunk = 1; chunk < kDump.size(); ++chunk) {
    SCOPED_TRACE(chunk);
    Cutter cutter;
    for (size_t at = 0; at < kDump.size(); at += chunk) cutter.Write(kDump.substr(at, chunk));
    EXPECT_EQ(cutter.Finish(), expected);
  }
}

}  // namespace
}  // namespace mysql_backup
