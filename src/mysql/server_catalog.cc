#include "mysql/server_catalog.h"

#include <cstdlib>

#include "mysql/sql_client.h"

namespace mysql_backup {

namespace {

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> DecodeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Status(ErrorKind::kProcess, "the server sent an odd-length hex string");
  }
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexNibble(hex[i]), lo = HexNibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status(ErrorKind::kProcess, "the server sent invalid hex");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string ServerFlavour(std::string_view version) {
  return version.find("MariaDB") != std::string_view::npos ? "MariaDB" : "MySQL";
}

Result<ServerInfo> QueryServerInfo(const ConnectionConfig& conn) {
  auto rows = QuerySql(conn, "SELECT VERSION(), @@log_bin");
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1 || (*rows)[0].size() != 2) {
    return Status(ErrorKind::kProcess, "unexpected answer to SELECT VERSION(), @@log_bin");
  }
  ServerInfo info;
  info.version = (*rows)[0][0];
  info.flavour = ServerFlavour(info.version);
  info.log_bin = (*rows)[0][1] == "1";
  return info;
}

Result<long long> CountTables(const ConnectionConfig& conn, const std::string& database) {
  auto rows = QuerySql(conn, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                                 QuoteString(database));
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().empty()) return 0LL;
  return std::atoll(rows->front().front().c_str());
}

Result<std::vector<std::string>> ListDatabases(const ConnectionConfig& conn) {
  // SCHEMATA lists only the databases the account may see, exactly as SHOW DATABASES does.
  auto rows = QuerySql(conn,
                       "SELECT HEX(SCHEMA_NAME) FROM information_schema.SCHEMATA "
                       "ORDER BY SCHEMA_NAME");
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const auto& row : *rows) {
    if (row.size() != 1) {
      return Status(ErrorKind::kProcess, "unexpected answer listing the databases");
    }
    auto name = DecodeHex(row[0]);
    if (!name.ok()) return name.status();
    out.push_back(std::move(*name));
  }
  return out;
}

}  // namespace mysql_backup
