// Address records: text to A/AAAA rdata with inet_pton.
#include "dns/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>

#include "dns/knot.h"

namespace holdfast::dns {

Result<RRset> makeAddressRRset(const Name& owner,
                               std::uint16_t rrtype,
                               std::uint32_t ttl_seconds,
                               const std::vector<std::string>& addresses) {
  if (rrtype != KNOT_RRTYPE_A && rrtype != KNOT_RRTYPE_AAAA) {
    return makeError(Errc::kInvalidArgument,
                     "address records must be A or AAAA, not type " + std::to_string(rrtype));
  }
  if (addresses.empty()) {
    return makeError(Errc::kInvalidArgument, "empty address list for " + owner.toText());
  }
  auto rrset = RRset::create(owner, rrtype, ttl_seconds);
  if (!rrset.ok()) {
    return rrset.error();
  }

  const bool v4 = rrtype == KNOT_RRTYPE_A;
  for (const std::string& address : addresses) {
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(v4 ? AF_INET : AF_INET6, address.c_str(), bytes.data()) != 1) {
      return makeError(Errc::kInvalidArgument, std::string(v4 ? "invalid IPv4" : "invalid IPv6") +
                                                   " address '" + address + "' for " +
                                                   owner.toText());
    }
    const std::size_t length = v4 ? 4 : 16;
    if (Status status = rrset->addRdata({bytes.data(), length}); !status.ok()) {
      return status.error();
    }
  }
  return rrset;
}

}  // namespace holdfast::dns
