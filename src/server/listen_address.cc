// Parses and formats listen addresses.
#include "server/listen_address.h"

#include <charconv>
#include <limits>
#include <system_error>

namespace holdfast::server {

namespace {

Error invalid(std::string_view text, std::string_view why) {
  return makeError(Errc::kConfig,
                   "listen address \"" + std::string(text) + "\": " + std::string(why));
}

// A decimal port, 0 to 65535, with nothing around it.
Result<std::uint16_t> parsePort(std::string_view entry, std::string_view text) {
  unsigned int port = 0;
  const char* const end = text.data() + text.size();
  const auto [next, errc] = std::from_chars(text.data(), end, port);
  if (text.empty() || errc != std::errc() || next != end ||
      port > std::numeric_limits<std::uint16_t>::max()) {
    return invalid(entry, "port must be a number from 0 to 65535");
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

Result<ListenAddress> parseListenAddress(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  const bool bracketed = !text.empty() && text.front() == '[';

  // "[v6]:port" keeps the colons of the address apart from the one before the port.
  if (bracketed) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return invalid(text, "expected [IPv6 address]:port");
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return invalid(text, "expected address:port");
    }
    host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return invalid(text, "an IPv6 address is written in brackets, as [::1]:53");
    }
    port_text = text.substr(colon + 1);
  }

  auto port = parsePort(text, port_text);
  if (!port) {
    return port.error();
  }
  asio::error_code ec;
  const asio::ip::address address = asio::ip::make_address(std::string(host), ec);
  if (ec) {
    return invalid(text, "not an IP address (host names are not resolved)");
  }
  if (bracketed != address.is_v6()) {
    return invalid(text, "brackets are for IPv6 addresses only");
  }
  return ListenAddress{address, *port};
}

std::string formatEndpoint(const asio::ip::address& address, std::uint16_t port) {
  std::string host = address.to_string();
  if (address.is_v6()) {
    host = "[" + host + "]";
  }
  return host + ":" + std::to_string(port);
}

}  // namespace holdfast::server
