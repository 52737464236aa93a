// IP literals and address sets, shared by configuration validation, codecs, planner and enactor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace holdfast::control {

// Parses `text` as an address of `rrtype` (kTypeA: IPv4, kTypeAaaa: IPv6) and returns its
// canonical text form (RFC 5952 for IPv6). Errors: kInvalidArgument for an unknown rrtype,
// kParse for text that is not such an address.
[[nodiscard]] Result<std::string> canonicalAddress(std::string_view text, std::uint16_t rrtype);

// Why a canonical address (IPv4 or IPv6 text) can never be a backend that clients connect to:
// unspecified (0.0.0.0, ::), multicast (224.0.0.0/4, ff00::/8) or the limited broadcast
// 255.255.255.255. Empty when it can be one.
[[nodiscard]] std::string unusableBackendReason(const std::string& canonical);

// Sorts addresses (byte order of their text) and removes duplicates, the form every plan and
// published record uses so that sets compare with ==.
[[nodiscard]] std::vector<std::string> sortedAddresses(std::vector<std::string> addresses);

// What changes between two sorted address sets.
struct AddressDiff {
  std::vector<std::string> added;
  std::vector<std::string> removed;
};

// Both inputs sorted and unique (as sortedAddresses returns them).
[[nodiscard]] AddressDiff diffAddresses(const std::vector<std::string>& before,
                                        const std::vector<std::string>& after);

// "a,b,c", for log fields.
[[nodiscard]] std::string joinAddresses(const std::vector<std::string>& addresses);

}  // namespace holdfast::control
