#include "sql/statement_kind.h"

#include <string_view>
#include <utility>

namespace mysql_backup {

StatementKind ReadStatementKind(HeadTokenizer& tokens) {
  const Token first = tokens.Next();
  if (first.kind == Token::Kind::kEnd) return StatementKind::kEmpty;
  if (first.Is("SET")) return StatementKind::kSet;
  if (first.Is("USE")) return StatementKind::kUse;
  if (first.Is("CREATE")) return StatementKind::kCreate;
  if (first.Is("DROP")) return StatementKind::kDrop;
  if (first.Is("INSERT") || first.Is("REPLACE")) return StatementKind::kInsert;
  if (first.Is("LOCK")) return StatementKind::kLock;
  if (first.Is("UNLOCK")) return StatementKind::kUnlock;
  if (first.Is("BEGIN") || first.Is("COMMIT")) return StatementKind::kTransaction;
  if (first.Is("ALTER")) return StatementKind::kAlter;
  if (first.Is("SELECT") || first.Is("DO")) return StatementKind::kSelectOrDo;
  const Token& second = tokens.Peek();
  if (first.Is("START") && second.Is("TRANSACTION")) return StatementKind::kTransaction;
  if (first.Is("CHANGE") && (second.Is("MASTER") || second.Is("REPLICATION"))) {
    return StatementKind::kReplicationPosition;
  }
  if ((first.Is("START") || first.Is("STOP")) &&
      (second.Is("SLAVE") || second.Is("REPLICA") || second.Is("ALL"))) {
    return StatementKind::kReplicationCommand;
  }
  return StatementKind::kOther;
}

ObjectKind ObjectKeyword(const Token& token) {
  if (token.kind != Token::Kind::kWord) return ObjectKind::kNone;
  static const std::pair<std::string_view, ObjectKind> kKeywords[] = {
      {"TABLE", ObjectKind::kTable},         {"VIEW", ObjectKind::kView},
      {"PROCEDURE", ObjectKind::kProcedure}, {"FUNCTION", ObjectKind::kFunction},
      {"TRIGGER", ObjectKind::kTrigger},     {"EVENT", ObjectKind::kEvent},
      {"SEQUENCE", ObjectKind::kSequence},
  };
  for (const auto& [keyword, kind] : kKeywords) {
    if (token.Is(keyword)) return kind;
  }
  return ObjectKind::kNone;
}

}  // namespace mysql_backup
