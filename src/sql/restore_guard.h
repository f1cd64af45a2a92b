// The restore guard: a stream stage between the decompressor and the mysql client that lets
// through only the statements a restore may run (see statement_policy.h), rewritten where they
// must be. It decides about each statement before any byte of it goes on: the statement's head
// (and the comments and blanks before it) is held back until the DumpScanner underneath says what
// the statement is; then it is passed (possibly rewritten) with the rest streamed behind it,
// skipped, or refused. Memory stays bounded: a statement is held for its first kilobyte of text
// at most, so a 500 MB INSERT streams through.
//
// A refusal fails Write()/Finish() with kIntegrity; nothing of the refused statement has reached
// the sink. The caller must then stop the client without closing its input: the client runs a
// pending statement at the end of its input, even one without a delimiter.
#ifndef MYSQL_BACKUP_SQL_RESTORE_GUARD_H_
#define MYSQL_BACKUP_SQL_RESTORE_GUARD_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/compressor.h"
#include "sql/dump_scanner.h"
#include "sql/scanned_bytes.h"
#include "sql/statement_policy.h"
#include "util/status.h"

namespace mysql_backup {

class RestoreGuard : public ByteSink, private StatementObserver {
 public:
  // Bytes held back before a statement is classified: its head, and the comments before it.
  static constexpr size_t kMaxHeldBytes = 1 << 20;

  explicit RestoreGuard(GuardSettings settings);
  RestoreGuard(const RestoreGuard&) = delete;
  RestoreGuard& operator=(const RestoreGuard&) = delete;

  // Where the statements go (the client's stdin). Must be set before the first Write().
  void set_downstream(ByteSink* sink) { sink_ = sink; }

  Status Write(std::span<const uint8_t> data) override;
  // Ends the stream; a last statement without a delimiter is judged as the client would run it.
  Status Finish();

  // What the dump holds, counted as it streamed past (the drill compares with it).
  const DumpScanner& scanner() const { return scanner_; }
  // The definers that were rewritten to CURRENT_USER, as the dump wrote them.
  const std::set<std::string>& definers() const { return definers_; }
  // "`CHANGE MASTER TO ...`: a replication position, ..." for each statement skipped.
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  // kHoldingWhole: under a DELIMITER other than ';' a statement is held to its end (bounded by
  // kMaxHeldBytes): the server would run every ';'-separated statement in it.
  enum class Mode { kHolding, kHoldingWhole, kPassing, kSkipping };

  void OnHeadReady() override;
  void OnStatementEnd() override;
  void OnClientCommand() override;

  void Forward(std::string_view bytes);
  // Judges `raw` (a statement with what precedes it, maybe its delimiter) and acts on it.
  // `excerpt` and `modes` are those of the statement's head.
  void Decide(const std::string& raw, const std::string& excerpt, uint8_t modes, bool whole);

  StatementPolicy policy_;
  DumpScanner scanner_;
  ByteSink* sink_ = nullptr;
  Status status_;
  Mode mode_ = Mode::kHolding;
  ScannedBytes scanned_;  // not yet handed on or dropped
  std::string whole_excerpt_;  // kHoldingWhole: of the statement held
  uint8_t whole_modes_ = 0;
  std::set<std::string> definers_;
  std::vector<std::string> skipped_;
};

// A statement's head for a message: blanks folded, cut at about 200 characters, control
// characters escaped.
std::string StatementExcerpt(std::string_view head);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_SQL_RESTORE_GUARD_H_
