// AnswerWriter: fills the sections of one response and runs additional section processing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/response.h"
#include "dns/rrset.h"
#include "zone/snapshot.h"

namespace holdfast::zone {

// Writes answer, authority and additional records into a Response, remembering each RRset it
// wrote so that additional section processing (RFC 1034 section 4.3.2 step 6) can follow them
// and no RRset is written twice. An RRset that does not fit in the answer or authority section
// truncates the response (TC, no records: RFC 2181 section 9 never splits an RRset); additional
// records that do not fit are left out, except in-domain glue of a referral (RFC 9471 section
// 3.1). Lives on the stack of one answer; never allocates.
class AnswerWriter {
public:
  explicit AnswerWriter(dns::Response& response) noexcept : response_(response) {}

  AnswerWriter(const AnswerWriter&) = delete;
  AnswerWriter& operator=(const AnswerWriter&) = delete;

  // Adds `rrset`, one of `node`'s RRsets, written with `owner` when it is not empty (a wildcard
  // answer, RFC 4592 section 3.3.1). Returns false when the response is complete: the RRset did
  // not fit (TC) or writing failed (SERVFAIL).
  [[nodiscard]] bool add(dns::Section section,
                         const Node& node,
                         const dns::RRset& rrset,
                         std::span<const std::uint8_t> owner = {}) noexcept;

  // Adds a record built while answering (a CNAME synthesized from a DNAME). Same result as add().
  [[nodiscard]] bool add(dns::Section section, const dns::RecordView& record) noexcept;

  // The NS RRset of the cut `cut` into the authority section, marking its in-domain glue as
  // required (RFC 1034 section 4.3.2 step 3b, RFC 9471 section 3.1).
  void addReferral(const Node& cut) noexcept;

  // NODATA (NOERROR) or NXDOMAIN: `zone`'s SOA in the authority section with the negative TTL
  // (RFC 2308 sections 2.1, 2.2 and 3).
  void addNegative(const Zone& zone, std::uint16_t rcode) noexcept;

  // A and AAAA records of the in-zone targets of every NS, MX and SRV RRset written so far, in
  // the additional section. Call once, last.
  void addAdditional() noexcept;

  // Whether the response is complete because of truncation or an error.
  [[nodiscard]] bool finished() const noexcept { return finished_; }

private:
  struct Written {
    const Node* node = nullptr;  // null for records built while answering
    const dns::RRset* rrset = nullptr;
    std::span<const std::uint8_t> owner;  // as written
    bool referral = false;
  };

  enum class Need {
    kRequired,  // not fitting truncates the response
    kOptional,  // not fitting leaves the RRset out
  };

  // RRsets remembered per answer: a CNAME chain, a DNAME, an ANY answer and a referral fit well
  // within it; beyond it RRsets are still written, but get no additional records.
  static constexpr std::size_t kMaxWritten = 48;

  [[nodiscard]] bool wasWritten(const dns::RRset& rrset,
                                std::span<const std::uint8_t> owner) const noexcept;
  [[nodiscard]] bool putRRset(dns::Section section, const Written& entry, Need need) noexcept;
  void addAdditionalFor(const Written& entry) noexcept;
  void remember(const Written& entry) noexcept;
  void fail(dns::PutResult result) noexcept;

  dns::Response& response_;
  std::array<Written, kMaxWritten> written_{};
  std::size_t written_count_ = 0;
  std::size_t answer_count_ = 0;  // entries written before additional processing started
  bool finished_ = false;
};

}  // namespace holdfast::zone
