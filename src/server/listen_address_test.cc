// Tests for parsing and formatting listen addresses.
#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace holdfast::server {
namespace {

TEST(ListenAddressTest, ParsesIpv4WithPort) {
  const auto parsed = parseListenAddress("127.0.0.1:5300");
  ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
  EXPECT_EQ(parsed->address.to_string(), "127.0.0.1");
  EXPECT_EQ(parsed->port, 5300);
}

TEST(ListenAddressTest, ParsesBracketedIpv6AndPortZero) {
  const auto parsed = parseListenAddress("[::1]:0");
  ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
  EXPECT_TRUE(parsed->address.is_v6());
  EXPECT_EQ(parsed->address.to_string(), "::1");
  EXPECT_EQ(parsed->port, 0);
}

TEST(ListenAddressTest, RejectsMalformedEntriesNamingThem) {
  for (const char* text :
       {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:53x", "127.0.0.1:-1", "::1:53",
        "[::1]", "[::1]53", "[127.0.0.1]:53", "localhost:53", ":53", ""}) {
    const auto parsed = parseListenAddress(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, Errc::kConfig) << text;
    EXPECT_NE(parsed.error().message.find('"' + std::string(text) + '"'), std::string::npos)
        << parsed.error().message;
  }
}

TEST(ListenAddressTest, FormatsBothFamilies) {
  EXPECT_EQ(formatEndpoint(asio::ip::make_address("127.0.0.1"), 53), "127.0.0.1:53");
  EXPECT_EQ(formatEndpoint(asio::ip::make_address("::1"), 5300), "[::1]:5300");
}

}  // namespace
}  // namespace holdfast::server
