// Client allow-list parsing and matching.
#include "resolver/allow_list.h"

#include <gtest/gtest.h>

namespace holdfast::resolver {
namespace {

bool allows(const AllowList& list, const char* address) {
  return list.allows(asio::ip::make_address(address));
}

TEST(AllowListTest, DefaultIsLoopbackOnly) {
  auto list = AllowList::parse(kDefaultAllow);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(allows(*list, "127.0.0.1"));
  EXPECT_TRUE(allows(*list, "127.9.8.7"));
  EXPECT_TRUE(allows(*list, "::1"));
  EXPECT_TRUE(allows(*list, "::ffff:127.0.0.1"));
  EXPECT_FALSE(allows(*list, "10.0.0.1"));
  EXPECT_FALSE(allows(*list, "::2"));
}

TEST(AllowListTest, PrefixesAndHosts) {
  auto list = AllowList::parse({"192.0.2.0/25", "2001:db8::/32", "198.51.100.7"});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(allows(*list, "192.0.2.127"));
  EXPECT_FALSE(allows(*list, "192.0.2.128"));
  EXPECT_TRUE(allows(*list, "2001:db8:ffff::1"));
  EXPECT_TRUE(allows(*list, "198.51.100.7"));
  EXPECT_FALSE(allows(*list, "198.51.100.8"));
}

TEST(AllowListTest, RejectsBadEntries) {
  EXPECT_FALSE(AllowList::parse({"10.0.0.0/33"}).ok());
  EXPECT_FALSE(AllowList::parse({"example.test"}).ok());
  EXPECT_FALSE(AllowList::parse({"10.0.0.0/x"}).ok());
}

}  // namespace
}  // namespace holdfast::resolver
