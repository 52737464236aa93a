// Tests of the rolling window behind the failure-ratio rule.
#include "probe/failure_window.h"

#include <gtest/gtest.h>

namespace holdfast::probe {
namespace {

TEST(FailureWindow, CountsFailuresOverTheAttemptsRecorded) {
  FailureWindow window(4);
  EXPECT_EQ(window.ratio(), 0.0);
  EXPECT_FALSE(window.full());

  window.record(true);
  window.record(false);
  window.record(true);
  EXPECT_FALSE(window.full());
  EXPECT_EQ(window.attempts(), 3U);
  EXPECT_EQ(window.failures(), 2U);

  window.record(false);
  EXPECT_TRUE(window.full());
  EXPECT_EQ(window.ratio(), 0.5);
}

TEST(FailureWindow, TheOldestOutcomeFallsOutWhenFull) {
  FailureWindow window(3);
  window.record(true);
  window.record(true);
  window.record(false);
  EXPECT_EQ(window.failures(), 2U);

  window.record(false);  // drops the first failure
  EXPECT_EQ(window.attempts(), 3U);
  EXPECT_EQ(window.failures(), 1U);

  window.record(false);  // drops the second
  window.record(false);  // drops a success
  EXPECT_EQ(window.failures(), 0U);
  EXPECT_EQ(window.ratio(), 0.0);

  for (int i = 0; i < 3; ++i) {
    window.record(true);
  }
  EXPECT_EQ(window.failures(), 3U);
  EXPECT_EQ(window.ratio(), 1.0);
}

}  // namespace
}  // namespace holdfast::probe
