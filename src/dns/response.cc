// Response: header flags, record sections, truncation and the OPT record.
#include "dns/response.h"

#include <algorithm>
#include <cstring>

namespace holdfast::dns {

namespace {

knot_section_t toKnot(Section section) noexcept {
  switch (section) {
    case Section::kAnswer:
      return KNOT_ANSWER;
    case Section::kAuthority:
      return KNOT_AUTHORITY;
    case Section::kAdditional:
      return KNOT_ADDITIONAL;
  }
  return KNOT_ADDITIONAL;
}

// libknot's record structures hold non-const owner pointers, but writing a packet only reads
// them.
knot_dname_t* writableName(std::span<const std::uint8_t> name) noexcept {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): libknot only reads the name
  return const_cast<knot_dname_t*>(name.data());
}

std::uint16_t optWireSize(knot_rrset_t* opt) noexcept {
  return opt == nullptr ? 0 : static_cast<std::uint16_t>(knot_edns_wire_size(opt));
}

}  // namespace

Response::Response(knot_pkt_t* pkt, const Query& query, Arena& arena, knot_rrset_t* opt) noexcept
    : pkt_(pkt), query_(&query), arena_(&arena), opt_(opt) {}

Result<Response> Response::create(std::span<std::uint8_t> out,
                                  const Query& query,
                                  Arena& arena,
                                  std::optional<EdnsReply> edns) {
  const auto size = static_cast<std::uint16_t>(std::min<std::size_t>(out.size(), 65535));
  knot_pkt_t* pkt = knot_pkt_new(out.data(), size, arena.mm());
  if (pkt == nullptr) {
    return makeError(Errc::kInternal, "out of memory");
  }

  knot_rrset_t* opt = nullptr;
  if (edns.has_value()) {
    opt = static_cast<knot_rrset_t*>(arena.allocate(sizeof(knot_rrset_t)));
    if (opt == nullptr ||
        knot_edns_init(opt, edns->payload, 0, KNOT_EDNS_VERSION, arena.mm()) != KNOT_EOK) {
      knot_pkt_free(pkt);
      return makeError(Errc::kInternal, "out of memory");
    }
    if (edns->dnssec_ok) {
      knot_edns_set_do(opt);
    }
    if (!edns->nsid.empty() && knot_edns_add_option(opt, KNOT_EDNS_OPTION_NSID,
                                                    static_cast<std::uint16_t>(edns->nsid.size()),
                                                    edns->nsid.data(), arena.mm()) != KNOT_EOK) {
      knot_pkt_free(pkt);
      return makeError(Errc::kInternal, "out of memory");
    }
  }

  Response response(pkt, query, arena, opt);
  if (knot_pkt_init_response(pkt, &query.knot()) != KNOT_EOK ||
      knot_pkt_reserve(pkt, optWireSize(opt)) != KNOT_EOK) {
    return makeError(Errc::kInvalidArgument, "response buffer too small for the question");
  }
  // libknot keeps the query's header bits; an RCODE is something only a response carries.
  knot_wire_set_rcode(pkt->wire, KNOT_RCODE_NOERROR);
  return response;
}

void Response::setRcode(std::uint16_t rcode) noexcept {
  rcode_ = rcode;
  knot_wire_set_rcode(pkt_->wire, static_cast<short>(KNOT_EDNS_RCODE_LO(rcode)));
}

void Response::setAuthoritative() noexcept {
  authoritative_ = true;
  knot_wire_set_aa(pkt_->wire);
}

PutResult Response::put(Section section, const RRset& rrset) noexcept {
  return putKnot(section, rrset.knot());
}

PutResult Response::put(Section section,
                        const RRset& rrset,
                        std::span<const std::uint8_t> owner) noexcept {
  // A shallow copy: only the owner pointer differs, the records stay where the RRset keeps them.
  knot_rrset_t renamed = rrset.knot();
  renamed.owner = writableName(owner);
  return putKnot(section, renamed);
}

PutResult Response::put(Section section, const RecordView& record) noexcept {
  if (record.rdata.size() > KNOT_RDATA_MAXLEN) {
    return PutResult::kError;
  }
  const auto owner = keep(record.owner);
  if (owner.empty()) {
    return PutResult::kError;
  }

  knot_rrset_t rr;
  knot_rrset_init(&rr, writableName(owner), record.rrtype, record.rrclass, record.ttl_seconds);
  if (knot_rrset_add_rdata(&rr, record.rdata.data(),
                           static_cast<std::uint16_t>(record.rdata.size()),
                           arena_->mm()) != KNOT_EOK) {
    return PutResult::kError;
  }
  return putKnot(section, rr);
}

PutResult Response::putKnot(Section section, const knot_rrset_t& rr) noexcept {
  if (knot_pkt_begin(pkt_.get(), toKnot(section)) != KNOT_EOK) {
    return PutResult::kError;
  }

  // An owner equal to the question name points at the question, keeping the client's case.
  const bool owner_is_qname =
      query_->hasQuestion() && knot_dname_is_case_equal(rr.owner, query_->qnameLower().data());
  const std::uint16_t hint = owner_is_qname ? KNOT_COMPR_HINT_QNAME : KNOT_COMPR_HINT_NONE;

  // A put that fails part-way may leave the compression suffix pointing into the octets it
  // wrote past the packet's end; the next put would then compress against stale bytes and can
  // loop on them for ever. The packet keeps its old size, so the old suffix is the right one.
  const auto suffix = pkt_->compr.suffix;
  const int ret = knot_pkt_put(pkt_.get(), hint, &rr, KNOT_PF_NOTRUNC);
  if (ret != KNOT_EOK) {
    pkt_->compr.suffix = suffix;
  }
  if (ret == KNOT_ESPACE) {
    return PutResult::kNoSpace;
  }
  return ret == KNOT_EOK ? PutResult::kOk : PutResult::kError;
}

std::span<const std::uint8_t> Response::keep(std::span<const std::uint8_t> bytes) noexcept {
  auto* copy = static_cast<std::uint8_t*>(arena_->allocate(bytes.size()));
  if (copy == nullptr) {
    return {};
  }
  std::memcpy(copy, bytes.data(), bytes.size());
  return {copy, bytes.size()};
}

void Response::clearRecords() noexcept {
  // Re-initialising from the query keeps header and question and forgets every record; it also
  // clears the flags, which are then set again.
  const bool truncated = knot_wire_get_tc(pkt_->wire) != 0;
  (void)knot_pkt_init_response(pkt_.get(), &query_->knot());
  (void)knot_pkt_reserve(pkt_.get(), optWireSize(opt_));
  setRcode(rcode_);
  if (authoritative_) {
    knot_wire_set_aa(pkt_->wire);
  }
  if (truncated) {
    knot_wire_set_tc(pkt_->wire);
  }
}

void Response::truncate() noexcept {
  clearRecords();
  knot_wire_set_tc(pkt_->wire);
}

std::size_t Response::finish() noexcept {
  if (opt_ != nullptr) {
    knot_edns_set_ext_rcode(opt_, static_cast<std::uint8_t>(KNOT_EDNS_RCODE_HI(rcode_)));
    const std::uint16_t opt_size = optWireSize(opt_);
    if (knot_pkt_begin(pkt_.get(), KNOT_ADDITIONAL) == KNOT_EOK &&
        knot_pkt_reclaim(pkt_.get(), opt_size) == KNOT_EOK) {
      (void)knot_pkt_put(pkt_.get(), KNOT_COMPR_HINT_NONE, opt_, KNOT_PF_NOTRUNC);
    }
  }
  return pkt_->size;
}

}  // namespace holdfast::dns
