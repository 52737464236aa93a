// Last-known-good pattern matching.
#include "resolver/last_known_good.h"

#include <gtest/gtest.h>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

bool protects(const LastKnownGood& lkg, const std::string& name) {
  return lkg.protects(testing::wireName(name));
}

TEST(LastKnownGoodTest, ExactWildcardAndExemptions) {
  auto lkg = LastKnownGood::compile(
      {{"Api.Example.Test", true}, {"canary.svc.test", false}, {"*.svc.test", true}});
  ASSERT_TRUE(lkg.ok());
  EXPECT_TRUE(protects(*lkg, "api.example.test."));
  EXPECT_TRUE(protects(*lkg, "API.EXAMPLE.TEST."));
  EXPECT_FALSE(protects(*lkg, "www.example.test."));
  EXPECT_TRUE(protects(*lkg, "a.svc.test."));
  EXPECT_TRUE(protects(*lkg, "a.b.svc.test."));
  EXPECT_FALSE(protects(*lkg, "svc.test."));
  EXPECT_FALSE(protects(*lkg, "xsvc.test."));
  EXPECT_FALSE(protects(*lkg, "canary.svc.test."));
}

TEST(LastKnownGoodTest, StarMatchesEverything) {
  auto lkg = LastKnownGood::compile({{"*", true}});
  ASSERT_TRUE(lkg.ok());
  EXPECT_TRUE(protects(*lkg, "anything.test."));
}

TEST(LastKnownGoodTest, RejectsBadPatterns) {
  EXPECT_FALSE(LastKnownGood::compile({{"a.*.test", true}}).ok());
  EXPECT_FALSE(LastKnownGood::compile({{"", true}}).ok());
  EXPECT_FALSE(LastKnownGood::compile({{"a..test", true}}).ok());
}

}  // namespace
}  // namespace holdfast::resolver
