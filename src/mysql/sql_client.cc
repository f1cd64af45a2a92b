#include "mysql/sql_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <thread>

#include "mysql/mysql_client.h"
#include "util/child_process.h"
#include "util/file_util.h"

namespace mysql_backup {

namespace {

std::string ReadAllFrom(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string QuoteString(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

Result<SqlRows> QuerySql(const ConnectionConfig& conn, const std::string& sql) {
  auto program = FindClientProgram();
  if (!program.ok()) return program.status();
  auto option_fd = MakeOptionFilePipe(ClientOptionFile(conn));
  if (!option_fd.ok()) return option_fd.status();
  int out_fds[2], err_fds[2], in_fds[2];
  if (pipe2(out_fds, O_CLOEXEC) != 0 || pipe2(err_fds, O_CLOEXEC) != 0 ||
      pipe2(in_fds, O_CLOEXEC) != 0) {
    return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  }
  UniqueFd out_r(out_fds[0]), out_w(out_fds[1]), err_r(err_fds[0]), err_w(err_fds[1]),
      in_r(in_fds[0]), in_w(in_fds[1]);
  ChildSpec spec;
  // The SQL goes on stdin, not argv: it may name databases a `ps` reader need not see.
  spec.argv = {*program, "--defaults-extra-file=/dev/fd/" + std::to_string(kOptionFileChildFd),
               "--batch", "--skip-column-names", "--default-character-set=utf8mb4"};
  spec.fds = {{0, in_r.get()}, {1, out_w.get()}, {2, err_w.get()}, {kOptionFileChildFd, option_fd->get()}};
  auto child = ChildProcess::Spawn(spec);
  if (!child.ok()) return child.status();
  in_r.Reset();
  out_w.Reset();
  err_w.Reset();
  option_fd->Reset();
  std::string err_text;
  std::thread err_reader([&] { err_text = ReadAllFrom(err_r.get()); });
  std::string input = sql + ";\n";
  Status w = WriteAll(in_w.get(), {input.data(), input.size()}, "mysql client stdin");
  in_w.Reset();
  std::string out_text = ReadAllFrom(out_r.get());
  err_reader.join();
  auto exit = child->Wait();
  if (!exit.ok()) return exit.status();
  while (!err_text.empty() && err_text.back() == '\n') err_text.pop_back();
  if (!exit->success()) {
    return Status(ClassifyClientFailure(err_text),
                  BaseName(*program) + " failed (" + exit->ToString() + "): " +
                      ClientErrorLine(err_text))
        .SetDetail(err_text);
  }
  if (!w.ok()) return w;
  SqlRows rows;
  size_t pos = 0;
  while (pos < out_text.size()) {
    size_t nl = out_text.find('\n', pos);
    if (nl == std::string::npos) nl = out_text.size();
    std::vector<std::string> fields;
    std::string line = out_text.substr(pos, nl - pos);
    size_t f = 0;
    for (;;) {
      size_t tab = line.find('\t', f);
      fields.push_back(line.substr(f, tab == std::string::npos ? std::string::npos : tab - f));
      if (tab == std::string::npos) break;
      f = tab + 1;
    }
    rows.push_back(std::move(fields));
    pos = nl + 1;
  }
  return rows;
}

}  // namespace mysql_backup
