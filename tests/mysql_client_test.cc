// The option file that carries the credentials must survive any password, and a failed client
// run must map to the right exit code. The option file is also fed to the real MariaDB parser
// (my_print_defaults, from mariadb-client-core) when it is installed: no server is needed.
#include "mysql/mysql_client.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace mysql_backup {
namespace {

// A scratch folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mysql_client_test.XXXXXX");
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& content, mode_t mode = 0600) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);
  ::chmod(path.c_str(), mode);
}

// Restores an environment variable when the test ends.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    const char* old = getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

ConnectionConfig Conn(const std::string& user, const std::string& password) {
  ConnectionConfig c;
  c.user = user;
  c.password = password;
  return c;
}

TEST(MysqlClientTest, OptionFileQuotesAndEscapesValues) {
  static const struct {
    const char* password;
    const char* expected_line;
  } kCases[] = {
      {"secret", "password=\"secret\""},
      {"pa$$ ;w0rd#\"'\\x", "password=\"pa$$ ;w0rd#\\\"'\\\\x\""},
      {"ends with \\", "password=\"ends with \\\\\""},
      {"\"", "password=\"\\\"\""},
      {" spaces ", "password=\" spaces \""},
      {"new\nline\r", "password=\"new\\nline\\r\""},
  };
  for (const auto& c : kCases) {
    std::string file = ClientOptionFile(Conn("backup", c.password));
    EXPECT_NE(file.find(std::string("\n") + c.expected_line + "\n"), std::string::npos)
        << c.password << "\n"
        << file;
  }
}

TEST(MysqlClientTest, OptionFileForTcp) {
  ConnectionConfig c = Conn("backup", "pw");
  c.host = "db.example.com";
  c.port = 3307;
  EXPECT_EQ(ClientOptionFile(c),
            "[client]\n"
            "user=\"backup\"\n"
            "password=\"pw\"\n"
            "host=\"db.example.com\"\n"
            "port=3307\n"
            "protocol=TCP\n");
}

TEST(MysqlClientTest, OptionFileForLocalhostLeavesProtocolToTheClient) {
  ConnectionConfig c = Conn("backup", "pw");
  EXPECT_EQ(ClientOptionFile(c),
            "[client]\n"
            "user=\"backup\"\n"
            "password=\"pw\"\n"
            "host=\"localhost\"\n"
            "port=3306\n");
}

TEST(MysqlClientTest, OptionFileForSocketIgnoresHostAndPort) {
  ConnectionConfig c = Conn("backup", "pw");
  c.host = "db.example.com";
  c.socket = "/run/mysqld/mysqld.sock";
  std::string file = ClientOptionFile(c);
  EXPECT_NE(file.find("socket=\"/run/mysqld/mysqld.sock\"\nprotocol=SOCKET\n"), std::string::npos)
      << file;
  EXPECT_EQ(file.find("host="), std::string::npos) << file;
  EXPECT_EQ(file.find("port="), std::string::npos) << file;
}

TEST(MysqlClientTest, OptionFileOmitsEmptyPassword) {
  // No password line: unix_socket authentication, or a prompt-free failure.
  EXPECT_EQ(ClientOptionFile(Conn("root", "")).find("password"), std::string::npos);
}

// What the real MariaDB option parser makes of our file.
std::string ParsedByMariaDb(const std::string& option_file) {
  TempDir dir;
  std::string path = dir.path() + "/client.cnf";
  WriteFile(path, option_file);
  std::string command = "my_print_defaults --defaults-file='" + path + "' client";
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return "<popen failed>";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  return rc == 0 ? out : "<my_print_defaults failed>";
}

TEST(MysqlClientTest, RealOptionParserReadsBackEveryPassword) {
  if (access("/usr/bin/my_print_defaults", X_OK) != 0) {
    GTEST_SKIP() << "my_print_defaults (mariadb-client-core) is not installed";
  }
  static const char* const kPasswords[] = {
      "secret",
      "pa$$ ;w0rd#\"'\\x",
      "#starts with hash",
      ";starts with semicolon",
      "ends with \\",
      "\\\\",
      "\\n\\s\\t literally",
      "\"",
      "'",
      "\"\"''",
      " spaces ",
      "tab\there",
      "new\nline",
      "carriage\rreturn",
      "\xC3\xBC\xE2\x82\xAC",
  };
  for (const char* password : kPasswords) {
    ConnectionConfig c = Conn("us\"er\\", password);
    c.socket = "/run/my sql/mysqld.sock";
    EXPECT_EQ(ParsedByMariaDb(ClientOptionFile(c)),
              std::string("--user=us\"er\\\n--password=") + password +
                  "\n--socket=/run/my sql/mysqld.sock\n--protocol=SOCKET\n")
        << password;
  }
}

TEST(MysqlClientTest, OptionFilePipeHoldsTheContent) {
  std::string content = ClientOptionFile(Conn("backup", "pw"));
  auto fd = MakeOptionFilePipe(content);
  ASSERT_TRUE(fd.ok()) << fd.status().ToString();
  std::string read_back;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd->get(), buf, sizeof buf)) > 0) read_back.append(buf, n);
  EXPECT_EQ(n, 0);  // EOF: the write end is closed
  EXPECT_EQ(read_back, content);
  EXPECT_TRUE(fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
}

TEST(MysqlClientTest, DumpCommandPutsOptionFileFirstAndDatabaseLast) {
  EXPECT_EQ(DumpCommand("/usr/bin/mariadb-dump", {"--single-transaction", "--routines"}, "-shop"),
            (std::vector<std::string>{"/usr/bin/mariadb-dump", "--defaults-extra-file=/dev/fd/3",
                                      "--single-transaction", "--routines", "--", "-shop"}));
  EXPECT_EQ(
      DumpCommand("mysqldump", {}, "shop"),
      (std::vector<std::string>{"mysqldump", "--defaults-extra-file=/dev/fd/3", "--", "shop"}));
}

TEST(MysqlClientTest, FindDumpProgramPrefersMariaDbName) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string a = dir.path() + "/a", b = dir.path() + "/b";
  ASSERT_EQ(mkdir(a.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(b.c_str(), 0755), 0);
  WriteFile(a + "/mysqldump", "#!/bin/sh\n", 0755);
  WriteFile(b + "/mariadb-dump", "#!/bin/sh\n", 0755);
  WriteFile(a + "/mariadb", "#!/bin/sh\n", 0644);  // not executable: skipped
  WriteFile(b + "/mysql", "#!/bin/sh\n", 0755);
  {
    ScopedEnv path("PATH", a + ":" + b);
    auto dump = FindDumpProgram();
    ASSERT_TRUE(dump.ok()) << dump.status().ToString();
    EXPECT_EQ(*dump, b + "/mariadb-dump");
    auto client = FindClientProgram();
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    EXPECT_EQ(*client, b + "/mysql");
  }
  {
    ScopedEnv path("PATH", a);
    auto dump = FindDumpProgram();
    ASSERT_TRUE(dump.ok()) << dump.status().ToString();
    EXPECT_EQ(*dump, a + "/mysqldump");
  }
}

TEST(MysqlClientTest, MissingDumpProgramIsAProcessError) {
  TempDir dir;
  ScopedEnv path("PATH", dir.path());
  auto dump = FindDumpProgram();
  ASSERT_FALSE(dump.ok());
  EXPECT_EQ(dump.status().kind(), ErrorKind::kProcess);
  EXPECT_NE(dump.status().message().find("'mariadb-dump' or 'mysqldump'"), std::string::npos)
      << dump.status().message();
}

TEST(MysqlClientTest, ClassifiesRealClientErrors) {
  static const struct {
    const char* stderr_text;
    ErrorKind kind;
  } kCases[] = {
      {"mysqldump: Got error: 1045: \"Access denied for user 'x'@'localhost' (using password: "
       "YES)\" when trying to connect\n",
       ErrorKind::kConnection},
      {"mariadb-dump: Got error: 1698: \"Access denied for user 'root'@'localhost'\" when trying "
       "to connect\n",
       ErrorKind::kConnection},
      {"mariadb-dump: Got error: 2002: \"Can't connect to local server through socket "
       "'/run/mysqld/mysqld.sock' (2)\" when trying to connect\n",
       ErrorKind::kConnection},
      {"mariadb-dump: Got error: 2002: \"Can't connect to server on '127.0.0.1' (115)\" when "
       "trying to connect\n",
       ErrorKind::kConnection},
      {"mysqldump: Got error: 2003: Can't connect to MySQL server on '127.0.0.1:3307' (111) when "
       "trying to connect\n",
       ErrorKind::kConnection},
      {"mysqldump: Got error: 2005: Unknown MySQL server host 'nohost' (-2) when trying to "
       "connect\n",
       ErrorKind::kConnection},
      {"mysqldump: Got error: 1130: \"Host '10.0.0.5' is not allowed to connect to this MariaDB "
       "server\" when trying to connect\n",
       ErrorKind::kConnection},
      {"mysqldump: Got error: 1049: \"Unknown database 'nope'\" when selecting the database\n",
       ErrorKind::kConnection},
      {"mysqldump: Got error: 1044: \"Access denied for user 'x'@'%' to database 'shop'\" when "
       "selecting the database\n",
       ErrorKind::kConnection},
      {"mysqldump: [Warning] Using a password on the command line interface can be insecure.\n"
       "mysqldump: Got error: 1045: Access denied for user 'x'@'localhost' (using password: YES) "
       "when trying to connect\n",
       ErrorKind::kConnection},
      {"ERROR 1045 (28000): Access denied for user 'x'@'localhost' (using password: YES)\n",
       ErrorKind::kConnection},
      {"ERROR 2002 (HY000): Can't connect to local server through socket "
       "'/run/mysqld/mysqld.sock' (2)\n",
       ErrorKind::kConnection},
      {"ERROR 1049 (42000): Unknown database 'nope'\n", ErrorKind::kConnection},
      {"mysqldump: unknown option '--bogus'\n", ErrorKind::kProcess},
      {"mariadb-dump: unknown variable 'foo=bar'\n", ErrorKind::kProcess},
      {"mysqldump: Couldn't execute 'SHOW FIELDS FROM `t`': Table 'shop.t' doesn't exist "
       "(1146)\n",
       ErrorKind::kProcess},
      {"mysqldump: Got error: 1146: \"Table 'shop.t' doesn't exist\" when using LOCK TABLES\n",
       ErrorKind::kProcess},
      {"mysqldump: Got error: 10450: \"not a real code\"\n", ErrorKind::kProcess},
      {"ERROR 1064 (42000) at line 5: You have an error in your SQL syntax\n", ErrorKind::kProcess},
      {"mariadb-dump: Error 2013: Lost connection to server during query when dumping table "
       "`many` at row: 1234\n",
       ErrorKind::kConnection},
      {"mysqldump: Couldn't execute 'SHOW CREATE TABLE `t`': MySQL server has gone away (2006)\n",
       ErrorKind::kConnection},
      {"", ErrorKind::kProcess},
      // The rows a client echoes with a failed statement are data, not messages.
      {"INSERT INTO `t` VALUES (1,'server has gone away (2006)'),\n"
       "(2,'Error 2013: not a message'),(3,'ERROR 1045 here')\n"
       "ERROR 1406 (22001) at line 12: Data too long for column 'c' at row 2\n",
       ErrorKind::kProcess},
      {"(7,'a (2013)'),\n(8,'Got error: 2003: in a row')\n", ErrorKind::kProcess},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ClassifyClientFailure(c.stderr_text), c.kind) << c.stderr_text;
  }
}

TEST(MysqlClientTest, ErrorLineIsTheProgramsMessageNotAnEchoedRow) {
  EXPECT_EQ(ClientErrorLine("INSERT INTO `t` VALUES (1,'a parse error: in a row'),\n"
                            "(2,'Got error here too')\n"
                            "ERROR 1406 (22001) at line 12: Data too long for column 'c'\n"),
            "ERROR 1406 (22001) at line 12: Data too long for column 'c'");
  EXPECT_EQ(ClientErrorLine("mysqldump: Got error: 1049: \"Unknown database 'x'\"\n"),
            "mysqldump: Got error: 1049: \"Unknown database 'x'\"");
}

}  // namespace
}  // namespace mysql_backup
