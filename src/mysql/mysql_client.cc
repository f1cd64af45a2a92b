#include "mysql/mysql_client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "util/file_util.h"

namespace mysql_backup {

namespace {

// The option file is read line by line, so a newline must be written as the escape "\n"
// (which the client's parser turns back into a newline), or it would end the value.
std::string Quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      if (c == '\\' || c == '"') out += '\\';
      out += c;
    }
  }
  out += '"';
  return out;
}

Result<std::string> FindInPath(const std::vector<std::string>& names) {
  const char* path_env = std::getenv("PATH");
  std::string path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  for (const auto& name : names) {
    size_t start = 0;
    while (start <= path.size()) {
      size_t colon = path.find(':', start);
      if (colon == std::string::npos) colon = path.size();
      std::string dir = path.substr(start, colon - start);
      std::string candidate = JoinPath(dir.empty() ? "." : dir, name);
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
      start = colon + 1;
    }
  }
  std::string tried;
  for (const auto& n : names) tried += (tried.empty() ? "'" : " or '") + n + "'";
  return Status(ErrorKind::kProcess,
                "Cannot find " + tried + " in PATH; install mariadb-client or mysql-client");
}

}  // namespace

std::string ClientOptionFile(const ConnectionConfig& conn) {
  std::string out = "[client]\n";
  out += "user=" + Quote(conn.user) + "\n";
  if (!conn.password.empty()) out += "password=" + Quote(conn.password) + "\n";
  if (!conn.socket.empty()) {
    out += "socket=" + Quote(conn.socket) + "\n";
    out += "protocol=SOCKET\n";
  } else {
    out += "host=" + Quote(conn.host) + "\n";
    out += "port=" + std::to_string(conn.port) + "\n";
    // "localhost" would silently mean the default socket; the user asked for host/port.
    if (conn.host != "localhost") out += "protocol=TCP\n";
  }
  return out;
}

Result<UniqueFd> MakeOptionFilePipe(const std::string& content) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  // An option file is far below the pipe's 64 KiB buffer, so this never blocks.
  Status s = WriteAll(write_end.get(), {content.data(), content.size()}, "option file pipe");
  if (!s.ok()) return s;
  return read_end;
}

Result<std::string> FindDumpProgram() { return FindInPath({"mariadb-dump", "mysqldump"}); }
Result<std::string> FindClientProgram() { return FindInPath({"mariadb", "mysql"}); }
Result<std::string> FindBinlogProgram() { return FindInPath({"mariadb-binlog", "mysqlbinlog"}); }

std::vector<std::string> DumpCommand(const std::string& program,
                                     const std::vector<std::string>& user_options,
                                     const std::string& database) {
  std::vector<std::string> argv = {
      program, "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd)};
  argv.insert(argv.end(), user_options.begin(), user_options.end());
  // After "--" no database name can be mistaken for an option.
  argv.push_back("--");
  argv.push_back(database);
  return argv;
}

namespace {

// Whether `line` is a message of the client or dump program itself ("mariadb-dump: ...",
// "ERROR 2013 (HY000) ...", "Got error ..."), not a line of the statement a client echoes after
// a failure, which holds the rows it was sending and can contain "(2013)" or "Error 2006".
bool IsProgramMessage(const std::string& line) {
  static const std::regex kMessage(R"(^([\w.-]+: |ERROR |Error |Got error))");
  return std::regex_search(line, kMessage);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

}  // namespace

ErrorKind ClassifyClientFailure(const std::string& stderr_text) {
  std::vector<std::string> lines = Lines(stderr_text);
  std::erase_if(lines, [](const std::string& l) { return !IsProgramMessage(l); });
  auto any = [&](const std::regex& re) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return std::regex_search(l, re); });
  };
  // "ERROR 1044 (42000) at line 3: ..." is a statement the server refused after a successful
  // login: the load failed, the connection did not.
  static const std::regex kStatement(R"(^ERROR \d+ \(\w+\) at line \d+)");
  if (any(kStatement)) return ErrorKind::kProcess;
  // Server error codes: 1044/1045 access denied, 1049 unknown database, 2002/2003/2005/2006/
  // 2013 cannot connect / lost connection, 1130 host not allowed, 1698 access denied (unix auth).
  static const std::regex kConnection(
      R"((Got error|ERROR):? (1044|1045|1049|1130|1698|2002|2003|2005|2006|2013)\b)");
  if (any(kConnection)) return ErrorKind::kConnection;
  static const std::regex kTryingToConnect("when trying to connect");
  if (any(kTryingToConnect)) return ErrorKind::kConnection;
  // The server went away in the middle of the dump ("Error 2013: Lost connection to server
  // during query when dumping table", "... server has gone away (2006)"): the server, not the
  // dump, is what the operator must look at.
  static const std::regex kLost(R"(Error:? (2006|2013)\b|\((2006|2013)\)\s*$)");
  if (any(kLost)) return ErrorKind::kConnection;
  return ErrorKind::kProcess;
}

std::string ClientErrorLine(const std::string& stderr_text) {
  std::string fallback;
  for (const std::string& line : Lines(stderr_text)) {
    // As ClassifyClientFailure: an echoed row may hold "error:", only a message is one.
    if (IsProgramMessage(line) &&
        (line.rfind("ERROR", 0) == 0 || line.find("Got error") != std::string::npos ||
         line.find("error:") != std::string::npos)) {
      return line;
    }
    if (fallback.empty() && !line.empty() && line.rfind("----", 0) != 0 &&
        line.find("Warning") == std::string::npos) {
      fallback = line;
    }
  }
  return fallback;
}

}  // namespace mysql_backup
