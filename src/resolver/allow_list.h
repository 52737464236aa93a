// AllowList: the client networks the resolver answers; everyone else is REFUSED.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <asio/ip/address.hpp>

#include "common/result.h"

namespace holdfast::resolver {

// The default: loopback only, so a resolver started with defaults is never an open resolver
// (RFC 5358).
inline const std::vector<std::string> kDefaultAllow = {"127.0.0.0/8", "::1/128"};

// Immutable after construction; thread-safe to share.
class AllowList {
public:
  // Parses "address/prefix" or a bare address (a single host). Errors: kConfig naming the entry.
  [[nodiscard]] static Result<AllowList> parse(const std::vector<std::string>& networks);

  // Whether `address` is inside any network; IPv4-mapped IPv6 addresses count as IPv4.
  [[nodiscard]] bool allows(const asio::ip::address& address) const noexcept;

private:
  struct Network {
    asio::ip::address address;
    unsigned prefix = 0;
  };

  std::vector<Network> networks_;
};

}  // namespace holdfast::resolver
