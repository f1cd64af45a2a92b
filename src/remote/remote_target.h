// What the offsite stage needs from a place that holds copies: put a local file under a name,
// ask for a name's size, read it back into a sink, list, delete, and clean up what an
// interrupted upload left. S3 and SFTP implement it. Names ("keys") are relative to the
// target's prefix or folder ("daily/shop-daily-20261127T000003Z.sql.gz"); a target never
// touches anything outside its prefix. Moves bytes and names only: no SQL, no config parsing.
// Every error is kOffsite and names the remote object; none holds a credential or a signature.
#ifndef MYSQL_BACKUP_REMOTE_REMOTE_TARGET_H_
#define MYSQL_BACKUP_REMOTE_REMOTE_TARGET_H_

#include <atomic>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/compressor.h"
#include "util/status.h"

namespace mysql_backup {

struct RemoteObject {
  std::string key;  // relative to the prefix
  uint64_t size = 0;
};

// Called now and then with the bytes moved so far and the total.
using TransferProgress = std::function<void(uint64_t done, uint64_t total)>;

class RemoteTarget {
 public:
  virtual ~RemoteTarget() = default;

  // "s3://bucket/prefix/daily/x.sql.gz", "sftp://user@host:22/path/daily/x.sql.gz": for messages.
  virtual std::string Describe(const std::string& key) const = 0;

  // Copies `local_path` to `key`. Nothing is visible under `key` until the copy is complete (an
  // S3 PUT or CompleteMultipartUpload, an SFTP rename); a failure leaves nothing there that was
  // not there before, and cleans up what it can (aborts the multipart upload, removes the temp).
  virtual Status Upload(const std::string& local_path, const std::string& key,
                        const TransferProgress& progress) = 0;

  // The size of `key`, or nullopt when there is no such object.
  virtual Result<std::optional<uint64_t>> Size(const std::string& key) = 0;

  // Streams the bytes of `key` into `sink`. A sink error stops the transfer and is returned.
  virtual Status Download(const std::string& key, ByteSink* sink) = 0;

  // Every object under the prefix (every file below the folder), keys relative.
  virtual Result<std::vector<RemoteObject>> List() = 0;

  // Removes `key`; an absent key is not an error.
  virtual Status Delete(const std::string& key) = 0;

  // Removes what interrupted uploads under the prefix left behind that started before
  // `older_than` (S3: incomplete multipart uploads, SFTP: temp files). Returns one line a thing
  // removed, and notes (a server that cannot list them) as lines starting with "warning: ".
  virtual Result<std::vector<std::string>> CleanStaleUploads(std::time_t older_than) = 0;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_REMOTE_REMOTE_TARGET_H_
