// The accounts file is `mariadb-dump --system=users,plugins,udfs,servers --insert-ignore`
// without the server's internal accounts: `mariadb.sys` and MySQL's `mysql.*` (mysql.sys,
// mysql.session, mysql.infoschema) belong to the server that made them, and a fresh server has
// its own. mariadb-dump writes one statement a line in this mode, so the filter drops the lines
// whose account is internal and passes everything else byte for byte.
#ifndef MYSQL_BACKUP_MYSQL_ACCOUNTS_FILTER_H_
#define MYSQL_BACKUP_MYSQL_ACCOUNTS_FILTER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "codec/compressor.h"
#include "util/status.h"

namespace mysql_backup {

// Whether a line of the accounts dump is about an internal account (as user or grantee).
bool MentionsInternalAccount(std::string_view line);

class InternalAccountFilter : public ByteSink {
 public:
  explicit InternalAccountFilter(ByteSink* next) : next_(next) {}
  // Errors: the downstream sink's; kProcess for a line over kMaxLine (not an accounts dump).
  Status Write(std::span<const uint8_t> data) override;
  // Passes a last line without a newline. Call once at the end.
  Status Finish();
  uint64_t lines_dropped() const { return dropped_; }

 private:
  static constexpr size_t kMaxLine = 16 << 20;
  Status EndLine();
  ByteSink* next_;
  std::string line_;
  uint64_t dropped_ = 0;
};

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_MYSQL_ACCOUNTS_FILTER_H_
