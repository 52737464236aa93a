// Tests for Result<T> and Status.
#include "common/result.h"

#include <string>

#include <gtest/gtest.h>

namespace holdfast {
namespace {

Result<int> parsePositive(int v) {
  if (v <= 0) {
    return makeError(Errc::kInvalidArgument, "not positive");
  }
  return v;
}

TEST(ResultTest, HoldsValue) {
  const Result<int> r = parsePositive(4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
}

TEST(ResultTest, HoldsError) {
  const Result<int> r = parsePositive(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(r.error().toString(), "invalid-argument: not positive");
}

TEST(ResultTest, StatusDefaultsToOk) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  const Status bad = makeError(Errc::kIo, "disk");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kIo);
}

TEST(ResultTest, MovesValueOut) {
  Result<std::string> r = std::string("zone");
  const std::string s = std::move(r).value();
  EXPECT_EQ(s, "zone");
}

}  // namespace
}  // namespace holdfast
