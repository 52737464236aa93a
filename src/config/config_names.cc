// Syntax checks for names and listen addresses in configuration files.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include <fmt/format.h>

#include "config/config_reader_internal.h"

namespace holdfast::config {

// Lowercases a domain name and adds the trailing dot; checks label syntax (RFC 1035 2.3.4).
Result<std::string> normalizeName(std::string_view text) {
  std::string name(text);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name.empty() || name == ".") {
    return makeError(Errc::kConfig, "the root zone is not allowed here");
  }
  if (name.back() != '.') {
    name.push_back('.');
  }
  if (name.size() > 254) {
    return makeError(Errc::kConfig, "name longer than 253 characters");
  }
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = name.find('.', start);
    const std::size_t len = dot - start;
    if (len == 0) {
      return makeError(Errc::kConfig, "empty label in '" + std::string(text) + "'");
    }
    if (len > 63) {
      return makeError(Errc::kConfig, "label longer than 63 characters");
    }
    for (std::size_t i = start; i < dot; ++i) {
      const char c = name[i];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
        return makeError(Errc::kConfig,
                         fmt::format("invalid character '{}' in name '{}'", c, text));
      }
    }
    start = dot + 1;
  }
  return name;
}

bool isSubdomain(std::string_view name, std::string_view zone) {
  if (name.size() < zone.size()) {
    return false;
  }
  if (name.size() == zone.size()) {
    return name == zone;
  }
  return name.substr(name.size() - zone.size()) == zone &&
         name[name.size() - zone.size() - 1] == '.';
}

Status checkListen(std::string_view listen) {
  std::string host;
  std::string port;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return makeError(Errc::kConfig, "expected [address]:port");
    }
    host = std::string(listen.substr(1, close - 1));
    port = std::string(listen.substr(close + 2));
    in6_addr a6{};
    if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) {
      return makeError(Errc::kConfig, "'" + host + "' is not an IPv6 address");
    }
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string_view::npos) {
      return makeError(Errc::kConfig, "expected address:port");
    }
    host = std::string(listen.substr(0, colon));
    port = std::string(listen.substr(colon + 1));
    in_addr a4{};
    if (inet_pton(AF_INET, host.c_str(), &a4) != 1) {
      return makeError(Errc::kConfig, "'" + host + "' is not an IPv4 address");
    }
  }
  unsigned p = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535) {
    return makeError(Errc::kConfig, "'" + port + "' is not a port number");
  }
  return okStatus();
}

}  // namespace holdfast::config
