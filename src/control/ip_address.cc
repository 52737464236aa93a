// IP literal parsing over inet_pton/inet_ntop, and address set helpers.
#include "control/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <iterator>

#include "control/endpoint.h"

namespace holdfast::control {

Result<std::string> canonicalAddress(std::string_view text, std::uint16_t rrtype) {
  int family = 0;
  if (rrtype == kTypeA) {
    family = AF_INET;
  } else if (rrtype == kTypeAaaa) {
    family = AF_INET6;
  } else {
    return makeError(Errc::kInvalidArgument, "rrtype " + std::to_string(rrtype) +
                                                 " has no address form; use 1 (A) or 28 (AAAA)");
  }

  // inet_pton needs a terminated string; the copy also rejects embedded NULs below.
  const std::string copy(text);
  std::array<unsigned char, sizeof(in6_addr)> bytes{};
  if (copy.size() != text.size() || copy.find('\0') != std::string::npos ||
      inet_pton(family, copy.c_str(), bytes.data()) != 1) {
    return makeError(Errc::kParse, "'" + copy + "' is not an " +
                                       (family == AF_INET ? "IPv4" : "IPv6") + " address");
  }

  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(family, bytes.data(), out.data(), out.size()) == nullptr) {
    return makeError(Errc::kInternal, "inet_ntop failed for '" + copy + "'");
  }
  return std::string(out.data());
}

std::string unusableBackendReason(const std::string& canonical) {
  std::array<unsigned char, sizeof(in6_addr)> bytes{};
  if (inet_pton(AF_INET, canonical.c_str(), bytes.data()) == 1) {
    if (canonical == "0.0.0.0") {
      return "the unspecified address";
    }
    if (canonical == "255.255.255.255") {
      return "the broadcast address";
    }
    if ((bytes[0] & 0xf0) == 0xe0) {
      return "a multicast address";
    }
    return {};
  }
  if (inet_pton(AF_INET6, canonical.c_str(), bytes.data()) == 1) {
    if (canonical == "::") {
      return "the unspecified address";
    }
    if (bytes[0] == 0xff) {
      return "a multicast address";
    }
  }
  return {};
}

std::vector<std::string> sortedAddresses(std::vector<std::string> addresses) {
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

AddressDiff diffAddresses(const std::vector<std::string>& before,
                          const std::vector<std::string>& after) {
  AddressDiff diff;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(diff.added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(diff.removed));
  return diff;
}

std::string joinAddresses(const std::vector<std::string>& addresses) {
  std::string out;
  for (const std::string& address : addresses) {
    if (!out.empty()) {
      out.push_back(',');
    }
    out += address;
  }
  return out;
}

}  // namespace holdfast::control
