#include "sql/restore_guard.h"

#include <cstdio>
#include <utility>

#include "sql/head_tokenizer.h"
#include "sql/statement_head.h"

namespace mysql_backup {

std::string StatementExcerpt(std::string_view head) {
  constexpr size_t kMax = 200;
  std::string out;
  bool blank = false;
  for (char c : head) {
    if (out.size() >= kMax) {
      out += "...";
      break;
    }
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

RestoreGuard::RestoreGuard(GuardSettings settings) : policy_(std::move(settings)) {
  scanner_.set_observer(this);
}

Status RestoreGuard::Write(std::span<const uint8_t> data) {
  if (!status_.ok()) return status_;
  const std::string_view rest = scanned_.Scan(
      scanner_, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  if (status_.ok()) {
    std::string& held = scanned_.held();
    switch (mode_) {
      case Mode::kPassing:
        Forward(rest);
        break;
      case Mode::kSkipping:
        break;
      case Mode::kHolding:
      case Mode::kHoldingWhole:
        held.append(rest);
        if (held.size() > kMaxHeldBytes) {
          status_ = Status(ErrorKind::kIntegrity,
                           "Refusing to restore: the backup holds " +
                               std::to_string(held.size()) +
                               " bytes of comments or text without telling what statement they "
                               "belong to, beginning `" +
                               StatementExcerpt(held.substr(0, 200)) + "`");
        }
        break;
    }
  }
  return status_;
}

Status RestoreGuard::Finish() {
  if (!status_.ok()) return status_;
  scanned_.Finish(scanner_);
  if (!status_.ok() || scanned_.held().empty()) return status_;
  if (mode_ == Mode::kPassing) {
    Forward(scanned_.Take(scanner_));
    return status_;
  }
  if (mode_ == Mode::kSkipping) return status_;
  // Left over after the last statement: comments are harmless, text that ends inside a string or
  // comment is a statement nobody judged.
  HeadTokenizer tokens(scanned_.held(), scanner_.modes());
  if (tokens.Next().kind != Token::Kind::kEnd) {
    return status_ = Status(ErrorKind::kIntegrity,
                            "Refusing to restore: the backup ends inside an unterminated "
                            "statement `" + StatementExcerpt(scanner_.head()) + "`");
  }
  Forward(scanned_.Take(scanner_));
  return status_;
}

void RestoreGuard::Forward(std::string_view bytes) {
  if (!status_.ok() || bytes.empty() || sink_ == nullptr) return;
  status_ = sink_->Write({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

void RestoreGuard::OnHeadReady() {
  if (!status_.ok()) return;
  const std::string excerpt = StatementExcerpt(scanner_.head());
  if (scanner_.delimiter() != ";") {
    mode_ = Mode::kHoldingWhole;
    whole_excerpt_ = excerpt;
    whole_modes_ = scanner_.modes();
    return;
  }
  Decide(scanned_.Take(scanner_), excerpt, scanner_.modes(), /*whole=*/false);
}

void RestoreGuard::Decide(const std::string& raw, const std::string& excerpt, uint8_t modes,
                          bool whole) {
  // At a statement's end the delimiter is in `raw`; the policy judges the statement without it.
  std::string_view statement = raw;
  const std::string& delimiter = scanner_.delimiter();
  if (statement.ends_with(delimiter)) statement.remove_suffix(delimiter.size());
  Verdict verdict = policy_.Judge(statement, modes);
  if (whole && verdict.action != Verdict::Action::kRefuse &&
      HidesFurtherStatements(statement, modes)) {
    verdict.action = Verdict::Action::kRefuse;
    verdict.reason = "which holds further statements after a ';' that the server would run one "
                     "by one under DELIMITER " + delimiter;
  }
  switch (verdict.action) {
    case Verdict::Action::kPass:
      if (!verdict.definer.empty()) definers_.insert(verdict.definer);
      if (verdict.rewritten.empty()) {
        Forward(raw);
      } else {
        Forward(verdict.rewritten);
        Forward(std::string_view(raw).substr(statement.size()));
      }
      mode_ = Mode::kPassing;
      break;
    case Verdict::Action::kSkip:
      skipped_.push_back("`" + excerpt + "`: " + verdict.reason);
      mode_ = Mode::kSkipping;
      break;
    case Verdict::Action::kRefuse:
      status_ = Status(ErrorKind::kIntegrity, "Refusing to restore: the backup contains `" +
                                                  excerpt + "` " + verdict.reason);
      break;
  }
}

void RestoreGuard::OnStatementEnd() {
  if (!status_.ok()) return;
  if (mode_ == Mode::kHoldingWhole) {
    Decide(scanned_.Take(scanner_), whole_excerpt_, whole_modes_, /*whole=*/true);
  }
  if (!status_.ok()) return;
  std::string rest = scanned_.Take(scanner_);
  // An empty statement (a lone delimiter) was never judged: it is blanks and comments.
  if (mode_ != Mode::kSkipping) Forward(rest);
  mode_ = Mode::kHolding;
}

void RestoreGuard::OnClientCommand() {
  if (!status_.ok()) return;
  Forward(scanned_.Take(scanner_));
  mode_ = Mode::kHolding;
}

}  // namespace mysql_backup
