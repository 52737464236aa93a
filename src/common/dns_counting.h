// Naming DNS answers for counters: the bounded set of query types counted one by one, response
// code names, and the question type read from a wire message. Shared by the authoritative
// server's and the resolver's metrics, so both label series the same way.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace holdfast {

// Query types counted one by one; every other type counts as "other", so the number of series
// stays bounded whatever clients ask.
inline constexpr std::array<std::uint16_t, 17> kCountedQtypes{1,  2,  5,  6,  12,  15,  16,  28, 33,
                                                              43, 48, 64, 65, 251, 252, 255, 257};
inline constexpr std::size_t kQtypeBuckets = kCountedQtypes.size() + 1;  // plus "other"

// Size of the DNS message header (RFC 1035 section 4.1.1).
inline constexpr std::size_t kDnsHeaderBytes = 12;

// The four-bit header RCODE (extended codes count by their low four bits).
inline constexpr std::size_t kRcodeBuckets = 16;

// Index of `qtype`'s bucket; kCountedQtypes.size() for "other".
[[nodiscard]] std::size_t qtypeBucket(std::uint16_t qtype) noexcept;

// Name of a qtype bucket ("A", "AAAA", ..., "other").
[[nodiscard]] const char* qtypeBucketName(std::size_t bucket) noexcept;

// Name of a response code ("NOERROR", "NXDOMAIN", ...; "RCODE12" for unnamed ones).
[[nodiscard]] std::string rcodeName(std::size_t rcode);

// The QTYPE of the first question (RFC 1035 section 4.1.2); nothing when the message has none or
// is cut short. A compression pointer in the name is stepped over safely.
[[nodiscard]] std::optional<std::uint16_t> firstQtype(
    std::span<const std::uint8_t> message) noexcept;

}  // namespace holdfast
