// Helpers for the zone tests: zones from text, queries built and responses parsed with libknot.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dns/knot.h"
#include "dns/query.h"
#include "dns/zone_contents.h"
#include "zone/answer.h"
#include "zone/snapshot.h"

namespace holdfast::zone::testing {

// Zone contents from zone file text; fails the current test on a parse error.
dns::ZoneContents zoneFromText(std::string_view origin, std::string_view text);

// A snapshot of the given zones, built without managed records.
std::shared_ptr<const Snapshot> snapshotOfZones(std::vector<dns::ZoneContents> zones);

template <typename... Zones>
std::shared_ptr<const Snapshot> snapshotOf(Zones... zones) {
  std::vector<dns::ZoneContents> all;
  (all.push_back(std::move(zones)), ...);
  return snapshotOfZones(std::move(all));
}

struct QueryOptions {
  std::uint16_t id = 0x4242;
  std::uint16_t qclass = KNOT_CLASS_IN;
  bool recursion_desired = true;
  std::optional<std::uint16_t> edns_payload;  // no OPT record when empty
  std::uint8_t edns_version = 0;
  bool dnssec_ok = false;
  bool nsid = false;  // adds an empty NSID option (RFC 5001); needs edns_payload
};

// A query written by libknot.
std::vector<std::uint8_t> makeQuery(std::string_view qname,
                                    std::uint16_t qtype,
                                    const QueryOptions& options = {});

// A response parsed by libknot, with its sections as zone file lines ("www.example.test. 3600 A
// 192.0.2.1").
class ParsedResponse {
public:
  explicit ParsedResponse(std::vector<std::uint8_t> wire);

  [[nodiscard]] bool parsed() const { return parsed_; }

  [[nodiscard]] const std::vector<std::uint8_t>& wire() const { return wire_; }

  [[nodiscard]] std::uint16_t rcode() const;  // extended with the OPT bits when present

  [[nodiscard]] bool aa() const { return knot_wire_get_aa(wire_.data()) != 0; }

  [[nodiscard]] bool tc() const { return knot_wire_get_tc(wire_.data()) != 0; }

  [[nodiscard]] bool rd() const { return knot_wire_get_rd(wire_.data()) != 0; }

  [[nodiscard]] bool ra() const { return knot_wire_get_ra(wire_.data()) != 0; }

  [[nodiscard]] std::uint16_t id() const { return knot_wire_get_id(wire_.data()); }

  [[nodiscard]] std::vector<std::string> section(knot_section_t section) const;

  [[nodiscard]] std::vector<std::string> answer() const { return section(KNOT_ANSWER); }

  [[nodiscard]] std::vector<std::string> authority() const { return section(KNOT_AUTHORITY); }

  // The class of the first record of `section`, or 0 when it is empty.
  [[nodiscard]] std::uint16_t firstClass(knot_section_t section) const;

  // The additional section without the OPT record.
  [[nodiscard]] std::vector<std::string> additional() const { return section(KNOT_ADDITIONAL); }

  // The payload of EDNS option `code`, or nullopt when the response has no such option.
  [[nodiscard]] std::optional<std::string> ednsOption(std::uint16_t code) const;

  [[nodiscard]] bool hasEdns() const;
  [[nodiscard]] std::uint16_t ednsPayload() const;
  [[nodiscard]] std::uint8_t ednsVersion() const;
  [[nodiscard]] bool ednsDnssecOk() const;
  [[nodiscard]] std::string questionName() const;  // as on the wire, case included

private:
  std::vector<std::uint8_t> wire_;
  std::vector<std::uint8_t> parse_copy_;
  std::unique_ptr<knot_pkt_t, dns::KnotPktDeleter> pkt_;
  bool parsed_ = false;
};

// Runs answerQuery with an output buffer of `out_size` bytes and returns what it wrote.
std::vector<std::uint8_t> ask(const Snapshot& snapshot,
                              const std::vector<std::uint8_t>& query,
                              Transport transport = Transport::kUdp,
                              std::size_t out_size = 65535);

}  // namespace holdfast::zone::testing
