#include "sql/dump_splitter.h"

#include <utility>

#include "sql/head_tokenizer.h"
#include "sql/statement_head.h"
#include "sql/statement_kind.h"

namespace mysql_backup {

namespace {

// What a statement is, for routing.
struct Route {
  enum class Kind {
    kSet,          // session state
    kDropTable,    // DROP TABLE of one table: belongs to the next unit or to the post stream
    kTableStart,   // CREATE TABLE
    kTableBody,    // INSERT/REPLACE, LOCK TABLES, ALTER TABLE, UNLOCK TABLES, COMMIT, ...
    kPost,         // a view, routine, trigger or event
    kBarrier,      // a sequence: tables may use it as a default
    kUnknown,
  };
  Kind kind = Kind::kUnknown;
  std::string table;    // kDropTable, kTableStart; kTableBody when the statement names one
  bool starts = false;  // kTableBody: may begin a unit of its own (INSERT, LOCK TABLES)
  // LOCK TABLES, UNLOCK TABLES: left out. LOCK TABLES fixes the tables a session may touch when
  // it runs, foreign-key relatives included; a relative created meanwhile on another connection
  // then makes the INSERT fail ("Table 'city' was not locked with LOCK TABLES", seen with a
  // foreign-key cycle). Each INSERT locks what it needs instead; the rows are the same.
  bool dropped = false;
};

// `name` or `db`.`name` at the tokenizer's position: the unqualified name, or "".
std::string ReadTableName(HeadTokenizer* tokens) {
  Token t = tokens->Next();
  if (!t.IsNameLike()) return "";
  std::string name = Unquote(t);
  if (tokens->Peek().IsPunct('.')) {
    tokens->Next();
    t = tokens->Next();
    if (!t.IsNameLike()) return "";
    name = Unquote(t);
  }
  return name;
}

Route Classify(const std::string& head, uint8_t modes) {
  Route r;
  HeadTokenizer tokens(head, modes);
  switch (ReadStatementKind(tokens)) {
    case StatementKind::kInsert: {
      // As the scanner reads INSERTs: only one that starts the statement, not one inside a
      // versioned comment.
      if (!StartsWithKeyword(head, "INSERT") && !StartsWithKeyword(head, "REPLACE")) return r;
      InsertHead insert = ParseInsertHead(head, modes);
      if (insert.kind == InsertHead::Kind::kOther || insert.table.empty()) return r;
      r.kind = Route::Kind::kTableBody;
      r.table = std::move(insert.table);
      r.starts = true;
      return r;
    }
    case StatementKind::kSet:
      r.kind = Route::Kind::kSet;
      return r;
    case StatementKind::kCreate:
    case StatementKind::kDrop: {
      const StatementHead info = ParseStatementHead(head, modes);
      const bool create = info.verb == StatementHead::Verb::kCreate;
      switch (info.object) {
        case ObjectKind::kTable:
          if (info.names.size() != 1) return r;
          r.kind = create ? Route::Kind::kTableStart : Route::Kind::kDropTable;
          r.table = info.names[0];
          return r;
        case ObjectKind::kView:
        case ObjectKind::kProcedure:
        case ObjectKind::kFunction:
        case ObjectKind::kTrigger:
        case ObjectKind::kEvent:
          r.kind = Route::Kind::kPost;
          return r;
        case ObjectKind::kSequence:
          r.kind = Route::Kind::kBarrier;
          return r;
        case ObjectKind::kNone:
          return r;
      }
      return r;
    }
    case StatementKind::kLock: {
      if (!tokens.Next().Is("TABLES")) return r;
      std::string table = ReadTableName(&tokens);
      // One table only: a lock on several would tie units together.
      for (Token t = tokens.Next(); t.kind != Token::Kind::kEnd; t = tokens.Next()) {
        if (t.IsPunct(',')) return r;
      }
      if (table.empty()) return r;
      r.kind = Route::Kind::kTableBody;
      r.table = std::move(table);
      r.starts = true;
      r.dropped = true;
      return r;
    }
    case StatementKind::kAlter: {
      if (!tokens.Next().Is("TABLE")) return r;
      std::string table = ReadTableName(&tokens);
      if (table.empty()) return r;
      r.kind = Route::Kind::kTableBody;
      r.table = std::move(table);
      return r;
    }
    case StatementKind::kUnlock:
      r.kind = Route::Kind::kTableBody;
      r.dropped = true;
      return r;
    case StatementKind::kTransaction:
      r.kind = Route::Kind::kTableBody;
      return r;
    case StatementKind::kEmpty:
    case StatementKind::kUse:
    case StatementKind::kSelectOrDo:
    case StatementKind::kReplicationPosition:
    case StatementKind::kReplicationCommand:
    case StatementKind::kOther:
      return r;
  }
  return r;
}

bool IsSandboxCommand(std::string_view bytes) {
  return bytes.find("/*M!999999\\-") != std::string_view::npos;
}

}  // namespace

DumpSplitter::DumpSplitter(SplitTarget* target) : target_(target) { scanner_.set_observer(this); }

Status DumpSplitter::Write(std::span<const uint8_t> data) {
  if (!status_.ok()) return status_;
  const std::string_view rest = scanned_.Scan(
      scanner_, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  if (status_.ok()) {
    std::string& held = scanned_.held();
    if (mode_ == Mode::kStreaming) {
      Emit(dests_, rest);
    } else {
      held.append(rest);
      if (mode_ == Mode::kHoldingWhole && held.size() + pending_bytes_ > kMaxPendingBytes) {
        // Too much to hold between two units: what is held runs where it is, alone.
        CloseUnit();
        BeginUnit(SplitTarget::UnitKind::kBarrier, "");
        FlushPendingToUnit();
        dests_ = hold_is_set_ ? (kUnit | kSession | kPost) : kUnit;
        wrapped_ = scanner_.delimiter() != ";";
        if (wrapped_) Emit(dests_, "\nDELIMITER " + scanner_.delimiter() + "\n");
        Emit(dests_, held);
        held.clear();
        mode_ = Mode::kStreaming;
      }
    }
  }
  return status_;
}

Status DumpSplitter::Finish() {
  if (!status_.ok()) return status_;
  scanned_.Finish(scanner_);
  // What is left is comments after the last statement (the guard refuses anything else).
  scanned_.held().clear();
  CloseUnit();
  FlushPendingToPost();
  return status_;
}

void DumpSplitter::Emit(uint8_t dests, std::string_view bytes) {
  if (!status_.ok() || bytes.empty()) return;
  if (dests & kUnit) status_ = target_->UnitBytes(bytes);
  if (status_.ok() && (dests & kSession)) {
    status_ = target_->SessionBytes(bytes);
    session_bytes_ += bytes.size();
  }
  if (status_.ok() && (dests & kPost)) status_ = target_->PostBytes(bytes);
}

void DumpSplitter::CloseUnit() {
  if (!unit_open_ || !status_.ok()) return;
  unit_open_ = false;
  status_ = target_->EndUnit(session_bytes_);
}

void DumpSplitter::BeginUnit(SplitTarget::UnitKind kind, const std::string& table) {
  if (!status_.ok()) return;
  const uint64_t session_start = pending_.empty() ? session_bytes_ : pending_session_start_;
  status_ = target_->BeginUnit(kind, table, session_start);
  unit_open_ = true;
  unit_kind_ = kind;
  unit_table_ = table;
  post_mode_ = false;
  if (kind == SplitTarget::UnitKind::kTable) {
    tables_seen_.insert(table);
    ++table_units_;
  } else {
    ++barrier_units_;
  }
}

void DumpSplitter::FlushPendingToUnit() {
  for (const Piece& p : pending_) Emit(p.is_set ? (kUnit | kPost) : kUnit, p.bytes);
  pending_.clear();
  pending_bytes_ = 0;
}

void DumpSplitter::FlushPendingToPost() {
  for (const Piece& p : pending_) Emit(kPost, p.bytes);
  pending_.clear();
  pending_bytes_ = 0;
}

void DumpSplitter::Hold(bool is_set) {
  mode_ = Mode::kHoldingWhole;
  hold_is_set_ = is_set;
  scanned_.held() = scanned_.Take(scanner_);
}

void DumpSplitter::OnHeadReady() {
  if (!status_.ok() || mode_ != Mode::kHolding) return;
  const Route route = Classify(scanner_.head(), scanner_.modes());
  uint8_t dests = kUnit;
  auto start_unit = [&](const std::string& table) {
    const bool again = tables_seen_.count(table) > 0;
    CloseUnit();
    BeginUnit(again ? SplitTarget::UnitKind::kBarrier : SplitTarget::UnitKind::kTable, table);
    FlushPendingToUnit();
  };
  auto barrier = [&] {
    CloseUnit();
    BeginUnit(SplitTarget::UnitKind::kBarrier, "");
    FlushPendingToUnit();
  };
  auto unknown = [&] {
    if (unit_open_ && unit_kind_ == SplitTarget::UnitKind::kBarrier) return;
    if (!unit_open_ && post_mode_) {
      FlushPendingToPost();
      dests = kPost;
      return;
    }
    barrier();
  };
  switch (route.kind) {
    case Route::Kind::kSet:
      if (!unit_open_) return Hold(/*is_set=*/true);
      dests = kUnit | kSession | kPost;
      break;
    case Route::Kind::kDropTable:
      CloseUnit();
      return Hold(/*is_set=*/false);
    case Route::Kind::kTableStart:
      start_unit(route.table);
      break;
    case Route::Kind::kTableBody:
      if (unit_open_ && (route.table.empty() || unit_kind_ == SplitTarget::UnitKind::kBarrier ||
                         route.table == unit_table_)) {
        if (route.dropped) dests = kNone;
        break;
      }
      if (route.starts) {
        start_unit(route.table);
      } else {
        unknown();
      }
      if (route.dropped && unit_open_) dests = kNone;
      break;
    case Route::Kind::kPost:
      CloseUnit();
      FlushPendingToPost();
      post_mode_ = true;
      dests = kPost;
      break;
    case Route::Kind::kBarrier:
      barrier();
      break;
    case Route::Kind::kUnknown:
      unknown();
      break;
  }
  dests_ = dests;
  wrapped_ = scanner_.delimiter() != ";";
  if (wrapped_) Emit(dests_, "\nDELIMITER " + scanner_.delimiter() + "\n");
  Emit(dests_, scanned_.Take(scanner_));
  mode_ = Mode::kStreaming;
}

void DumpSplitter::OnStatementEnd() {
  if (!status_.ok()) return;
  std::string rest = scanned_.Take(scanner_);
  switch (mode_) {
    case Mode::kStreaming:
      Emit(dests_, rest);
      if (wrapped_) Emit(dests_, "\nDELIMITER ;\n");
      break;
    case Mode::kHoldingWhole: {
      Piece piece;
      const std::string& delimiter = scanner_.delimiter();
      piece.bytes = delimiter == ";" ? std::move(rest)
                                     : "\nDELIMITER " + delimiter + "\n" + rest + "\nDELIMITER ;\n";
      piece.is_set = hold_is_set_;
      if (pending_.empty()) pending_session_start_ = session_bytes_;
      if (piece.is_set) Emit(kSession, piece.bytes);
      pending_bytes_ += piece.bytes.size();
      pending_.push_back(std::move(piece));
      if (pending_bytes_ > kMaxPendingBytes) {
        BeginUnit(SplitTarget::UnitKind::kBarrier, "");
        FlushPendingToUnit();
      }
      break;
    }
    case Mode::kHolding:
      break;  // an empty statement: blanks, comments and a delimiter the client would not send
  }
  mode_ = Mode::kHolding;
}

void DumpSplitter::OnClientCommand() {
  if (!status_.ok()) return;
  std::string bytes = scanned_.Take(scanner_);
  // DELIMITER lines are dropped: each stream writes its own around the statements that need one.
  if (IsSandboxCommand(bytes)) Emit(kSession | kPost, bytes);
  mode_ = Mode::kHolding;
}

}  // namespace mysql_backup
