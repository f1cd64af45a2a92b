#include "support/s3_server.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "support/cli_runner.h"
#include "support/command.h"
#include "support/npm_package.h"
#include "support/smtp_server.h"
#include "util/unique_fd.h"

namespace mysql_backup::testing {
namespace {

Status TestError(std::string message) { return Status(ErrorKind::kProcess, std::move(message)); }

}  // namespace

Result<std::string> S3Server::PackageDir() {
  return FindNpmPackage({.spec = "@20minutes/s3rver@4",
                         .module = "@20minutes/s3rver",
                         .marker = "package.json",
                         .cache = "s3rver",
                         .override_env = "S3RVER_DIR",
                         .what = "@20minutes/s3rver"});
}

Result<std::unique_ptr<S3Server>> S3Server::Start(const std::string& data_dir,
                                                  const std::vector<std::string>& buckets,
                                                  int die_at_part) {
  auto package = PackageDir();
  if (!package.ok()) return package.status();
  std::vector<std::string> argv = {"node", SupportDir() + "/s3_server.js", *package, data_dir,
                                   kS3AccessKey, kS3SecretKey};
  if (die_at_part > 0) argv.push_back("--die-at-part=" + std::to_string(die_at_part));
  argv.insert(argv.end(), buckets.begin(), buckets.end());

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  std::unique_ptr<S3Server> server(new S3Server());
  Result<ChildProcess> child = ChildProcess::Spawn(ChildSpec{argv, {{1, write_end.get()}}});
  if (!child.ok()) return child.status();
  server->child_ = std::move(*child);
  write_end.Reset();

  std::string output;
  while (output.find('\n') == std::string::npos) {
    pollfd pfd{read_end.get(), POLLIN, 0};
    int r = poll(&pfd, 1, 60'000);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return TestError("S3 test server did not report READY within 60 s");
    char buffer[256];
    ssize_t n = read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return TestError("S3 test server exited before it was ready (see its stderr)");
    output.append(buffer, static_cast<size_t>(n));
  }
  if (output.rfind("READY ", 0) != 0) return TestError("S3 test server said '" + output + "'");
  server->port_ = std::atoi(output.c_str() + 6);
  if (server->port_ <= 0) return TestError("S3 test server reported no port: " + output);
  return server;
}

std::vector<S3Server::PendingUpload> S3Server::PendingUploads(const std::string& data_dir,
                                                              const std::string& bucket) {
  // s3rver keeps an upload in <bucket>/._S3rver_uploads/<id>/ (a "key" file, parts "1", "2"...)
  // until it is completed.
  std::vector<PendingUpload> out;
  std::error_code ec;
  std::filesystem::path uploads = std::filesystem::path(data_dir) / bucket / "._S3rver_uploads";
  for (const auto& upload : std::filesystem::directory_iterator(uploads, ec)) {
    PendingUpload p;
    p.key = ReadTextFile(upload.path() / "key");
    for (const auto& f : std::filesystem::directory_iterator(upload.path(), ec)) {
      std::string name = f.path().filename();
      if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
        p.parts.push_back(std::atoi(name.c_str()));
      }
    }
    std::sort(p.parts.begin(), p.parts.end());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mysql_backup::testing
