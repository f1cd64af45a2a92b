// The offsite targets: one `[target NAME]` section each (type = s3 or sftp). Read and checked
// here, once, like every other key; credentials are read from their file (or the systemd
// credential `s3-credentials`) at load time and live only in this struct.
#ifndef MYSQL_BACKUP_CONFIG_TARGET_CONFIG_H_
#define MYSQL_BACKUP_CONFIG_TARGET_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "config/ini_file.h"
#include "util/status.h"

namespace mysql_backup {

enum class TargetType { kS3, kSftp };
enum class TargetVerify { kSize, kFull };

struct TargetConfig {
  std::string name;  // NAME of [target NAME]
  TargetType type = TargetType::kS3;
  // s3
  std::string endpoint;
  std::string region = "us-east-1";
  std::string bucket;
  std::string prefix;  // always ends in '/'
  bool virtual_addressing = false;
  std::string access_key_id;
  std::string secret_access_key;  // never logged
  uint64_t part_size = 64ULL << 20;
  // sftp
  std::string host;
  int port = 22;
  std::string user;
  std::string path;  // the remote folder, absolute
  std::string identity_file;
  std::string host_key_sha256;  // base64 as ssh-keygen -l prints it, without "SHA256:"
  std::string known_hosts;
  // both
  int keep_daily = 0;  // defaults: the local retention counts
  int keep_weekly = 0;
  int keep_monthly = 0;
  TargetVerify verify = TargetVerify::kSize;
};

inline constexpr char kTargetSectionPrefix[] = "target ";

// Whether `section_name` is a "[target NAME]" section.
bool IsTargetSection(const std::string& section_name);

// Reads the [target NAME] sections of `path`. `keep_*` default to the local counts.
// Errors: kConfiguration, naming the file, section and key.
Status ReadTargets(const std::vector<IniSection>& sections, const std::string& path,
                   int keep_daily, int keep_weekly, int keep_monthly,
                   std::vector<TargetConfig>* targets, std::vector<std::string>* warnings);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CONFIG_TARGET_CONFIG_H_
