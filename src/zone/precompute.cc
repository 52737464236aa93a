// Precomputer: direct encoding of records without names, answerFull for the others.
#include <algorithm>
#include <array>
#include <cstring>

#include "dns/arena.h"
#include "dns/knot.h"
#include "dns/name.h"
#include "zone/answer_internal.h"
#include "zone/precompute_internal.h"

namespace holdfast::zone {

namespace {

constexpr std::size_t kHeaderSize = 12;

// A record's owner, TYPE, CLASS, TTL and RDLENGTH when the owner is a pointer to the question.
constexpr std::size_t kRecordOverhead = 2 + 2 + 2 + 4 + 2;

// A compression pointer to the question name at offset 12 (RFC 1035 section 4.1.4).
constexpr std::array<std::uint8_t, 2> kPointerToQname = {0xc0, 0x0c};

// The body of an answer of one A record: a record of 16 octets.
constexpr std::size_t kTypicalBody = kRecordOverhead + 4;

// libknot working memory for one synthetic answer; larger answers spill to the heap.
constexpr std::size_t kArenaBytes = 16384;

// Header octets 2 and 3 of a reply that answerPrecomputed can reproduce: QR and AA set,
// NOERROR, nothing else (the synthetic query has RD and CD clear).
constexpr std::uint8_t kAuthoritativeReply = 0x84;

void writeU32(std::uint8_t* at, std::uint32_t value) noexcept {
  knot_wire_write_u16(at, static_cast<std::uint16_t>(value >> 16));
  knot_wire_write_u16(at + 2, static_cast<std::uint16_t>(value & 0xffff));
}

// Whether libknot writes the data of `rrtype` as is: no block of its descriptors is a name,
// which would be compressed or checked (NAPTR holds one after its header).
bool hasPlainRdata(std::uint16_t rrtype) noexcept {
  for (const knot_rdata_descriptor_t* descriptor :
       {knot_get_rdata_descriptor(rrtype), knot_get_obsolete_rdata_descriptor(rrtype)}) {
    for (const int block : descriptor->block_types) {
      if (block == KNOT_RDATA_WF_END) {
        break;
      }
      if (block < 0 && block != KNOT_RDATA_WF_REMAINDER) {
        return false;
      }
    }
  }
  return true;
}

const knot_rdata_t* nextRdata(const knot_rdata_t* rdata) noexcept {
  return reinterpret_cast<const knot_rdata_t*>(reinterpret_cast<const std::uint8_t*>(rdata) +
                                               knot_rdata_size(rdata->len));
}

// The answer section of `rrset` with every owner a pointer to the question, as libknot writes it.
std::size_t encodedSize(const knot_rrset_t& rrset) noexcept {
  std::size_t size = 0;
  const knot_rdata_t* rdata = rrset.rrs.rdata;
  for (std::uint16_t i = 0; i < rrset.rrs.count; ++i, rdata = nextRdata(rdata)) {
    size += kRecordOverhead + rdata->len;
  }
  return size;
}

void encode(const knot_rrset_t& rrset, std::span<std::uint8_t> body) noexcept {
  std::uint8_t* at = body.data();
  const knot_rdata_t* rdata = rrset.rrs.rdata;
  for (std::uint16_t i = 0; i < rrset.rrs.count; ++i, rdata = nextRdata(rdata)) {
    std::memcpy(at, kPointerToQname.data(), kPointerToQname.size());
    knot_wire_write_u16(at + 2, rrset.type);
    knot_wire_write_u16(at + 4, rrset.rclass);
    writeU32(at + 6, rrset.ttl);
    knot_wire_write_u16(at + 10, rdata->len);
    std::memcpy(at + kRecordOverhead, rdata->data, rdata->len);
    at += kRecordOverhead + rdata->len;
  }
}

// A query for `name` (lowercase, or uppercased when `upper`) and `rrtype`, class IN, ID 0, no
// flags, no EDNS.
void makeQuery(std::span<const std::uint8_t> name,
               std::uint16_t rrtype,
               bool upper,
               std::vector<std::uint8_t>& query) {
  query.assign(kHeaderSize, 0);
  query[5] = 1;  // QDCOUNT
  for (const std::uint8_t c : name) {
    query.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<std::uint8_t>(c - ('a' - 'A')) : c);
  }
  const std::array<std::uint8_t, 4> tail = {static_cast<std::uint8_t>(rrtype >> 8),
                                            static_cast<std::uint8_t>(rrtype & 0xff), 0,
                                            KNOT_CLASS_IN};
  query.insert(query.end(), tail.begin(), tail.end());
}

// Whether answerPrecomputed can send `reply` (to a lowercase question whose sections start at
// `body_at`) for any case of the question: authoritative NOERROR without TC, the answer's owner
// a pointer to the question, and `other` (the reply to the uppercase question) alike past it.
bool reproducible(std::span<const std::uint8_t> reply,
                  std::span<const std::uint8_t> other,
                  std::size_t body_at) noexcept {
  if (reply.size() < body_at + kPointerToQname.size() || reply.size() != other.size() ||
      reply[2] != kAuthoritativeReply || reply[3] != 0) {
    return false;
  }
  const auto body = reply.subspan(body_at);
  return std::equal(reply.begin() + 2, reply.begin() + kHeaderSize, other.begin() + 2) &&
         std::equal(body.begin(), body.end(), other.subspan(body_at).begin()) &&
         std::equal(kPointerToQname.begin(), kPointerToQname.end(), body.begin());
}

}  // namespace

void Precomputer::prepare(Zone& zone) {
  // Room for one address record per RRset, the common case; a second walk over every RRset to
  // size the arena exactly would cost more than growing it the few times it needs to.
  // An eighth more for the apex and other larger answers.
  std::size_t guess = zone.rrsets_.size() * (PrecomputedAnswers::kEntryHeader + kTypicalBody);
  guess += guess / 8;
  zone.answers_.reset(zone.rrsets_.size(), std::min(guess, kBudgetOctets));
}

void Precomputer::storeManaged(Zone& zone, std::span<const std::uint32_t> managed) {
  findNested(zone);
  std::array<std::uint8_t, dns::Name::kMaxWireSize> lower;
  for (const std::uint32_t index : managed) {
    const knot_dname_t* owner = zone.rrsets_[index].knot().owner;
    const std::size_t size = knot_dname_size(owner);
    dns::lowerWire({owner, size}, lower.data());
    if (const Node* node = zone.findNode({lower.data(), size}); node != nullptr) {
      store(zone, *node, index);
    }
  }
}

void Precomputer::storeStatic(Zone& zone) {
  findNested(zone);
  for (const Node& node : zone.nodes_.nodes()) {
    for (const dns::RRset& rrset : node.rrsets()) {
      const auto index = static_cast<std::size_t>(&rrset - zone.rrsets_.data());
      if (!zone.answers_.find(index).has_value()) {
        store(zone, node, index);
      }
    }
  }
  zone.answers_.shrinkToFit();
}

void Precomputer::store(Zone& zone, const Node& node, std::size_t rrset_index) {
  const std::uint16_t rrtype = zone.rrsets_[rrset_index].type();
  if (rrtype == KNOT_RRTYPE_DS || node.delegation() != nullptr || !answeredHere(zone, node)) {
    return;
  }
  // What is not stored (over a limit, or not reproducible by the fast path) the full path answers.
  if (hasPlainRdata(rrtype)) {
    storeEncoded(zone, rrset_index);
  } else {
    storeSynthesized(zone, node, rrset_index);
  }
}

void Precomputer::storeEncoded(Zone& zone, std::size_t rrset_index) {
  const knot_rrset_t& rrset = zone.rrsets_[rrset_index].knot();
  const std::size_t size = encodedSize(rrset);
  if (used_octets_ + PrecomputedAnswers::kEntryHeader + size > kBudgetOctets) {
    return;
  }
  const auto body = zone.answers_.add(rrset_index, rrset.rrs.count, 0, 0, size);
  if (body.empty()) {
    return;
  }
  encode(rrset, body);
  used_octets_ += PrecomputedAnswers::kEntryHeader + size;
}

void Precomputer::storeSynthesized(Zone& zone, const Node& node, std::size_t rrset_index) {
  if (synthesis_runs_ >= kMaxSynthesized) {
    return;
  }
  ++synthesis_runs_;
  replies_.resize(2 * KNOT_WIRE_MAX_PKTSIZE);
  arena_.resize(kArenaBytes);
  const auto name = zone.nodes_.name(node);
  const std::uint16_t rrtype = zone.rrsets_[rrset_index].type();

  // The same reply for a lowercase and an uppercase question: nothing in it depends on the case.
  std::array<std::span<const std::uint8_t>, 2> replies;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    makeQuery(name, rrtype, i == 1, query_);
    const std::span<std::uint8_t> out(replies_.data() + i * KNOT_WIRE_MAX_PKTSIZE,
                                      KNOT_WIRE_MAX_PKTSIZE);
    dns::Arena arena(arena_);
    replies[i] = out.first(answerFull(snapshot_, query_, out, Transport::kTcp, arena));
  }
  const std::size_t body_at = kHeaderSize + name.size() + 4;
  if (!reproducible(replies[0], replies[1], body_at)) {
    return;
  }

  const std::span<const std::uint8_t> reply = replies[0];
  const auto body = reply.subspan(body_at);
  if (used_octets_ + PrecomputedAnswers::kEntryHeader + body.size() > kBudgetOctets) {
    return;
  }
  const auto stored = zone.answers_.add(rrset_index, knot_wire_read_u16(reply.data() + 6),
                                        knot_wire_read_u16(reply.data() + 8),
                                        knot_wire_read_u16(reply.data() + 10), body.size());
  if (stored.empty()) {
    return;
  }
  std::copy(body.begin(), body.end(), stored.begin());
  used_octets_ += PrecomputedAnswers::kEntryHeader + body.size();
}

void Precomputer::findNested(const Zone& zone) noexcept {
  nested_ = false;
  for (const auto& [key, other] : snapshot_.zones_) {
    if (&other != &zone && other.apex().isSubdomainOf(zone.apex())) {
      nested_ = true;
    }
  }
}

bool Precomputer::answeredHere(const Zone& zone, const Node& node) const noexcept {
  return !nested_ || snapshot_.findZone(zone.nodes_.name(node)) == &zone;
}

}  // namespace holdfast::zone
