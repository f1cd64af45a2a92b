#include "mysql/accounts_plan.h"

#include <cctype>

namespace mysql_backup {

namespace {

enum class Phase { kSkip, kBefore, kAfter, kRefuse };

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) !=
        std::toupper(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// "/*M!100005 GRANT ... */;" -> "GRANT ... ;" : what the server runs of a versioned comment.
std::string Unwrap(std::string_view line) {
  std::string_view s = line;
  if (s.substr(0, 3) == "/*!" || s.substr(0, 4) == "/*M!") {
    size_t at = s.find('!') + 1;
    while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) ++at;
    s.remove_prefix(at);
    size_t close = s.rfind("*/");
    if (close == std::string_view::npos) return std::string(line);
    std::string out(s.substr(0, close));
    out += s.substr(close + 2);
    return out;
  }
  return std::string(line);
}

std::string Trimmed(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A GRANT whose object is a table, a column list or a routine: it needs that object.
bool GrantNeedsObject(const std::string& stmt) {
  if (StartsWithNoCase(stmt, "GRANT PROXY")) return false;
  // "GRANT SELECT (a, b) ON ..." is a column grant.
  size_t on = std::string::npos;
  // Find " ON " outside backquotes and quotes.
  char quote = 0;
  for (size_t i = 0; i + 4 <= stmt.size(); ++i) {
    char c = stmt[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '`' || c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c == '(') return true;
    if (StartsWithNoCase(std::string_view(stmt).substr(i), " ON ")) {
      on = i + 4;
      break;
    }
  }
  if (on == std::string::npos) return false;  // a role granted to an account
  std::string_view object = std::string_view(stmt).substr(on);
  if (StartsWithNoCase(object, "PROCEDURE ") || StartsWithNoCase(object, "FUNCTION ") ||
      StartsWithNoCase(object, "PACKAGE ")) {
    return true;
  }
  size_t to = object.find(" TO ");
  std::string_view target = object.substr(0, to);
  // `db`.* and *.* need nothing; `db`.`t` needs the table.
  return !(target.size() >= 2 && target.substr(target.size() - 2) == ".*") && target != "*";
}

Phase Classify(const std::string& raw, bool* is_account) {
  *is_account = false;
  if (raw.empty() || raw.substr(0, 3) == "-- " || raw == "--") return Phase::kSkip;
  if (raw.find("enable the sandbox mode") != std::string::npos && raw.substr(0, 4) == "/*M!") {
    return Phase::kSkip;
  }
  if (raw.back() != ';') return Phase::kRefuse;
  std::string stmt = Trimmed(Unwrap(raw));
  if (stmt.empty() || stmt == ";") return Phase::kSkip;
  // Session settings of the dump's header and footer.
  if (StartsWithNoCase(stmt, "SET @OLD_") || StartsWithNoCase(stmt, "SET NAMES ") ||
      StartsWithNoCase(stmt, "SET TIME_ZONE=") || StartsWithNoCase(stmt, "SET SQL_MODE=") ||
      StartsWithNoCase(stmt, "SET CHARACTER_SET_CLIENT") ||
      StartsWithNoCase(stmt, "SET CHARACTER_SET_RESULTS") ||
      StartsWithNoCase(stmt, "SET COLLATION_CONNECTION") ||
      StartsWithNoCase(stmt, "SET SQL_NOTES") || StartsWithNoCase(stmt, "SET UNIQUE_CHECKS") ||
      StartsWithNoCase(stmt, "SET FOREIGN_KEY_CHECKS")) {
    return Phase::kSkip;  // nothing here needs them; our session has its own
  }
  if (StartsWithNoCase(stmt, "CREATE USER ") || StartsWithNoCase(stmt, "CREATE ROLE ")) {
    *is_account = !Contains(stmt, "mariadb_dump_import_role");
    return Phase::kBefore;
  }
  if (StartsWithNoCase(stmt, "GRANT ")) return GrantNeedsObject(stmt) ? Phase::kAfter : Phase::kBefore;
  // mariadb-dump's role dance, default roles, plugins, UDFs and servers.
  static const char* const kBefore[] = {
      "SET DEFAULT ROLE ", "ALTER USER ", "SELECT COALESCE(CURRENT_ROLE(),'NONE') into @current_role",
      "SET ROLE ", "DROP ROLE mariadb_dump_import_role",
      "EXECUTE IMMEDIATE CONCAT('SET ROLE ', @current_role)", "INSTALL PLUGIN ", "INSTALL SONAME ",
      "CREATE SERVER ", "CREATE OR REPLACE SERVER ", "CREATE FUNCTION ", "CREATE AGGREGATE FUNCTION ",
  };
  for (const char* p : kBefore) {
    if (StartsWithNoCase(stmt, p)) {
      // ALTER USER only to set a default role, CREATE FUNCTION only for a UDF (SONAME).
      if (StartsWithNoCase(stmt, "ALTER USER ") && !Contains(stmt, " DEFAULT ROLE ")) {
        return Phase::kRefuse;
      }
      if ((StartsWithNoCase(stmt, "CREATE FUNCTION ") ||
           StartsWithNoCase(stmt, "CREATE AGGREGATE FUNCTION ")) &&
          !Contains(stmt, " SONAME ")) {
        return Phase::kRefuse;
      }
      return Phase::kBefore;
    }
  }
  return Phase::kRefuse;
}

}  // namespace

Result<AccountsPlan> PlanAccountsRestore(std::string_view text) {
  AccountsPlan plan;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos
                                                                          : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    std::string raw = Trimmed(std::string(line));
    bool account = false;
    switch (Classify(raw, &account)) {
      case Phase::kSkip:
        break;
      case Phase::kBefore:
        plan.before_databases += raw + "\n";
        if (account) ++plan.accounts;
        break;
      case Phase::kAfter:
        plan.after_databases += raw + "\n";
        ++plan.deferred_grants;
        break;
      case Phase::kRefuse: {
        std::string shown = raw.size() > 200 ? raw.substr(0, 200) + "..." : raw;
        for (char& c : shown) {
          if (static_cast<unsigned char>(c) < 0x20) c = '?';
        }
        return Status(ErrorKind::kIntegrity,
                      "the accounts file has a statement mariadb-dump --system=users does not "
                      "write (line " + std::to_string(line_no) + ": " + shown +
                          "); nothing of it was loaded");
      }
    }
  }
  return plan;
}

}  // namespace mysql_backup
