// Address records: building A and AAAA RRsets from textual addresses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "dns/name.h"
#include "dns/rrset.h"

namespace holdfast::dns {

// An RRset of type A (dotted IPv4) or AAAA (RFC 4291 text IPv6) holding `addresses`; duplicates
// collapse into one record. Returns kInvalidArgument for another type, an empty list, or an
// address that does not parse for the type (naming the address).
[[nodiscard]] Result<RRset> makeAddressRRset(const Name& owner,
                                             std::uint16_t rrtype,
                                             std::uint32_t ttl_seconds,
                                             const std::vector<std::string>& addresses);

}  // namespace holdfast::dns
