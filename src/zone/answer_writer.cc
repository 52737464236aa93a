// AnswerWriter: section writing, truncation and additional section processing.
#include "dns/knot.h"
#include "zone/answer_writer_internal.h"

namespace holdfast::zone {

namespace {

std::span<const std::uint8_t> ownerOf(const dns::RRset& rrset) noexcept {
  const knot_dname_t* owner = rrset.knot().owner;
  return {owner, knot_dname_size(owner)};
}

}  // namespace

bool AnswerWriter::add(dns::Section section,
                       const Node& node,
                       const dns::RRset& rrset,
                       std::span<const std::uint8_t> owner) noexcept {
  if (finished_) {
    return false;
  }
  const Written entry{&node, &rrset, owner.empty() ? ownerOf(rrset) : owner, false};
  if (wasWritten(rrset, entry.owner)) {
    return true;
  }
  if (!putRRset(section, entry, Need::kRequired)) {
    return false;
  }
  remember(entry);
  return true;
}

bool AnswerWriter::add(dns::Section section, const dns::RecordView& record) noexcept {
  if (finished_) {
    return false;
  }
  const dns::PutResult result = response_.put(section, record);
  if (result != dns::PutResult::kOk) {
    fail(result);
    return false;
  }
  return true;
}

void AnswerWriter::addReferral(const Node& cut) noexcept {
  const dns::RRset* ns = cut.find(KNOT_RRTYPE_NS);
  if (finished_ || ns == nullptr) {
    return;
  }
  const Written entry{&cut, ns, ownerOf(*ns), true};
  if (putRRset(dns::Section::kAuthority, entry, Need::kRequired)) {
    remember(entry);
  }
}

void AnswerWriter::addNegative(const Zone& zone, std::uint16_t rcode) noexcept {
  response_.setRcode(rcode);
  if (finished_) {
    return;
  }
  const Written entry{nullptr, &zone.negativeSoa(), ownerOf(zone.negativeSoa()), false};
  (void)putRRset(dns::Section::kAuthority, entry, Need::kRequired);
}

void AnswerWriter::addAdditional() noexcept {
  // Only what answer and authority hold; the additional records need no processing of their own.
  answer_count_ = written_count_;
  for (std::size_t i = 0; i < answer_count_ && !finished_; ++i) {
    addAdditionalFor(written_[i]);
  }
}

void AnswerWriter::addAdditionalFor(const Written& entry) noexcept {
  if (entry.node == nullptr) {
    return;
  }
  for (const AdditionalTarget& target : entry.node->additional(*entry.rrset)) {
    // In-domain glue is what lets a resolver reach the child at all; everything else is a
    // convenience that is dropped when space runs out.
    const Need need = entry.referral && target.in_domain ? Need::kRequired : Need::kOptional;
    for (const dns::RRset* rrset : {target.a, target.aaaa}) {
      if (rrset == nullptr) {
        continue;
      }
      const Written glue{nullptr, rrset, target.from_wildcard ? target.name : ownerOf(*rrset),
                         false};
      if (wasWritten(*rrset, glue.owner)) {
        continue;
      }
      if (putRRset(dns::Section::kAdditional, glue, need)) {
        remember(glue);
      } else if (finished_) {
        return;
      }
    }
  }
}

bool AnswerWriter::wasWritten(const dns::RRset& rrset,
                              std::span<const std::uint8_t> owner) const noexcept {
  for (std::size_t i = 0; i < written_count_; ++i) {
    if (written_[i].rrset == &rrset &&
        knot_dname_is_case_equal(written_[i].owner.data(), owner.data())) {
      return true;
    }
  }
  return false;
}

bool AnswerWriter::putRRset(dns::Section section, const Written& entry, Need need) noexcept {
  const bool own_owner = entry.owner.data() == entry.rrset->knot().owner;
  const dns::PutResult result = own_owner ? response_.put(section, *entry.rrset)
                                          : response_.put(section, *entry.rrset, entry.owner);
  if (result == dns::PutResult::kOk) {
    return true;
  }
  if (result == dns::PutResult::kNoSpace && need == Need::kOptional) {
    return false;
  }
  fail(result);
  return false;
}

void AnswerWriter::remember(const Written& entry) noexcept {
  if (written_count_ < written_.size()) {
    written_[written_count_++] = entry;
  }
}

void AnswerWriter::fail(dns::PutResult result) noexcept {
  finished_ = true;
  if (result == dns::PutResult::kNoSpace) {
    response_.truncate();
    return;
  }
  response_.setRcode(KNOT_RCODE_SERVFAIL);
  response_.clearRecords();
}

}  // namespace holdfast::zone
