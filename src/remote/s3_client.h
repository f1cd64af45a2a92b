// An S3-compatible object store as a RemoteTarget: requests signed by s3_signer and sent by
// libcurl as plain HTTP(S) with our own headers, always with Content-Length (S3 refuses chunked
// uploads). Files up to part_size go up in one PUT; larger ones as a multipart upload whose part
// size grows by itself so that no file needs more than 10,000 parts. Every PUT carries the real
// payload SHA-256 and Content-MD5; a CompleteMultipartUpload that answers 200 with an <Error>
// body is a failure; any failure aborts the multipart upload.
#ifndef MYSQL_BACKUP_REMOTE_S3_CLIENT_H_
#define MYSQL_BACKUP_REMOTE_S3_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "remote/remote_target.h"
#include "remote/s3_signer.h"

namespace mysql_backup {

inline constexpr uint64_t kS3MaxSinglePut = 5ULL << 30;  // 5 GiB
inline constexpr uint64_t kS3MaxParts = 10000;

struct S3Settings {
  std::string endpoint;  // "https://s3.eu-central-1.amazonaws.com", "http://127.0.0.1:4569"
  std::string bucket;
  std::string prefix;  // "db1.example.org/" (ends in '/' or is a plain key prefix)
  bool virtual_addressing = false;  // bucket.host/key instead of host/bucket/key
  s3::SigningKeys keys;             // region and secret; service is "s3"
  uint64_t part_size = 64ULL << 20;
  const std::atomic<bool>* cancel = nullptr;  // set: stop at the next chunk
};

// The part size to use for a file of `size` bytes: `part_size`, raised (to whole MiB) so that
// the file fits into 10,000 parts.
uint64_t S3PartSizeFor(uint64_t size, uint64_t part_size);

std::unique_ptr<RemoteTarget> MakeS3Target(S3Settings settings);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_REMOTE_S3_CLIENT_H_
