// Upstream: one server the resolver forwards to, as configured.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <asio/ip/address.hpp>

#include "common/result.h"

namespace holdfast::resolver {

// The port upstreams listen on unless told otherwise (RFC 1035 section 4.2).
inline constexpr std::uint16_t kDnsPort = 53;

struct Upstream {
  asio::ip::address address;
  std::uint16_t port = kDnsPort;
  bool tcp_only = false;  // every query over TCP, for upstreams behind UDP-hostile paths

  // "127.0.0.1:53" or "[::1]:53", for logs (key upstream.address) and configuration.
  [[nodiscard]] std::string name() const;

  friend bool operator==(const Upstream& a, const Upstream& b) = default;
};

// Parses "address", "address:port", "[v6]" or "[v6]:port". Host names are refused: a resolver
// must not need resolution to find its upstreams. Errors: kConfig naming the text.
[[nodiscard]] Result<Upstream> parseUpstream(std::string_view text);

}  // namespace holdfast::resolver
