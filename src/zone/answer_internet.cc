// Class IN answers: RFC 1034 section 4.3.2 steps 2 to 6, one link of a CNAME or DNAME chain at a
// time.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/knot.h"
#include "dns/name.h"
#include "dns/zone_contents.h"
#include "zone/answer_internal.h"
#include "zone/answer_writer_internal.h"
#include "zone/lookup.h"

namespace holdfast::zone {

namespace {

// The name being resolved at one link of the chain.
struct Cursor {
  const Zone* zone = nullptr;
  dns::Name name;                       // as received or as written in the alias, case kept
  std::span<const std::uint8_t> owner;  // `name` in memory that outlives the response
};

enum class Next {
  kStop,    // the answer is complete
  kFollow,  // an alias changed the name: go on with the cursor (RFC 1034 step 3a)
};

// Answers one question; lives on the stack for one answer.
class Resolver {
public:
  Resolver(const Snapshot& snapshot,
           const dns::Query& query,
           Transport transport,
           dns::Response& response) noexcept
      : snapshot_(snapshot),
        qtype_(query.qtype()),
        transport_(transport),
        response_(response),
        writer_(response) {}

  void run(Cursor cursor) noexcept;

private:
  [[nodiscard]] Next step(Cursor& cursor, std::size_t link) noexcept;
  [[nodiscard]] Next atNode(Cursor& cursor,
                            const Node& node,
                            std::span<const std::uint8_t> owner) noexcept;
  [[nodiscard]] Next throughDname(Cursor& cursor, const Node& node) noexcept;
  void answerAny(const Zone& zone, const Node& node, std::span<const std::uint8_t> owner) noexcept;
  [[nodiscard]] bool visit(const dns::Name& lower) noexcept;

  const Snapshot& snapshot_;
  const std::uint16_t qtype_;
  const Transport transport_;
  dns::Response& response_;
  AnswerWriter writer_;
  std::array<dns::Name, kMaxCnameChain + 1> visited_{};  // lowercased names of the chain
  std::size_t visited_count_ = 0;
  bool may_follow_ = true;  // false at the last link: its aliases are not written
};

void Resolver::run(Cursor cursor) noexcept {
  // kMaxCnameChain aliases are followed; the name the last one leads to is answered too, unless
  // it is an alias itself.
  for (std::size_t link = 0; link <= kMaxCnameChain; ++link) {
    may_follow_ = link < kMaxCnameChain;
    if (step(cursor, link) == Next::kStop || writer_.finished()) {
      break;
    }
    // RFC 1034 step 3a goes back to step 2: the target may be in any zone of ours. One that is
    // not is left to the client.
    const dns::Name lower = cursor.name.toLower();
    cursor.zone = snapshot_.findZone(lower.wire());
    if (cursor.zone == nullptr) {
      break;
    }
  }
  writer_.addAdditional();
}

Next Resolver::step(Cursor& cursor, std::size_t link) noexcept {
  // A name met before closes a loop (RFC 1034 section 3.6.2): the chain ends at the alias that
  // led back, as if its target did not exist in our data.
  const dns::Name lower = cursor.name.toLower();
  if (!visit(lower)) {
    return Next::kStop;
  }
  const Match match = lookup(*cursor.zone, lower.wire(), qtype_);

  // AA describes the name in the question, the first owner in the answer (RFC 1035 section
  // 4.1.1): a referral is not authoritative, a referral reached through an alias keeps the AA
  // the alias set.
  if (link == 0 && match.kind != MatchKind::kReferral) {
    response_.setAuthoritative();
  }
  switch (match.kind) {
    case MatchKind::kReferral:
      writer_.addReferral(*match.node);
      return Next::kStop;
    case MatchKind::kNxdomain:
      writer_.addNegative(*cursor.zone, KNOT_RCODE_NXDOMAIN);
      return Next::kStop;
    case MatchKind::kDname:
      return throughDname(cursor, *match.node);
    case MatchKind::kExact:
      return atNode(cursor, *match.node, {});
    case MatchKind::kWildcard:
      // RFC 4592 section 3.3.1: the synthesized RRsets are owned by the name asked for.
      return atNode(cursor, *match.node, cursor.owner);
  }
  return Next::kStop;
}

Next Resolver::atNode(Cursor& cursor,
                      const Node& node,
                      std::span<const std::uint8_t> owner) noexcept {
  if (qtype_ == KNOT_RRTYPE_ANY) {
    answerAny(*cursor.zone, node, owner);
    return Next::kStop;
  }
  if (const dns::RRset* rrset = node.find(qtype_); rrset != nullptr) {
    (void)writer_.add(dns::Section::kAnswer, node, *rrset, owner);
    return Next::kStop;
  }
  // RRSIG and NSEC may sit beside a CNAME and belong to its owner (RFC 4035 section 2.5), so a
  // question for them is answered at the name and not chased.
  const dns::RRset* cname = dns::mayAccompanyCname(qtype_) ? nullptr : node.find(KNOT_RRTYPE_CNAME);
  if (cname == nullptr) {
    writer_.addNegative(*cursor.zone, KNOT_RCODE_NOERROR);
    return Next::kStop;
  }
  if (!may_follow_ || !writer_.add(dns::Section::kAnswer, node, *cname, owner)) {
    return Next::kStop;
  }
  const auto target = cname->rdata(0);
  auto name = dns::Name::fromWire(target);
  if (!name.ok()) {
    return Next::kStop;
  }
  cursor.name = *name;
  cursor.owner = target;
  return Next::kFollow;
}

Next Resolver::throughDname(Cursor& cursor, const Node& node) noexcept {
  const dns::RRset* dname = node.find(KNOT_RRTYPE_DNAME);
  // Written once even when the chain passes the DNAME again.
  if (!may_follow_ || !writer_.add(dns::Section::kAnswer, node, *dname)) {
    return Next::kStop;
  }
  auto target = dns::Name::fromWire(dname->rdata(0));
  if (!target.ok()) {
    return Next::kStop;
  }

  // RFC 6672 section 2.2: the owner's suffix is replaced by the target; a name that grows past
  // 255 octets is YXDOMAIN, with the DNAME alone in the answer. The new name is lowercase, as
  // the names it will be compressed against mostly are.
  const auto synthesized = cursor.name.toLower().replaceSuffix(dname->owner(), *target);
  if (!synthesized.has_value()) {
    response_.setRcode(KNOT_RCODE_YXDOMAIN);
    return Next::kStop;
  }

  // Section 3.1: the synthesized CNAME carries the DNAME's TTL.
  const dns::RecordView cname{cursor.owner, KNOT_RRTYPE_CNAME, KNOT_CLASS_IN, dname->ttl(),
                              synthesized->wire()};
  if (!writer_.add(dns::Section::kAnswer, cname)) {
    return Next::kStop;
  }

  // For QTYPE CNAME the synthesized CNAME is the answer (RFC 1034 section 4.3.2 step 3a does not
  // chase a CNAME that matches the question).
  if (qtype_ == KNOT_RRTYPE_CNAME) {
    return Next::kStop;
  }
  cursor.owner = response_.keep(synthesized->wire());
  cursor.name = *synthesized;
  return cursor.owner.empty() ? Next::kStop : Next::kFollow;
}

// RFC 8482 section 4.1: over UDP one RRset stands for the name, so ANY cannot amplify; over TCP
// every RRset is sent. A CNAME at the name is the answer itself: ANY is not chased.
void Resolver::answerAny(const Zone& zone,
                         const Node& node,
                         std::span<const std::uint8_t> owner) noexcept {
  const auto rrsets = node.rrsets();
  if (rrsets.empty()) {
    writer_.addNegative(zone, KNOT_RCODE_NOERROR);
    return;
  }
  const std::size_t count = transport_ == Transport::kUdp ? 1 : rrsets.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (!writer_.add(dns::Section::kAnswer, node, rrsets[i], owner)) {
      return;
    }
  }
}

bool Resolver::visit(const dns::Name& lower) noexcept {
  for (std::size_t i = 0; i < visited_count_; ++i) {
    if (visited_[i] == lower) {
      return false;
    }
  }
  if (visited_count_ < visited_.size()) {
    visited_[visited_count_++] = lower;
  }
  return true;
}

// The zone to answer from. DS belongs to the parent side of a cut (RFC 4035 section 3.1.4.1), so
// a DS question for the apex of one of our zones goes to the zone above it when we serve that.
const Zone* zoneFor(const Snapshot& snapshot, const dns::Query& query) noexcept {
  const auto qname = query.qnameLower();
  if (query.qtype() == KNOT_RRTYPE_DS && qname.size() > 1) {
    if (const Zone* parent = snapshot.findZone(dns::wireParent(qname)); parent != nullptr) {
      return parent;
    }
  }
  return snapshot.findZone(qname);
}

}  // namespace

void answerInternet(const Snapshot& snapshot,
                    const dns::Query& query,
                    Transport transport,
                    dns::Response& response) noexcept {
  const std::uint16_t qtype = query.qtype();
  if (qtype == KNOT_RRTYPE_AXFR || qtype == KNOT_RRTYPE_IXFR) {
    // Limitation: zone transfers are not implemented yet; AXFR and IXFR get NOTIMP.
    response.setRcode(KNOT_RCODE_NOTIMPL);
    return;
  }
  const Zone* zone = zoneFor(snapshot, query);
  auto qname = dns::Name::fromWire(query.qnameWire());
  if (zone == nullptr || !qname.ok()) {
    response.setRcode(KNOT_RCODE_REFUSED);
    return;
  }
  // Limitation: a TSIG-signed query is answered unsigned; TSIG (RFC 8945) is not implemented.
  // Limitation: DNSSEC records in a zone are served as plain data: DO adds no RRSIGs and no
  // NSEC proofs (RFC 4035 section 3.1); signing is not implemented, so zones are served unsigned.
  Resolver resolver(snapshot, query, transport, response);
  resolver.run(Cursor{zone, *qname, query.qnameWire()});
}

void answerChaos(const Snapshot& snapshot,
                 const dns::Query& query,
                 dns::Response& response) noexcept {
  const dns::RRset* txt =
      query.qtype() == KNOT_RRTYPE_TXT ? snapshot.chaosTxt(query.qnameLower()) : nullptr;
  if (txt == nullptr) {
    response.setRcode(KNOT_RCODE_REFUSED);
    return;
  }
  switch (response.put(dns::Section::kAnswer, *txt, query.qnameWire())) {
    case dns::PutResult::kOk:
      return;
    case dns::PutResult::kNoSpace:
      response.truncate();
      return;
    case dns::PutResult::kError:
      response.setRcode(KNOT_RCODE_SERVFAIL);
      response.clearRecords();
      return;
  }
}

}  // namespace holdfast::zone
