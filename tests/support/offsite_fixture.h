// What the S3 and SFTP offsite tests share: one MariaDB for the whole suite holding the awkward
// fixture plus a table of hard-to-compress rows (so a backup spans several 16 KiB parts and
// overflows a small remote disk), a config's local part, running the binary while keeping every
// output, finding the backup and its run's manifest, and the check that no output or log line
// holds a secret.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_OFFSITE_FIXTURE_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_OFFSITE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/cli_runner.h"
#include "support/mariadb_server.h"
#include "support/temp_dir.h"
#include "util/status.h"

namespace mysql_backup::testing {

class OffsiteTest : public ::testing::Test {
 protected:
  // Called by a suite's SetUpTestSuite once it knows its remote server can run here.
  static void StartDatabase();
  static void TearDownTestSuite() { server_.reset(); }

  // Fails the test when the database did not start; makes backup_dir_.
  void SetUpDatabase();

  // The [general], [database] and [backup] sections; a test appends its [target NAME].
  std::string LocalConfig() const;
  // A [restore] section for the suite's database.
  static std::string RestoreSection();
  // Writes `text` to <dir>/backup.conf (0600) and returns its path.
  std::string WriteConfigFile(const std::string& text) const;

  // Runs the binary; its stdout and stderr are kept for AllOutput().
  CliResult Run(const std::vector<std::string>& args);
  // Every output of Run() and every line of the log files.
  std::string AllOutput() const;

  // The run's manifest key beside a backup ("daily/manifest-daily-<stamp>.json").
  static std::string ManifestOf(const std::string& type, const std::string& name);
  // The .sql.gz in <backup_dir>/<type>/, or "".
  std::string OnlyBackup(const std::string& type = "daily") const;
  // After a failed copy: the backup of `type` is there and passes --verify. Returns its path
  // ("" after a failure is recorded when it is missing).
  std::string ExpectKeptLocally(const std::string& config, const std::string& type = "daily");

  // What the remote retention tests put under the prefix before a backup with keep_daily = 2,
  // as (key, content): complete copies of three older daily runs (0103, 0104, 0105; a backup
  // and an accounts file each) and the manifests of 0103 and 0105, an incomplete copy (no
  // .sha256) of run 0101 with its manifest, and foreign keys that look almost like ours.
  static std::vector<std::pair<std::string, std::string>> RetentionSeed();
  // The keys that must remain after that backup (`name`, no accounts file): its own copy and
  // manifest, 0105's copy and manifest, the accounts files of 0104 and 0105, 0101's incomplete
  // copy and its manifest, every foreign key. The backups of 0103 and 0104 and the accounts
  // file of 0103 are retained away, and 0103's manifest with the last of them.
  static std::set<std::string> RetentionSurvivors(const std::string& name);

  static std::unique_ptr<MariaDbServer> server_;
  static Status start_;
  TempDir dir_;
  std::string backup_dir_;
  std::string outputs_;
};

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_OFFSITE_FIXTURE_H_
