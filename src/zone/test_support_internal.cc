// Helpers for the zone tests.
#include "zone/test_support_internal.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "dns/zone_file.h"
#include "zone/snapshot_builder.h"

namespace holdfast::zone::testing {

dns::ZoneContents zoneFromText(std::string_view origin, std::string_view text) {
  auto name = dns::Name::fromText(origin);
  EXPECT_TRUE(name.ok());
  auto zone = dns::parseZoneText(text, *name, "test");
  if (!zone.ok()) {
    ADD_FAILURE() << zone.error().toString();
    std::abort();
  }
  return std::move(zone).value();
}

std::shared_ptr<const Snapshot> snapshotOfZones(std::vector<dns::ZoneContents> zones) {
  SnapshotBuilder builder;
  for (auto& zone : zones) {
    EXPECT_TRUE(builder.addZone(std::move(zone)).ok());
  }
  auto snapshot = builder.build();
  EXPECT_TRUE(snapshot.ok());
  return snapshot.ok() ? snapshot.value() : std::make_shared<const Snapshot>();
}

std::vector<std::uint8_t> makeQuery(std::string_view qname,
                                    std::uint16_t qtype,
                                    const QueryOptions& options) {
  knot_pkt_t* pkt = knot_pkt_new(nullptr, KNOT_WIRE_MAX_PKTSIZE, nullptr);
  knot_dname_storage_t name;
  const std::string text(qname);
  EXPECT_NE(knot_dname_from_str(name, text.c_str(), sizeof(name)), nullptr) << text;
  knot_wire_set_id(pkt->wire, options.id);
  if (options.recursion_desired) {
    knot_wire_set_rd(pkt->wire);
  }
  EXPECT_EQ(knot_pkt_put_question(pkt, name, options.qclass, qtype), KNOT_EOK);
  if (options.edns_payload.has_value()) {
    knot_rrset_t opt;
    EXPECT_EQ(knot_edns_init(&opt, *options.edns_payload, 0, options.edns_version, &pkt->mm),
              KNOT_EOK);
    if (options.dnssec_ok) {
      knot_edns_set_do(&opt);
    }
    if (options.nsid) {
      EXPECT_EQ(knot_edns_add_option(&opt, KNOT_EDNS_OPTION_NSID, 0, nullptr, &pkt->mm), KNOT_EOK);
    }
    EXPECT_EQ(knot_pkt_begin(pkt, KNOT_ADDITIONAL), KNOT_EOK);
    EXPECT_EQ(knot_pkt_put(pkt, KNOT_COMPR_HINT_NONE, &opt, KNOT_PF_FREE), KNOT_EOK);
  }
  std::vector<std::uint8_t> wire(pkt->wire, pkt->wire + pkt->size);
  knot_pkt_free(pkt);
  return wire;
}

ParsedResponse::ParsedResponse(std::vector<std::uint8_t> wire)
    : wire_(std::move(wire)), parse_copy_(wire_) {
  if (wire_.size() < KNOT_WIRE_HEADER_SIZE) {
    return;
  }
  pkt_.reset(
      knot_pkt_new(parse_copy_.data(), static_cast<std::uint16_t>(parse_copy_.size()), nullptr));
  // NOCANON keeps owners in the case they were sent.
  parsed_ = pkt_ != nullptr && knot_pkt_parse(pkt_.get(), KNOT_PF_NOCANON) == KNOT_EOK;
}

std::uint16_t ParsedResponse::rcode() const {
  if (parsed_) {
    return knot_pkt_ext_rcode(pkt_.get());
  }
  return knot_wire_get_rcode(wire_.data());
}

std::vector<std::string> ParsedResponse::section(knot_section_t section) const {
  std::vector<std::string> lines;
  if (!parsed_) {
    return lines;
  }
  const knot_pktsection_t* records = knot_pkt_section(pkt_.get(), section);
  for (std::uint16_t i = 0; i < records->count; ++i) {
    const knot_rrset_t* rrset = knot_pkt_rr(records, i);
    if (rrset->type == KNOT_RRTYPE_OPT) {
      continue;
    }
    for (std::uint16_t j = 0; j < rrset->rrs.count; ++j) {
      char header[1024];
      char data[4096];
      EXPECT_GT(knot_rrset_txt_dump_header(rrset, rrset->ttl, header, sizeof(header),
                                           &KNOT_DUMP_STYLE_DEFAULT),
                0);
      EXPECT_GE(knot_rrset_txt_dump_data(rrset, j, data, sizeof(data), &KNOT_DUMP_STYLE_DEFAULT),
                0);
      // libknot pads columns with tabs and spaces; one space between fields reads better.
      std::string line;
      for (const char c : std::string(header) + data) {
        const bool blank = c == '\t' || c == ' ';
        if (!blank || (!line.empty() && line.back() != ' ')) {
          line += blank ? ' ' : c;
        }
      }
      lines.push_back(line);
    }
  }
  return lines;
}

std::uint16_t ParsedResponse::firstClass(knot_section_t section) const {
  const knot_pktsection_t* records = parsed_ ? knot_pkt_section(pkt_.get(), section) : nullptr;
  return records == nullptr || records->count == 0 ? 0 : knot_pkt_rr(records, 0)->rclass;
}

bool ParsedResponse::hasEdns() const {
  return parsed_ && knot_pkt_has_edns(pkt_.get());
}

std::uint16_t ParsedResponse::ednsPayload() const {
  return knot_edns_get_payload(pkt_->opt_rr);
}

std::uint8_t ParsedResponse::ednsVersion() const {
  return knot_edns_get_version(pkt_->opt_rr);
}

bool ParsedResponse::ednsDnssecOk() const {
  return knot_edns_do(pkt_->opt_rr);
}

std::optional<std::string> ParsedResponse::ednsOption(std::uint16_t code) const {
  if (!hasEdns()) {
    return std::nullopt;
  }
  std::uint8_t* option = knot_edns_get_option(pkt_->opt_rr, code, nullptr);
  if (option == nullptr) {
    return std::nullopt;
  }
  const auto* data = reinterpret_cast<const char*>(knot_edns_opt_get_data(option));
  return std::string(data, knot_edns_opt_get_length(option));
}

std::string ParsedResponse::questionName() const {
  if (!parsed_ || pkt_->qname_size == 0) {
    return "";
  }
  knot_dname_txt_storage_t text;
  knot_dname_to_str(text, knot_pkt_wire_qname(pkt_.get()), sizeof(text));
  return text;
}

std::vector<std::uint8_t> ask(const Snapshot& snapshot,
                              const std::vector<std::uint8_t>& query,
                              Transport transport,
                              std::size_t out_size) {
  std::vector<std::uint8_t> out(out_size);
  const std::size_t size = answerQuery(snapshot, query, out, transport);
  EXPECT_LE(size, out_size);
  out.resize(size);
  return out;
}

}  // namespace holdfast::zone::testing
