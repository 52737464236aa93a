// Listen addresses: parsing "127.0.0.1:53" and "[::1]:53", and formatting them back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <asio/ip/address.hpp>

#include "common/result.h"

namespace holdfast::server {

// One parsed listen entry: an IP address and a port (0 lets the kernel choose).
struct ListenAddress {
  asio::ip::address address;
  std::uint16_t port = 0;
};

// Parses "IPv4:port" or "[IPv6]:port"; the port is required. Host names are refused: a DNS
// server must not need name resolution to start. Errors: kConfig, naming the entry.
[[nodiscard]] Result<ListenAddress> parseListenAddress(std::string_view text);

// "127.0.0.1:53" or "[::1]:53", the form used in configuration and error messages.
[[nodiscard]] std::string formatEndpoint(const asio::ip::address& address, std::uint16_t port);

}  // namespace holdfast::server
