// The answer algorithm's entry: header checks, EDNS and size limits, then the class-specific
// answer (answer_internet.cc).
#include "zone/answer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "dns/knot.h"
#include "dns/name.h"
#include "dns/query.h"
#include "dns/response.h"
#include "zone/answer_internal.h"

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

void answerQuestion(const Snapshot& snapshot,
                    const dns::Query& query,
                    Transport transport,
                    dns::Response& response) noexcept {
  switch (query.qclass()) {
    case KNOT_CLASS_IN:
      answerInternet(snapshot, query, transport, response);
      return;
    case KNOT_CLASS_CH:
      answerChaos(snapshot, query, response);
      return;
    default:
      response.setRcode(KNOT_RCODE_REFUSED);
      return;
  }
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
  if (const std::size_t size = answerPrecomputed(snapshot, query, out, transport); size != 0) {
    return size;
  }
  return answerFull(snapshot, query, out, transport, arena);
}

std::size_t answerFull(const Snapshot& snapshot,
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
    edns = dns::EdnsReply{kEdnsUdpPayload, parsed->ednsDnssecOk(), {}};
    // RFC 5001 section 2.1: NSID only to a client that asked for it.
    if (parsed->hasEdnsOption(KNOT_EDNS_OPTION_NSID)) {
      edns->nsid = snapshot.nsid();
    }
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
