// A private temporary folder for a test, removed with everything in it when it goes out of
// scope.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_TEMP_DIR_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace mysql_backup::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_TEMP_DIR_H_
