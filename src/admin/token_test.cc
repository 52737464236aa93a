// Tests of the admin token file and the bearer check.
#include "admin/token.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace holdfast::admin {
namespace {

std::filesystem::path tempPath(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("holdfast-token-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::filesystem::remove(path);
  return path;
}

TEST(Token, CreatesAPrivateFileOnceAndReadsItBack) {
  const auto path = tempPath("created/admin.token");
  auto first = loadOrCreateToken(path);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->size(), 2 * kTokenBytes);

  struct stat info {};

  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);

  auto second = loadOrCreateToken(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
}

// A client reads the token and never creates one: a mistyped path would otherwise become a
// fresh token file and every request a puzzling 401.
TEST(Token, AClientNeverCreatesATokenFile) {
  const auto path = tempPath("missing.token");
  auto token = loadToken(path);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, Errc::kConfig);
  EXPECT_NE(token.error().message.find("missing.token"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_TRUE(loadOrCreateToken(path).ok());
  EXPECT_EQ(*loadToken(path), *loadOrCreateToken(path));
}

TEST(Token, RefusesAFileOthersCanRead) {
  const auto path = tempPath("open.token");
  std::ofstream(path) << "0123456789abcdef0123\n";
  std::filesystem::permissions(path, std::filesystem::perms(0644));
  auto token = loadOrCreateToken(path);
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.error().message.find("mode 644"), std::string::npos) << token.error().message;
}

TEST(Token, RefusesAShortToken) {
  const auto path = tempPath("short.token");
  std::ofstream(path) << "abc\n";
  std::filesystem::permissions(path, std::filesystem::perms(0600));
  auto token = loadOrCreateToken(path);
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.error().message.find("at least 16"), std::string::npos);
}

TEST(Token, ComparesWholeTokens) {
  EXPECT_TRUE(tokensEqual("secret-token", "secret-token"));
  EXPECT_FALSE(tokensEqual("secret-token", "secret-toke"));
  EXPECT_FALSE(tokensEqual("secret-token", "secret-token2"));
  EXPECT_FALSE(tokensEqual("secret-token", "Secret-token"));
  EXPECT_FALSE(tokensEqual("", ""));
  EXPECT_FALSE(tokensEqual("secret-token", ""));
}

TEST(Token, ChecksTheBearerScheme) {
  EXPECT_TRUE(bearerMatches("Bearer secret-token", "secret-token"));
  EXPECT_TRUE(bearerMatches("bearer secret-token", "secret-token"));
  EXPECT_FALSE(bearerMatches("Basic secret-token", "secret-token"));
  EXPECT_FALSE(bearerMatches("Bearer wrong", "secret-token"));
  EXPECT_FALSE(bearerMatches("Bearer ", "secret-token"));
  EXPECT_FALSE(bearerMatches("", "secret-token"));
}

}  // namespace
}  // namespace holdfast::admin
