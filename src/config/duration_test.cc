// Tests for duration parsing.
#include "config/duration.h"

#include <gtest/gtest.h>

namespace holdfast::config {
namespace {

using std::chrono::milliseconds;

TEST(DurationTest, Units) {
  EXPECT_EQ(*parseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*parseDuration("2s"), milliseconds(2000));
  EXPECT_EQ(*parseDuration("1m"), milliseconds(60000));
  EXPECT_EQ(*parseDuration("1h"), milliseconds(3600000));
}

TEST(DurationTest, Rejects) {
  for (const char* bad :
       {"", "s", "10", "1.5s", "-1s", "10 s", "3d", "25h", "9223372036854775807h"}) {
    EXPECT_FALSE(parseDuration(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace holdfast::config
