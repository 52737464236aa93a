// Tests of the `admin:` configuration section.
#include <gtest/gtest.h>

#include "config/config.h"

namespace holdfast::config {
namespace {

Result<Config> parse(const std::string& text) {
  return parseConfig(text, "t.yaml", ".");
}

TEST(AdminConfig, DefaultsToLoopbackPort8053) {
  auto config = parse("data_dir: d\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->admin.enabled);
  EXPECT_EQ(config->admin.listen, "127.0.0.1:8053");
  EXPECT_TRUE(config->admin.token_file.empty());
}

TEST(AdminConfig, ReadsEverySetting) {
  auto config = parse("admin: {enabled: false, listen: \"[::1]:0\", token_file: /tmp/x.token}\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_FALSE(config->admin.enabled);
  EXPECT_EQ(config->admin.listen, "[::1]:0");
  EXPECT_EQ(config->admin.token_file, "/tmp/x.token");
}

TEST(AdminConfig, RefusesANonLoopbackAddress) {
  auto config = parse("admin:\n  listen: 192.0.2.1:8053\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "t.yaml:2:11: admin.listen: must be a loopback address (127.0.0.0/8 or ::1): the API "
            "has no TLS");
}

TEST(AdminConfig, NamesTheFieldOfABadValue) {
  auto bad_port = parse("admin: {listen: \"127.0.0.1:99999\"}\n");
  ASSERT_FALSE(bad_port.ok());
  EXPECT_NE(bad_port.error().message.find("t.yaml:1:17: admin.listen:"), std::string::npos)
      << bad_port.error().message;

  auto unknown = parse("admin: {port: 1}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("admin.port: unknown key"), std::string::npos)
      << unknown.error().message;

  auto enabled = parse("admin: {enabled: yes}\n");
  ASSERT_FALSE(enabled.ok());
  EXPECT_NE(enabled.error().message.find("admin.enabled: expected true or false"),
            std::string::npos);
}

}  // namespace
}  // namespace holdfast::config
