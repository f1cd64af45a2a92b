// A real, signature-checking S3 server for tests: the npm package @20minutes/s3rver (4.x) run
// from Node (tests/support/s3_server.js) on a free loopback port. The package is found in
// $S3RVER_DIR, else in the cache folder scripts/install-deps.sh fills
// (${XDG_CACHE_HOME:-$HOME/.cache}/mysql-backup-tests), else installed there with npm. Tests
// skip, saying why, when neither Node nor the package can be had. Killed in the destructor.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_S3_SERVER_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_S3_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "util/child_process.h"
#include "util/status.h"

namespace mysql_backup::testing {

inline constexpr char kS3AccessKey[] = "AKIDMYSQLBACKUPTEST";
inline constexpr char kS3SecretKey[] = "s3cr3t/Of+The-Test/Key0123456789abcdefXYZ";

class S3Server {
 public:
  // The package folder, or an error saying why there is none (the test then skips).
  static Result<std::string> PackageDir();
  // Starts the server with its data in `data_dir` and the buckets created. With `die_at_part`
  // > 0 the server kills itself (SIGKILL) when the request for that part of a multipart upload
  // arrives, the parts before it stored: a crash in the middle of an upload, at an exact point.
  static Result<std::unique_ptr<S3Server>> Start(const std::string& data_dir,
                                                 const std::vector<std::string>& buckets,
                                                 int die_at_part = 0);
  // The multipart uploads `data_dir` holds for `bucket` that were neither completed nor
  // aborted: (object key, part numbers stored), read from s3rver's folder, because s3rver
  // does not implement ListMultipartUploads.
  struct PendingUpload {
    std::string key;
    std::vector<int> parts;
  };
  static std::vector<PendingUpload> PendingUploads(const std::string& data_dir,
                                                   const std::string& bucket);
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // SIGKILL, as a crashed server or a cut connection.
  void Kill() { child_.Signal(9); }

 private:
  S3Server() = default;
  ChildProcess child_;
  int port_ = 0;
};

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_S3_SERVER_H_
