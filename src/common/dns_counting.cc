// Naming DNS answers for counters.
#include "common/dns_counting.h"

#include <algorithm>

namespace holdfast {

namespace {

constexpr std::array<const char*, kCountedQtypes.size()> kQtypeNames{
    "A",  "NS",     "CNAME", "SOA",   "PTR",  "MX",   "TXT", "AAAA", "SRV",
    "DS", "DNSKEY", "SVCB",  "HTTPS", "IXFR", "AXFR", "ANY", "CAA"};

constexpr std::array<const char*, 11> kRcodeNames{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                  "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                  "NXRRSET", "NOTAUTH", "NOTZONE"};

}  // namespace

std::size_t qtypeBucket(std::uint16_t qtype) noexcept {
  const auto it = std::find(kCountedQtypes.begin(), kCountedQtypes.end(), qtype);
  return static_cast<std::size_t>(it - kCountedQtypes.begin());
}

const char* qtypeBucketName(std::size_t bucket) noexcept {
  return bucket < kQtypeNames.size() ? kQtypeNames[bucket] : "other";
}

std::string rcodeName(std::size_t rcode) {
  return rcode < kRcodeNames.size() ? std::string(kRcodeNames[rcode])
                                    : "RCODE" + std::to_string(rcode);
}

std::optional<std::uint16_t> firstQtype(std::span<const std::uint8_t> message) noexcept {
  if (message.size() < kDnsHeaderBytes || ((message[4] << 8) | message[5]) == 0) {
    return std::nullopt;
  }
  std::size_t at = kDnsHeaderBytes;
  while (at < message.size()) {
    const std::uint8_t length = message[at];
    if (length == 0) {
      at += 1;
      break;
    }
    if ((length & 0xc0) == 0xc0) {
      at += 2;
      break;
    }
    at += 1 + length;
  }
  if (at + 2 > message.size()) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>((message[at] << 8) | message[at + 1]);
}

}  // namespace holdfast
