// Tests for the server's identity: NSID (RFC 5001) and CHAOS TXT names (RFC 4892).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone/answer.h"
#include "zone/snapshot_builder.h"
#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using testing::ask;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::makeQuery;
using testing::ParsedResponse;
using testing::QueryOptions;
using testing::zoneFromText;

constexpr const char* kZone = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nwww A 192.0.2.1\n";

std::shared_ptr<const Snapshot> snapshotWith(const ServerIdentity& identity) {
  SnapshotBuilder builder;
  EXPECT_TRUE(builder.addZone(zoneFromText("example.test.", kZone)).ok());
  EXPECT_TRUE(builder.setServerIdentity(identity).ok());
  auto snapshot = builder.build();
  EXPECT_TRUE(snapshot.ok());
  return snapshot.value();
}

QueryOptions chaos() {
  QueryOptions options;
  options.qclass = KNOT_CLASS_CH;
  return options;
}

// RFC 5001 section 2.1: the NSID option only goes to a client that sent one.
TEST(IdentityTest, NsidIsSentOnlyWhenAskedRfc5001Section2_1) {
  const auto snapshot = snapshotWith({"ns-a.example", "", ""});
  QueryOptions options;
  options.edns_payload = 1232;
  const ParsedResponse plain(
      ask(*snapshot, makeQuery("www.example.test.", KNOT_RRTYPE_A, options)));
  EXPECT_EQ(plain.ednsOption(KNOT_EDNS_OPTION_NSID), std::nullopt);

  options.nsid = true;
  const ParsedResponse asked(
      ask(*snapshot, makeQuery("www.example.test.", KNOT_RRTYPE_A, options)));
  EXPECT_EQ(asked.ednsOption(KNOT_EDNS_OPTION_NSID), "ns-a.example");
  EXPECT_EQ(asked.answer().size(), 1u);

  // Off by default.
  const auto quiet = snapshotWith({});
  const ParsedResponse off(ask(*quiet, makeQuery("www.example.test.", KNOT_RRTYPE_A, options)));
  EXPECT_EQ(off.ednsOption(KNOT_EDNS_OPTION_NSID), std::nullopt);
}

TEST(IdentityTest, ChaosNamesAnswerWhenConfiguredRfc4892) {
  const auto snapshot = snapshotWith({"", "ns-a", "holdfast 0.1.0"});
  for (const char* name : {"id.server.", "HOSTNAME.bind."}) {
    const ParsedResponse response(ask(*snapshot, makeQuery(name, KNOT_RRTYPE_TXT, chaos())));
    EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR) << name;
    EXPECT_FALSE(response.aa());
    EXPECT_THAT(response.answer(), ElementsAre(std::string(name) + " 0 TXT \"ns-a\""));
    EXPECT_EQ(response.firstClass(KNOT_ANSWER), KNOT_CLASS_CH);
  }
  const ParsedResponse version(
      ask(*snapshot, makeQuery("version.bind.", KNOT_RRTYPE_TXT, chaos())));
  EXPECT_THAT(version.answer(), ElementsAre("version.bind. 0 TXT \"holdfast 0.1.0\""));
}

TEST(IdentityTest, ChaosIsRefusedWhenOffOrUnknown) {
  const auto snapshot = snapshotWith({"", "ns-a", ""});
  const auto refused = [&](const char* name, std::uint16_t type) {
    const ParsedResponse response(ask(*snapshot, makeQuery(name, type, chaos())));
    EXPECT_EQ(response.rcode(), KNOT_RCODE_REFUSED) << name;
    EXPECT_THAT(response.answer(), IsEmpty());
  };
  refused("version.bind.", KNOT_RRTYPE_TXT);  // version off
  refused("version.server.", KNOT_RRTYPE_TXT);
  refused("id.server.", KNOT_RRTYPE_A);  // TXT only
  refused("www.example.test.", KNOT_RRTYPE_TXT);
  refused("authors.bind.", KNOT_RRTYPE_TXT);
}

TEST(IdentityTest, RejectsOversizedIdentity) {
  SnapshotBuilder builder;
  EXPECT_FALSE(builder.setServerIdentity({std::string(129, 'n'), "", ""}).ok());
  EXPECT_FALSE(builder.setServerIdentity({"", std::string(256, 'i'), ""}).ok());
  EXPECT_TRUE(builder.setServerIdentity({std::string(128, 'n'), std::string(255, 'i'), "v"}).ok());
}

}  // namespace
}  // namespace holdfast::zone
