// The answer algorithm: header checks, EDNS and size limits, zone lookup, CNAME chains and
// negative answers.
#include "zone/answer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "dns/knot.h"
#include "dns/name.h"
#include "dns/query.h"
#include "dns/response.h"

namespace holdfast::zone {

namespace {

// libknot working memory per answer, on the stack: the query copy, two packet structures, their
// record tables and the OPT record take about 3.5 KiB for ordinary messages; larger ones spill to
// the heap (see dns::Arena).
constexpr std::size_t kArenaBytes = 8192;

// A reply made of the query's header alone, for messages whose question cannot be trusted.
std::size_t answerHeaderOnly(std::span<const std::uint8_t> query,
                             std::span<std::uint8_t> out,
                             std::uint8_t rcode) noexcept {
  std::uint8_t* wire = out.data();
  std::memcpy(wire, query.data(), KNOT_WIRE_HEADER_SIZE);
  knot_wire_set_qr(wire);
  knot_wire_clear_aa(wire);
  knot_wire_clear_tc(wire);
  knot_wire_set_flags2(wire, 0);
  knot_wire_set_rcode(wire, rcode);
  knot_wire_set_qdcount(wire, 0);
  knot_wire_set_ancount(wire, 0);
  knot_wire_set_nscount(wire, 0);
  knot_wire_set_arcount(wire, 0);
  return KNOT_WIRE_HEADER_SIZE;
}

std::size_t responseLimit(const dns::Query& query,
                          Transport transport,
                          std::size_t out_size) noexcept {
  std::size_t limit = KNOT_WIRE_MAX_PKTSIZE;
  if (transport == Transport::kUdp) {
    limit = kClassicUdpLimit;
    if (query.hasEdns()) {
      // RFC 6891 section 6.2.5: a payload below 512 counts as 512.
      limit = std::max<std::size_t>(kClassicUdpLimit,
                                    std::min<std::size_t>(query.ednsPayload(), kEdnsUdpPayload));
    }
  }
  return std::min(limit, out_size);
}

// Adds `rrset`. Returns false when the answer is complete: it did not fit (the response is now
// truncated) or writing failed (SERVFAIL).
bool add(dns::Response& response, dns::Section section, const dns::RRset& rrset) noexcept {
  switch (response.put(section, rrset)) {
    case dns::PutResult::kOk:
      return true;
    case dns::PutResult::kNoSpace:
      response.truncate();
      return false;
    case dns::PutResult::kError:
      response.setRcode(KNOT_RCODE_SERVFAIL);
      response.clearRecords();
      return false;
  }
  return false;
}

// NODATA (NOERROR) or NXDOMAIN: the zone SOA in authority tells how long to cache the absence.
void answerNegative(dns::Response& response, const Zone& zone, std::uint8_t rcode) noexcept {
  response.setRcode(rcode);
  (void)add(response, dns::Section::kAuthority, zone.negativeSoa());
}

// RFC 8482 section 4.1: over UDP one RRset stands for the name, so ANY cannot amplify; over TCP
// every RRset is sent.
void answerAny(dns::Response& response,
               const Zone& zone,
               const Node& node,
               Transport transport) noexcept {
  const auto rrsets = node.rrsets();
  if (rrsets.empty()) {
    answerNegative(response, zone, KNOT_RCODE_NOERROR);
    return;
  }
  const std::size_t count = transport == Transport::kUdp ? 1 : rrsets.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (!add(response, dns::Section::kAnswer, rrsets[i])) {
      return;
    }
  }
}

// Where an alias leads inside the snapshot.
struct AliasTarget {
  const Zone* zone = nullptr;  // null when the target is outside our data
  const Node* node = nullptr;  // null when the target name does not exist in `zone`
};

AliasTarget findAliasTarget(const Snapshot& snapshot, const dns::RRset& cname) noexcept {
  auto target = dns::Name::fromWire(cname.rdata(0));
  if (!target.ok()) {
    return {};
  }
  const dns::Name lower = target->toLower();
  const Zone* zone = snapshot.findZone(lower.wire());
  return zone == nullptr ? AliasTarget{} : AliasTarget{zone, zone->findNode(lower.wire())};
}

// RFC 1034 section 4.3.2 step 3 for an exact match, following CNAMEs through the snapshot; the
// rcode describes the last name of the chain (RFC 6604 section 2).
void answerInZone(const Snapshot& snapshot,
                  const Zone& zone,
                  const dns::Query& query,
                  Transport transport,
                  dns::Response& response) noexcept {
  const std::uint16_t qtype = query.qtype();
  // Limitation: no zone cuts, wildcards or DNAME synthesis (RFC 1034 section 4.3.2 steps 3b and
  // 3c, RFC 6672); a name at or below a delegation is answered from this zone's own data, and a
  // name that only a wildcard or DNAME would cover gets NXDOMAIN.
  AliasTarget at{&zone, zone.findNode(query.qnameLower())};
  std::array<const Node*, kMaxCnameChain> visited{};

  for (std::size_t link = 0;; ++link) {
    if (at.node == nullptr) {
      answerNegative(response, *at.zone, KNOT_RCODE_NXDOMAIN);
      return;
    }
    if (qtype == KNOT_RRTYPE_ANY) {
      answerAny(response, *at.zone, *at.node, transport);
      return;
    }
    if (const dns::RRset* match = at.node->find(qtype); match != nullptr) {
      (void)add(response, dns::Section::kAnswer, *match);
      return;
    }
    const dns::RRset* cname = at.node->find(KNOT_RRTYPE_CNAME);
    if (cname == nullptr) {
      answerNegative(response, *at.zone, KNOT_RCODE_NOERROR);
      return;
    }
    if (!add(response, dns::Section::kAnswer, *cname)) {
      return;
    }

    // Follow the alias while it stays in our data, the chain is short enough and does not loop;
    // otherwise the client resolves the target itself.
    visited[link] = at.node;
    if (link + 1 >= visited.size()) {
      return;
    }
    at = findAliasTarget(snapshot, *cname);
    const auto seen = visited.begin() + static_cast<std::ptrdiff_t>(link + 1);
    if (at.zone == nullptr || std::find(visited.begin(), seen, at.node) != seen) {
      return;
    }
  }
}

void answerQuestion(const Snapshot& snapshot,
                    const dns::Query& query,
                    Transport transport,
                    dns::Response& response) noexcept {
  if (query.qclass() != KNOT_CLASS_IN) {
    response.setRcode(KNOT_RCODE_REFUSED);
    return;
  }
  const std::uint16_t qtype = query.qtype();
  if (qtype == KNOT_RRTYPE_AXFR || qtype == KNOT_RRTYPE_IXFR) {
    // Limitation: zone transfers are not implemented yet; AXFR and IXFR get NOTIMP.
    response.setRcode(KNOT_RCODE_NOTIMPL);
    return;
  }
  const Zone* zone = snapshot.findZone(query.qnameLower());
  if (zone == nullptr) {
    response.setRcode(KNOT_RCODE_REFUSED);
    return;
  }
  // Limitation: a TSIG-signed query is answered unsigned; TSIG (RFC 8945) is not implemented.
  response.setAuthoritative();
  answerInZone(snapshot, *zone, query, transport, response);
}

}  // namespace

std::size_t answerQuery(const Snapshot& snapshot,
                        std::span<const std::uint8_t> query,
                        std::span<std::uint8_t> out,
                        Transport transport) noexcept {
  alignas(std::max_align_t) std::array<std::byte, kArenaBytes> buffer;
  dns::Arena arena(buffer);
  return answerQuery(snapshot, query, out, transport, arena);
}

std::size_t answerQuery(const Snapshot& snapshot,
                        std::span<const std::uint8_t> query,
                        std::span<std::uint8_t> out,
                        Transport transport,
                        dns::Arena& arena) noexcept {
  // Nothing to send without a header, without room, or to a response (that invites loops).
  if (query.size() < KNOT_WIRE_HEADER_SIZE || out.size() < KNOT_WIRE_HEADER_SIZE ||
      knot_wire_get_qr(query.data()) != 0) {
    return 0;
  }
  if (knot_wire_get_opcode(query.data()) != KNOT_OPCODE_QUERY) {
    return answerHeaderOnly(query, out, KNOT_RCODE_NOTIMPL);
  }
  if (knot_wire_get_qdcount(query.data()) != 1) {
    return answerHeaderOnly(query, out, KNOT_RCODE_FORMERR);
  }
  auto parsed = dns::Query::parse(query, arena);
  if (!parsed.ok()) {
    return answerHeaderOnly(query, out, KNOT_RCODE_FORMERR);
  }

  std::optional<dns::EdnsReply> edns;
  if (parsed->hasEdns()) {
    edns = dns::EdnsReply{kEdnsUdpPayload, parsed->ednsDnssecOk()};
  }
  const std::size_t limit = responseLimit(*parsed, transport, out.size());
  auto response = dns::Response::create(out.first(limit), *parsed, arena, edns);
  if (!response.ok()) {
    return 0;
  }

  if (parsed->hasEdns() && parsed->ednsVersion() != KNOT_EDNS_VERSION) {
    response->setRcode(KNOT_RCODE_BADVERS);  // RFC 6891 section 6.1.3
  } else {
    answerQuestion(snapshot, *parsed, transport, *response);
  }
  return response->finish();
}

}  // namespace holdfast::zone
