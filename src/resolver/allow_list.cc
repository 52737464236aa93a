// Parsing and matching client networks.
#include "resolver/allow_list.h"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace holdfast::resolver {

namespace {

template <std::size_t N>
bool prefixMatches(const std::array<unsigned char, N>& a,
                   const std::array<unsigned char, N>& b,
                   unsigned prefix) {
  for (std::size_t i = 0; i < N && prefix > 0; ++i) {
    const unsigned bits = prefix >= 8 ? 8 : prefix;
    const auto mask = static_cast<unsigned char>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) {
      return false;
    }
    prefix -= bits;
  }
  return true;
}

asio::ip::address unmapped(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

Result<AllowList> AllowList::parse(const std::vector<std::string>& networks) {
  AllowList list;
  for (const std::string& entry : networks) {
    const auto slash = entry.find('/');
    Network network;
    asio::error_code ec;
    network.address = asio::ip::make_address(entry.substr(0, slash), ec);
    if (ec) {
      return makeError(Errc::kConfig, fmt::format("'{}' is not an address or network", entry));
    }
    const unsigned max = network.address.is_v4() ? 32 : 128;
    network.prefix = max;
    if (slash != std::string::npos) {
      const std::string_view digits = std::string_view(entry).substr(slash + 1);
      const auto [end, err] =
          std::from_chars(digits.data(), digits.data() + digits.size(), network.prefix);
      if (err != std::errc() || end != digits.data() + digits.size() || network.prefix > max) {
        return makeError(Errc::kConfig, fmt::format("'{}': bad prefix length", entry));
      }
    }
    list.networks_.push_back(network);
  }
  return list;
}

bool AllowList::allows(const asio::ip::address& raw) const noexcept {
  const asio::ip::address address = unmapped(raw);
  for (const Network& n : networks_) {
    if (n.address.is_v4() && address.is_v4() &&
        prefixMatches(n.address.to_v4().to_bytes(), address.to_v4().to_bytes(), n.prefix)) {
      return true;
    }
    if (n.address.is_v6() && address.is_v6() &&
        prefixMatches(n.address.to_v6().to_bytes(), address.to_v6().to_bytes(), n.prefix)) {
      return true;
    }
  }
  return false;
}

}  // namespace holdfast::resolver
