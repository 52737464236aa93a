// Creating, reading and checking the admin API's bearer token.
#include "admin/token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace holdfast::admin {

namespace {

Result<std::string> randomToken() {
  std::array<unsigned char, kTokenBytes> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return makeError(Errc::kIo, fmt::format("getrandom: {}", std::strerror(errno)));
    }
    filled += static_cast<std::size_t>(n);
  }
  std::string out;
  for (const unsigned char b : bytes) {
    out += fmt::format("{:02x}", b);
  }
  return out;
}

Status createTokenFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return makeError(Errc::kIo, fmt::format("{}: {}", path.parent_path().string(), ec.message()));
    }
  }
  auto token = randomToken();
  if (!token.ok()) {
    return token.error();
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return okStatus();  // another process created it first; read theirs
    }
    return makeError(Errc::kIo, fmt::format("{}: {}", path.string(), std::strerror(errno)));
  }
  const std::string text = *token + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    ::unlink(path.c_str());
    return makeError(Errc::kIo, fmt::format("{}: cannot write the token", path.string()));
  }
  return okStatus();
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

Result<std::string> loadOrCreateToken(const std::filesystem::path& path) {
  struct stat info {};

  if (::stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) {
      return makeError(Errc::kIo, fmt::format("{}: {}", path.string(), std::strerror(errno)));
    }
    if (auto s = createTokenFile(path); !s.ok()) {
      return s.error();
    }
  }
  return loadToken(path);
}

Result<std::string> loadToken(const std::filesystem::path& path) {
  struct stat info {};

  if (::stat(path.c_str(), &info) != 0) {
    return makeError(errno == ENOENT ? Errc::kConfig : Errc::kIo,
                     fmt::format("{}: {}", path.string(), std::strerror(errno)));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return makeError(Errc::kConfig,
                     fmt::format("{}: mode {:o} lets other users read the admin token; "
                                 "run chmod 600 on it",
                                 path.string(), info.st_mode & 0777));
  }
  std::ifstream in(path);
  if (!in) {
    return makeError(Errc::kIo,
                     fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string token(trim(buffer.str()));
  if (token.size() < kMinTokenChars) {
    return makeError(Errc::kConfig, fmt::format("{}: the token must be at least {} characters",
                                                path.string(), kMinTokenChars));
  }
  for (const char c : token) {
    if (c <= ' ' || c > '~') {
      return makeError(
          Errc::kConfig,
          fmt::format("{}: the token must be printable ASCII without spaces", path.string()));
    }
  }
  return token;
}

bool tokensEqual(std::string_view expected, std::string_view given) noexcept {
  // Every character of `given` is looked at whatever matched, and the lengths are compared
  // last, so the time taken says nothing about how much of the token was right.
  unsigned char difference = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const char want = expected.empty() ? '\0' : expected[i % expected.size()];
    difference |= static_cast<unsigned char>(want ^ given[i]);
  }
  return difference == 0 && expected.size() == given.size() && !expected.empty();
}

bool bearerMatches(std::string_view authorization, std::string_view token) noexcept {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) {
    return false;
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) {
      return false;
    }
  }
  return tokensEqual(token, trim(authorization.substr(kScheme.size())));
}

}  // namespace holdfast::admin
