#include "support/mariadb_server.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

#include "support/command.h"
#include "util/file_util.h"

namespace mysql_backup::testing {
namespace {

std::string ScriptPath() { return SourcePath("tests/support/mariadb.sh"); }

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Undoes the client's --batch escaping of one field (names are read back this way).
std::string UnescapeBatchField(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\' || i + 1 == field.size()) {
      out += field[i];
      continue;
    }
    switch (field[++i]) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '0':
        out += '\0';
        break;
      default:
        out += field[i];
        break;
    }
  }
  return out;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

// Makes a definition comparable across databases: without who created it and without the
// database's name, which the server writes into view definitions.
std::string Normalize(std::string text, const std::string& db) {
  static const std::regex kDefiner("DEFINER=`(?:``|[^`])*`@`(?:``|[^`])*` ?");
  text = std::regex_replace(text, kDefiner, "");
  ReplaceAll(text, SqlIdentifier(db) + ".", "");
  return text;
}

// The first `n` tab-separated fields of a batch line.
std::string FirstFields(const std::string& line, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    pos = line.find('\t', pos);
    if (pos == std::string::npos) return line;
    ++pos;
  }
  return line.substr(0, pos - 1);
}

Result<std::vector<std::string>> Names(const MariaDbServer& server, const std::string& sql) {
  auto out = server.TrySql(sql);
  if (!out.ok()) return out.status();
  std::vector<std::string> names;
  for (const auto& line : SplitLines(*out)) names.push_back(UnescapeBatchField(line));
  return names;
}

}  // namespace

std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string SqlIdentifier(const std::string& s) {
  std::string out = "`";
  for (char c : s) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

Status MariaDbServer::Start(const std::vector<std::string>& server_args) {
  if (running()) return Status(ErrorKind::kProcess, "MariaDB already runs in '" + dir_ + "'");
  char dir_template[] = "/tmp/mysql-backup-mariadb.XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    return ErrnoError(ErrorKind::kProcess, "create", dir_template);
  }
  dir_ = dir_template;
  // Passwords through the environment, so this header stays their one source for tests.
  std::string extra_args;
  for (const auto& a : server_args) extra_args += (extra_args.empty() ? "" : " ") + a;
  auto result = RunCommand({"env", "MARIADB_OWNER_PID=" + std::to_string(::getpid()),
                            "MARIADB_SERVER_ARGS=" + extra_args,
                            std::string("MARIADB_BACKUP_PASSWORD=") + kBackupPassword,
                            std::string("MARIADB_RESTORE_PASSWORD=") + kRestorePassword,
                            ScriptPath(), "start", dir_});
  Status failure;
  if (!result.ok()) {
    failure = result.status();
  } else if (!result->ok()) {
    failure = Status(ErrorKind::kProcess,
                     "'" + ScriptPath() + " start " + dir_ + "' failed, " + result->Describe());
  }
  if (failure.ok()) {
    auto env = ReadFileToString(dir_ + "/env");
    if (!env.ok()) {
      failure = env.status();
    } else {
      for (const auto& line : SplitLines(*env)) {
        if (line.starts_with("SOCKET=")) socket_ = line.substr(7);
        if (line.starts_with("PORT=")) port_ = std::atoi(line.c_str() + 5);
      }
      if (socket_.empty() || port_ <= 0) {
        failure = Status(ErrorKind::kProcess, "'" + dir_ + "/env' lacks SOCKET or PORT: " + *env);
      }
    }
  }
  if (!failure.ok()) {
    Stop();
    return failure.AddContext("Cannot start MariaDB");
  }
  return Status::Ok();
}

void MariaDbServer::Stop() {
  if (!running()) return;
  auto result = RunCommand({ScriptPath(), "stop", dir_});
  if (!result.ok() || !result->ok()) {
    ADD_FAILURE() << "Cannot stop MariaDB in '" << dir_
                  << "': " << (result.ok() ? result->Describe() : result.status().ToString());
  }
  if (std::getenv("MYSQL_BACKUP_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  dir_.clear();
  socket_.clear();
  port_ = 0;
}

std::vector<std::string> MariaDbServer::ClientCommand() const {
  return {"mariadb", "--no-defaults", "--default-character-set=utf8mb4", "--user=root",
          "--socket=" + socket_};
}

std::vector<std::string> MariaDbServer::DumpCommand() const {
  return {"mariadb-dump", "--no-defaults", "--default-character-set=utf8mb4", "--user=root",
          "--socket=" + socket_};
}

Result<std::string> MariaDbServer::TrySql(const std::string& sql, const std::string& db) const {
  std::vector<std::string> argv = ClientCommand();
  argv.insert(argv.end(), {"--batch", "--skip-column-names"});
  if (!db.empty()) argv.push_back(db);
  auto result = RunCommand(argv, {.data = sql});
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return Status(ErrorKind::kProcess, "SQL failed (" + result->Describe() + "): " + sql);
  }
  return std::move(result->out);
}

std::string MariaDbServer::Sql(const std::string& sql, const std::string& db) const {
  auto out = TrySql(sql, db);
  if (!out.ok()) {
    ADD_FAILURE() << out.status().ToString();
    return "";
  }
  return *out;
}

Status MariaDbServer::LoadFile(const std::string& path, const std::string& db) const {
  std::vector<std::string> argv = ClientCommand();
  if (!db.empty()) argv.push_back(db);
  auto result = RunCommand(argv, {.file = path});
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return Status(ErrorKind::kProcess, "Loading '" + path + "' failed, " + result->Describe());
  }
  return Status::Ok();
}

Result<std::string> TryDatabaseFingerprint(const MariaDbServer& server, const std::string& db) {
  const std::string schema = SqlString(db);
  const std::string qualifier = SqlIdentifier(db) + ".";
  std::string text;

  auto tables = Names(
      server, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + schema +
                  " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')"
                  " ORDER BY BINARY TABLE_NAME");
  if (!tables.ok()) return tables.status();
  if (!tables->empty()) {
    // One client for all tables; every statement below returns exactly one line.
    std::string sql;
    for (const auto& table : *tables) {
      std::string name = qualifier + SqlIdentifier(table);
      sql += "SHOW CREATE TABLE " + name + ";\nCHECKSUM TABLE " + name +
             " EXTENDED;\nSELECT COUNT(*) FROM " + name + ";\n";
    }
    auto out = server.TrySql(sql);
    if (!out.ok()) return out.status();
    std::vector<std::string> lines = SplitLines(*out);
    if (lines.size() != 3 * tables->size()) {
      return Status(ErrorKind::kProcess, "Unexpected table listing for " + db + ": " + *out);
    }
    for (size_t i = 0; i < tables->size(); ++i) {
      const std::string& create = lines[3 * i];
      const std::string& checksum = lines[3 * i + 1];
      text += "table " + SqlIdentifier((*tables)[i]) + " rows=" + lines[3 * i + 2] +
              " checksum=" + checksum.substr(checksum.rfind('\t') + 1) + "\n  " +
              create.substr(create.find('\t') + 1) + "\n";
    }
  }

  auto views = server.TrySql(
      "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, ALGORITHM,"
      " CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.VIEWS"
      " WHERE TABLE_SCHEMA = " +
      schema + " ORDER BY BINARY TABLE_NAME");
  if (!views.ok()) return views.status();
  for (const auto& line : SplitLines(*views)) text += "view " + Normalize(line, db) + "\n";

  auto routines = server.TrySql(
      "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES"
      " WHERE ROUTINE_SCHEMA = " +
      schema + " ORDER BY ROUTINE_TYPE, BINARY ROUTINE_NAME");
  if (!routines.ok()) return routines.status();
  std::string show_routines;
  for (const auto& line : SplitLines(*routines)) {
    size_t tab = line.find('\t');
    show_routines += "SHOW CREATE " + line.substr(0, tab) + " " + qualifier +
                     SqlIdentifier(UnescapeBatchField(line.substr(tab + 1))) + ";\n";
  }
  if (!show_routines.empty()) {
    auto out = server.TrySql(show_routines);
    if (!out.ok()) return out.status();
    // Name, sql_mode, definition, character_set_client, collation_connection; the sixth
    // field, the database's collation, describes the database, not the routine.
    for (const auto& line : SplitLines(*out)) {
      text += "routine " + Normalize(FirstFields(line, 5), db) + "\n";
    }
  }

  auto triggers = server.TrySql(
      "SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, ACTION_TIMING,"
      " ACTION_STATEMENT, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION"
      " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
      schema + " ORDER BY BINARY TRIGGER_NAME");
  if (!triggers.ok()) return triggers.status();
  for (const auto& line : SplitLines(*triggers)) text += "trigger " + Normalize(line, db) + "\n";

  auto events = server.TrySql(
      "SELECT EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, EXECUTE_AT, INTERVAL_VALUE,"
      " INTERVAL_FIELD, SQL_MODE, STARTS, ENDS, STATUS, ON_COMPLETION, EVENT_COMMENT, TIME_ZONE,"
      " CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.EVENTS"
      " WHERE EVENT_SCHEMA = " +
      schema + " ORDER BY BINARY EVENT_NAME");
  if (!events.ok()) return events.status();
  for (const auto& line : SplitLines(*events)) text += "event " + Normalize(line, db) + "\n";
  return text;
}

std::string DatabaseFingerprint(const MariaDbServer& server, const std::string& db) {
  auto fingerprint = TryDatabaseFingerprint(server, db);
  if (!fingerprint.ok()) {
    ADD_FAILURE() << "Cannot fingerprint database " << db << ": "
                  << fingerprint.status().ToString();
    return "";
  }
  return *fingerprint;
}

Status StartWithAwkwardFixture(MariaDbServer* server, std::string* fingerprint) {
  Status s = server->Start();
  if (s.ok()) s = server->LoadFile(SourcePath("tests/fixtures/awkward.sql"));
  if (!s.ok()) return s;
  auto print = TryDatabaseFingerprint(*server, "awkward");
  if (!print.ok()) return print.status();
  *fingerprint = std::move(*print);
  return Status::Ok();
}

}  // namespace mysql_backup::testing
