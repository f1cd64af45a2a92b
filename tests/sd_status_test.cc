#include "journal/sd_status.h"

#include <gtest/gtest.h>

namespace mysql_backup {
namespace {

using std::chrono::milliseconds;
using Clock = StatusThrottle::Clock;

TEST(SdStatusTest, ThrottlesProgressToOnePerInterval) {
  StatusThrottle throttle(std::chrono::seconds(1));
  Clock::time_point t0{};
  EXPECT_TRUE(throttle.Allow("Dumped 1 MiB (1.0 MiB/s)", t0));
  EXPECT_FALSE(throttle.Allow("Dumped 2 MiB (1.5 MiB/s)", t0 + milliseconds(300)));
  EXPECT_FALSE(throttle.Allow("Dumped 3 MiB (1.5 MiB/s)", t0 + milliseconds(999)));
  EXPECT_TRUE(throttle.Allow("Dumped 4 MiB (2.0 MiB/s)", t0 + milliseconds(1000)));
  EXPECT_FALSE(throttle.Allow("Dumped 5 MiB (2.0 MiB/s)", t0 + milliseconds(1500)));
}

TEST(SdStatusTest, NeverSwallowsANewPhase) {
  StatusThrottle throttle(std::chrono::seconds(1));
  Clock::time_point t0{};
  EXPECT_TRUE(throttle.Allow("Dumped 1 MiB", t0));
  EXPECT_TRUE(throttle.Allow("Verifying", t0 + milliseconds(10)));
  EXPECT_TRUE(throttle.Allow("Done", t0 + milliseconds(20)));
}

}  // namespace
}  // namespace mysql_backup
