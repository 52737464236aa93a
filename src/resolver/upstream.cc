// Parsing and naming upstream addresses.
#include "resolver/upstream.h"

#include <charconv>

#include <fmt/format.h>

namespace holdfast::resolver {

std::string Upstream::name() const {
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), port)
                         : fmt::format("{}:{}", address.to_string(), port);
}

Result<Upstream> parseUpstream(std::string_view text) {
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return makeError(Errc::kConfig, fmt::format("'{}': missing ']'", text));
    }
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return makeError(Errc::kConfig, fmt::format("'{}': expected [address]:port", text));
      }
      port = rest.substr(1);
    }
  } else if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    if (text.find(':', colon + 1) != std::string_view::npos) {
      return makeError(Errc::kConfig,
                       fmt::format("'{}': write IPv6 upstreams as [address]:port", text));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }

  Upstream upstream;
  asio::error_code ec;
  upstream.address = asio::ip::make_address(std::string(host), ec);
  if (ec) {
    return makeError(Errc::kConfig, fmt::format("'{}' is not an IP address", host));
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (err != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return makeError(Errc::kConfig, fmt::format("'{}' is not a port number", port));
    }
    upstream.port = static_cast<std::uint16_t>(value);
  }
  return upstream;
}

}  // namespace holdfast::resolver
