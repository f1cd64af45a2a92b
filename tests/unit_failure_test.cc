#include "journal/unit_failure.h"

#include <gtest/gtest.h>

#include <map>

namespace mysql_backup {
namespace {

auto EnvFrom(const std::map<std::string, std::string>& env) {
  return [env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

TEST(UnitFailureTest, TakesTheResultFromMonitorVariables) {
  auto info =
      FailureFromMonitorEnv("mysql-backup@monthly.service",
                            EnvFrom({{"MONITOR_SERVICE_RESULT", "signal"},
                                     {"MONITOR_EXIT_CODE", "killed"},
                                     {"MONITOR_EXIT_STATUS", "KILL"},
                                     {"MONITOR_INVOCATION_ID", "0123456789abcdef0123456789abcdef"},
                                     {"MONITOR_UNIT", "mysql-backup@monthly.service"}}));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->unit, "mysql-backup@monthly.service");
  EXPECT_EQ(info->service_result, "signal");
  EXPECT_EQ(info->exit_code, "killed");
  EXPECT_EQ(info->exit_status, "KILL");
  EXPECT_EQ(info->invocation_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(info->Summary(), "result 'signal', killed by KILL");
}

TEST(UnitFailureTest, IgnoresMonitorVariablesOfAnotherUnit) {
  EXPECT_FALSE(FailureFromMonitorEnv("mysql-backup@daily.service",
                                     EnvFrom({{"MONITOR_SERVICE_RESULT", "exit-code"},
                                              {"MONITOR_UNIT", "mysql-backup@weekly.service"}}))
                   .has_value());
  EXPECT_FALSE(FailureFromMonitorEnv("mysql-backup@daily.service", EnvFrom({})).has_value());
}

TEST(UnitFailureTest, AcceptsMonitorVariablesWithoutMonitorUnit) {
  // systemd 250 sets the others but not MONITOR_UNIT.
  auto info = FailureFromMonitorEnv("mysql-backup@daily.service",
                                    EnvFrom({{"MONITOR_SERVICE_RESULT", "exit-code"},
                                             {"MONITOR_EXIT_CODE", "exited"},
                                             {"MONITOR_EXIT_STATUS", "70"}}));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->Summary(), "result 'exit-code', exit status 70");
  EXPECT_EQ(info->invocation_id, "");
}

TEST(UnitFailureTest, SummarySaysWhatIsUnknown) {
  UnitFailureInfo info;
  EXPECT_EQ(info.Summary(), "result unknown");
  info.service_result = "timeout";
  info.exit_code = "dumped";
  info.exit_status = "ABRT";
  EXPECT_EQ(info.Summary(), "result 'timeout', dumped core on ABRT");
}

TEST(UnitFailureTest, RejectsWhatIsNotAUnitName) {
  static const struct {
    const char* name;
    bool want;
  } kCases[] = {
      {"mysql-backup@monthly.service", true},
      {"mysql-backup@srv-db\\x2d1.service", true},
      {"mysql-backup", false},
      {"", false},
      {"a b.service", false},
      {"x.service\nMESSAGE=forged", false},
      {"UNIT=x.service", false},
  };
  for (const auto& c : kCases) EXPECT_EQ(IsValidUnitName(c.name), c.want) << c.name;
  EXPECT_FALSE(CollectUnitFailure("not a unit").ok());
}

TEST(UnitFailureTest, FormatsJournalLinesLikeShortIso) {
  // TZ=UTC comes from the test environment.
  EXPECT_EQ(FormatJournalLine(1795737603000000ull, "mysql-backup", "42", "Dumping shop"),
            "2026-11-27T00:00:03+0000 mysql-backup[42]: Dumping shop");
  EXPECT_EQ(FormatJournalLine(1795737603000000ull, "systemd", "", "Failed."),
            "2026-11-27T00:00:03+0000 systemd: Failed.");
}

}  // namespace
}  // namespace mysql_backup
