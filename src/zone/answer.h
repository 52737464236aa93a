// The authoritative answer algorithm (RFC 1034 section 4.3.2 and its updates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/arena.h"
#include "zone/snapshot.h"

namespace holdfast::zone {

enum class Transport {
  kUdp,
  kTcp
};

// Our EDNS UDP payload size: 1232 octets fit the IPv6 minimum MTU without fragmentation (the
// 2020 DNS flag day value).
inline constexpr std::uint16_t kEdnsUdpPayload = 1232;

// The UDP limit for a client without EDNS (RFC 1035 section 4.2.1).
inline constexpr std::size_t kClassicUdpLimit = 512;

// Longest CNAME or DNAME chain followed inside the snapshot, counted in aliases; it bounds the
// work per query and the answer size. A longer chain is answered with its first links only and
// the client continues from there. Five is what Knot DNS follows, so both answer alike.
inline constexpr std::size_t kMaxCnameChain = 5;

// Answers the DNS message `query` from `snapshot` into `out` and returns the length to send, or 0
// when nothing must be sent: the message is a response, it is shorter than a header, or `out`
// cannot hold the header and question.
//
// - A header that parses but a body that does not: FORMERR (header only); an opcode other than
//   QUERY: NOTIMP; QDCOUNT other than 1: FORMERR; a class other than IN or CH: REFUSED; a name
//   outside every zone: REFUSED without AA.
// - A query of class CH gets the TXT answers of the snapshot's ServerIdentity or REFUSED.
// - Inside a zone (class IN), RFC 1034 section 4.3.2: the RRset at the name with AA; at or below
//   a zone cut a referral without AA (NS in authority, glue in additional), except DS at the cut,
//   which the parent answers; names that do not exist but sit below a wildcard get its records
//   with the owner rewritten (RFC 4592); below a DNAME, the DNAME and a synthesized CNAME (RFC
//   6672), or YXDOMAIN when the new name would be too long; CNAME and DNAME chains followed
//   through every zone of the snapshot, at most kMaxCnameChain links, stopping where a name
//   comes back (a loop, RFC 1034 section 3.6.2); NODATA
//   or NXDOMAIN with the zone SOA in the authority section at TTL min(SOA TTL, MINIMUM) (RFC
//   2308 section 3), the rcode describing the end of the chain (RFC 6604); A and AAAA of
//   in-zone NS, MX and SRV targets in the additional section while they fit; ANY answered with
//   one RRset over UDP and all of them over TCP (RFC 8482 section 4.1).
// - RD is copied, RA is clear, the question is echoed exactly as received.
// - EDNS (RFC 6891): with an OPT in the query the answer carries OPT version 0 and payload 1232,
//   or BADVERS when the query's version is above 0. Size limit over UDP: min(out.size(),
//   max(512, min(client payload, 1232))) with EDNS, min(out.size(), 512) without; over TCP:
//   min(out.size(), 65535). An answer or authority RRset over the limit, or in-domain glue of a
//   referral (RFC 9471 section 3.1), sends TC with no records; other additional records are
//   left out. NSID (RFC 5001) is added when the query asks and the snapshot has one.
//
// Never throws, never reads outside `query` or writes outside `out`; safe to call from many
// threads at once on one snapshot.
[[nodiscard]] std::size_t answerQuery(const Snapshot& snapshot,
                                      std::span<const std::uint8_t> query,
                                      std::span<std::uint8_t> out,
                                      Transport transport) noexcept;

// The same, with libknot's working memory taken from `arena` instead of a buffer on the stack;
// afterwards arena.used() and arena.heapFallbacks() tell how much the answer needed.
[[nodiscard]] std::size_t answerQuery(const Snapshot& snapshot,
                                      std::span<const std::uint8_t> query,
                                      std::span<std::uint8_t> out,
                                      Transport transport,
                                      dns::Arena& arena) noexcept;

}  // namespace holdfast::zone
