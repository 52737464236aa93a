// Tests of the precomputed answer path: byte for byte the same replies as the full answer
// algorithm, and taken for the plain questions it is meant for.
#include <array>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "dns/arena.h"
#include "zone/answer.h"
#include "zone/answer_internal.h"
#include "zone/snapshot_builder.h"
#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using testing::zoneFromText;

std::string longText(int strings) {
  std::string text;
  for (int i = 0; i < strings; ++i) {
    text += " \"" + std::string(200, static_cast<char>('a' + i)) + "\"";
  }
  return text;
}

// Apex with NS and MX (in-zone and out-of-zone targets, additional records), a delegation with
// glue and DS, a nested zone, wildcards, CNAME chains and a loop, a DNAME, SRV, PTR, long TXT
// and types whose data holds no name; owners in mixed case.
std::string exampleZone() {
  return "$TTL 3600\n"
         "@ SOA ns hostmaster 1 3600 600 86400 300\n"
         "@ NS ns\n@ NS ns2.other.test.\n"
         "@ MX 10 mail\n@ MX 20 mail2.other.test.\n@ MX 30 Mail\n"
         "@ TXT \"v=spf1 -all\"\n"
         "ns A 192.0.2.53\nns AAAA 2001:db8::53\n"
         "mail A 192.0.2.25\nmail AAAA 2001:db8::25\n"
         "www A 192.0.2.1\nwww A 192.0.2.2\nwww AAAA 2001:db8::1\n"
         "WWW2 A 192.0.2.9\nMiXeD.Case AAAA 2001:db8::9\n"
         "alias CNAME www\nchain1 CNAME chain2\nchain2 CNAME alias\nloop CNAME loop\n"
         "ext CNAME www.other.test.\n"
         "long TXT" +
         longText(4) + "\nhuge TXT" + longText(8) +
         "\n"
         "sub NS ns.sub\nsub NS ns.other.test.\nns.sub A 192.0.2.2\n"
         "sub DS 12345 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
         "child NS ns.child\nns.child A 192.0.2.7\n"
         "*.wild A 192.0.2.3\n*.wild MX 10 mail\n*.wc CNAME www\n"
         "d DNAME other.test.\n"
         "_https._tcp SRV 0 5 443 www\n_imap._tcp SRV 0 5 143 mail2.other.test.\n"
         "ptr PTR www\ncaa CAA 0 issue \"ca.test\"\n"
         "sshfp SSHFP 1 1 0123456789abcdef0123456789abcdef01234567\n"
         "hinfo HINFO \"cpu\" \"os\"\n"
         "naptr NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp\n"
         "a.b.c A 192.0.2.4\n"
         "mx2 MX 10 www\nmx2 MX 20 mail\n";
}

std::string otherZone() {
  return "$TTL 300\n@ SOA ns h 7 2 3 4 60\n@ NS ns\nns A 198.51.100.53\nwww A 198.51.100.1\n"
         "mail2 A 198.51.100.25\n";
}

std::string childZone() {
  return "$TTL 300\n@ SOA ns h 9 2 3 4 60\n@ NS ns\nns A 192.0.2.7\nwww A 192.0.2.8\n"
         "@ DS 1 8 2 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
}

std::shared_ptr<const Snapshot> buildSnapshot() {
  SnapshotBuilder builder;
  EXPECT_TRUE(builder.addZone(zoneFromText("example.test.", exampleZone())).ok());
  EXPECT_TRUE(builder.addZone(zoneFromText("other.test.", otherZone())).ok());
  EXPECT_TRUE(builder.addZone(zoneFromText("child.example.test.", childZone())).ok());
  EXPECT_TRUE(
      builder.setAddresses("app.example.test.", KNOT_RRTYPE_A, 30, {"192.0.2.100", "192.0.2.101"})
          .ok());
  EXPECT_TRUE(
      builder.setAddresses("www.example.test.", KNOT_RRTYPE_AAAA, 30, {"2001:db8::99"}).ok());
  EXPECT_TRUE(builder.setServerIdentity({"nsid-1", "id", "version"}).ok());
  auto snapshot = builder.build();
  EXPECT_TRUE(snapshot.ok());
  return snapshot.value();
}

// How a test query differs from a plain one.
struct Variant {
  std::uint8_t flags2 = 0;  // header octet 2 (RD, AA, TC, opcode)
  std::uint8_t flags3 = 0;  // header octet 3 (CD, AD, Z, RA, RCODE)
  bool edns = false;
  std::uint16_t payload = 1232;
  std::uint8_t version = 0;
  std::uint16_t edns_flags = 0;  // 0x8000 is DO
  bool nsid = false;
  bool trailing = false;  // one octet after the message
};

// `name` in presentation form without the final dot, written with the case given.
std::vector<std::uint8_t> makeQuery(std::string_view name,
                                    std::uint16_t qtype,
                                    const Variant& variant) {
  std::vector<std::uint8_t> wire = {0xbe,
                                    0xef,
                                    variant.flags2,
                                    variant.flags3,
                                    0,
                                    1,
                                    0,
                                    0,
                                    0,
                                    0,
                                    0,
                                    static_cast<std::uint8_t>(variant.edns ? 1 : 0)};
  std::istringstream labels{std::string(name)};
  for (std::string label; std::getline(labels, label, '.');) {
    wire.push_back(static_cast<std::uint8_t>(label.size()));
    wire.insert(wire.end(), label.begin(), label.end());
  }
  wire.insert(wire.end(), {0, static_cast<std::uint8_t>(qtype >> 8),
                           static_cast<std::uint8_t>(qtype & 0xff), 0, KNOT_CLASS_IN});
  if (variant.edns) {
    wire.insert(wire.end(), {0, 0, KNOT_RRTYPE_OPT, static_cast<std::uint8_t>(variant.payload >> 8),
                             static_cast<std::uint8_t>(variant.payload & 0xff), 0, variant.version,
                             static_cast<std::uint8_t>(variant.edns_flags >> 8),
                             static_cast<std::uint8_t>(variant.edns_flags & 0xff), 0,
                             static_cast<std::uint8_t>(variant.nsid ? 4 : 0)});
    if (variant.nsid) {
      wire.insert(wire.end(), {0, KNOT_EDNS_OPTION_NSID, 0, 0});
    }
  }
  if (variant.trailing) {
    wire.push_back(0);
  }
  return wire;
}

std::string withCase(std::string_view name, int style) {
  std::string text(name);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool upper = style == 1 || (style == 2 && i % 2 == 0);
    if (upper && text[i] >= 'a' && text[i] <= 'z') {
      text[i] = static_cast<char>(text[i] - 'a' + 'A');
    }
  }
  return text;
}

std::vector<std::uint8_t> answerWith(const Snapshot& snapshot,
                                     const std::vector<std::uint8_t>& query,
                                     Transport transport,
                                     std::size_t out_size,
                                     bool full) {
  std::vector<std::uint8_t> out(out_size);
  std::array<std::byte, 8192> buffer;
  dns::Arena arena(buffer);
  const std::size_t size = full ? answerFull(snapshot, query, out, transport, arena)
                                : answerQuery(snapshot, query, out, transport, arena);
  out.resize(size);
  return out;
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
  std::string text;
  for (const std::uint8_t b : bytes) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    text += kDigits[b >> 4];
    text += kDigits[b & 0xf];
  }
  return text;
}

const std::vector<std::string_view> kNames = {"example.test",
                                              "ns.example.test",
                                              "mail.example.test",
                                              "www.example.test",
                                              "www2.example.test",
                                              "mixed.case.example.test",
                                              "case.example.test",
                                              "alias.example.test",
                                              "chain1.example.test",
                                              "loop.example.test",
                                              "ext.example.test",
                                              "long.example.test",
                                              "huge.example.test",
                                              "sub.example.test",
                                              "ns.sub.example.test",
                                              "x.sub.example.test",
                                              "child.example.test",
                                              "ns.child.example.test",
                                              "www.child.example.test",
                                              "x.wild.example.test",
                                              "*.wild.example.test",
                                              "x.wc.example.test",
                                              "d.example.test",
                                              "www.d.example.test",
                                              "_https._tcp.example.test",
                                              "_imap._tcp.example.test",
                                              "ptr.example.test",
                                              "caa.example.test",
                                              "sshfp.example.test",
                                              "hinfo.example.test",
                                              "naptr.example.test",
                                              "a.b.c.example.test",
                                              "b.c.example.test",
                                              "mx2.example.test",
                                              "app.example.test",
                                              "absent.example.test",
                                              "other.test",
                                              "www.other.test",
                                              "nowhere.invalid",
                                              "example.test.example.test"};

const std::vector<std::uint16_t> kTypes = {
    KNOT_RRTYPE_A,     KNOT_RRTYPE_AAAA,  KNOT_RRTYPE_NS,    KNOT_RRTYPE_MX,  KNOT_RRTYPE_SOA,
    KNOT_RRTYPE_TXT,   KNOT_RRTYPE_CNAME, KNOT_RRTYPE_DNAME, KNOT_RRTYPE_SRV, KNOT_RRTYPE_PTR,
    KNOT_RRTYPE_CAA,   KNOT_RRTYPE_SSHFP, KNOT_RRTYPE_DS,    KNOT_RRTYPE_ANY, KNOT_RRTYPE_HINFO,
    KNOT_RRTYPE_NAPTR, KNOT_RRTYPE_RRSIG, KNOT_RRTYPE_AXFR};

struct Delivery {
  Transport transport;
  std::size_t out_size;
};

std::size_t fastSizeTcp(const Snapshot& snapshot, std::string_view name, std::uint16_t qtype) {
  std::vector<std::uint8_t> out(65535);
  return answerPrecomputed(snapshot, makeQuery(name, qtype, {}), out, Transport::kTcp);
}

// Every name and type above, in three letter cases, with RD and CD on and off, without EDNS and
// with several OPT records, over UDP, TCP and into a small buffer.
TEST(AnswerPrecomputedTest, SameBytesAsTheFullPath) {
  const auto snapshot = buildSnapshot();
  std::vector<Variant> variants;
  for (const std::uint8_t flags2 : {0x00, 0x01}) {
    for (const std::uint8_t flags3 : {0x00, 0x10}) {
      Variant plain{flags2, flags3};
      variants.push_back(plain);
      for (const std::uint16_t payload : {1232, 512, 4096, 100}) {
        Variant edns = plain;
        edns.edns = true;
        edns.payload = payload;
        variants.push_back(edns);
      }
      Variant with_do = plain;
      with_do.edns = true;
      with_do.edns_flags = 0x8000;
      variants.push_back(with_do);
      Variant nsid = with_do;
      nsid.nsid = true;
      variants.push_back(nsid);
      Variant version = plain;
      version.edns = true;
      version.version = 1;
      variants.push_back(version);
    }
  }
  const std::array<Delivery, 3> deliveries = {
      {{Transport::kUdp, 65535}, {Transport::kTcp, 65535}, {Transport::kUdp, 200}}};

  std::size_t compared = 0;
  std::size_t fast = 0;
  std::size_t mismatches = 0;
  for (const std::string_view name : kNames) {
    for (const std::uint16_t qtype : kTypes) {
      for (int style = 0; style < 3; ++style) {
        for (const Variant& variant : variants) {
          const auto query = makeQuery(withCase(name, style), qtype, variant);
          for (const Delivery& delivery : deliveries) {
            const auto full =
                answerWith(*snapshot, query, delivery.transport, delivery.out_size, true);
            const auto answered =
                answerWith(*snapshot, query, delivery.transport, delivery.out_size, false);
            std::vector<std::uint8_t> out(delivery.out_size);
            fast += answerPrecomputed(*snapshot, query, out, delivery.transport) != 0 ? 1 : 0;
            ++compared;
            if (answered != full && ++mismatches <= 5) {
              ADD_FAILURE() << "query " << hex(query) << "\n fast " << hex(answered) << "\n full "
                            << hex(full);
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(compared, kNames.size() * kTypes.size() * 3 * variants.size() * deliveries.size());
  EXPECT_GT(fast, 0u);
}

// Every RRset answered at its own name has a stored answer, whatever its type; nothing else does.
TEST(AnswerPrecomputedTest, StoredForEveryRRsetAnsweredAtItsName) {
  const auto snapshot = buildSnapshot();
  std::vector<std::pair<std::string_view, std::uint16_t>> taken;
  for (const std::string_view name : kNames) {
    for (const std::uint16_t qtype : kTypes) {
      if (fastSizeTcp(*snapshot, name, qtype) != 0) {
        taken.emplace_back(name, qtype);
      }
    }
  }
  const std::vector<std::pair<std::string_view, std::uint16_t>> expected = {
      {"example.test", KNOT_RRTYPE_NS},
      {"example.test", KNOT_RRTYPE_MX},
      {"example.test", KNOT_RRTYPE_SOA},
      {"example.test", KNOT_RRTYPE_TXT},
      {"ns.example.test", KNOT_RRTYPE_A},
      {"ns.example.test", KNOT_RRTYPE_AAAA},
      {"mail.example.test", KNOT_RRTYPE_A},
      {"mail.example.test", KNOT_RRTYPE_AAAA},
      {"www.example.test", KNOT_RRTYPE_A},
      {"www.example.test", KNOT_RRTYPE_AAAA},  // managed
      {"www2.example.test", KNOT_RRTYPE_A},
      {"mixed.case.example.test", KNOT_RRTYPE_AAAA},
      {"alias.example.test", KNOT_RRTYPE_CNAME},
      {"chain1.example.test", KNOT_RRTYPE_CNAME},
      {"loop.example.test", KNOT_RRTYPE_CNAME},
      {"ext.example.test", KNOT_RRTYPE_CNAME},
      {"long.example.test", KNOT_RRTYPE_TXT},
      {"huge.example.test", KNOT_RRTYPE_TXT},
      {"child.example.test", KNOT_RRTYPE_NS},  // from the nested zone
      {"child.example.test", KNOT_RRTYPE_SOA},
      {"ns.child.example.test", KNOT_RRTYPE_A},
      {"www.child.example.test", KNOT_RRTYPE_A},
      {"*.wild.example.test", KNOT_RRTYPE_A},
      {"*.wild.example.test", KNOT_RRTYPE_MX},
      {"d.example.test", KNOT_RRTYPE_DNAME},
      {"_https._tcp.example.test", KNOT_RRTYPE_SRV},
      {"_imap._tcp.example.test", KNOT_RRTYPE_SRV},
      {"ptr.example.test", KNOT_RRTYPE_PTR},
      {"caa.example.test", KNOT_RRTYPE_CAA},
      {"sshfp.example.test", KNOT_RRTYPE_SSHFP},
      {"hinfo.example.test", KNOT_RRTYPE_HINFO},
      {"naptr.example.test", KNOT_RRTYPE_NAPTR},
      {"a.b.c.example.test", KNOT_RRTYPE_A},
      {"mx2.example.test", KNOT_RRTYPE_MX},
      {"app.example.test", KNOT_RRTYPE_A},  // managed
      {"other.test", KNOT_RRTYPE_NS},
      {"other.test", KNOT_RRTYPE_SOA},
      {"www.other.test", KNOT_RRTYPE_A},
  };
  EXPECT_EQ(taken, expected);
}

// Headers and messages the fast path leaves to libknot still get the full path's answer.
TEST(AnswerPrecomputedTest, UnusualQueriesGetTheFullPathAnswer) {
  const auto snapshot = buildSnapshot();
  std::vector<Variant> variants;
  for (const std::uint8_t flags2 : {0x04, 0x02, 0x06, 0x08, 0x80, 0x81}) {
    variants.push_back(Variant{flags2, 0});
  }
  for (const std::uint8_t flags3 : {0x20, 0x40, 0x80, 0x01, 0x05, 0xf0}) {
    variants.push_back(Variant{0x01, flags3});
  }
  Variant trailing;
  trailing.trailing = true;
  variants.push_back(trailing);
  Variant edns_trailing = trailing;
  edns_trailing.edns = true;
  variants.push_back(edns_trailing);
  Variant edns_flags;
  edns_flags.edns = true;
  edns_flags.edns_flags = 0x4000;
  variants.push_back(edns_flags);

  for (const std::string_view name : {"www.example.test", "example.test", "app.example.test"}) {
    for (const std::uint16_t qtype : {KNOT_RRTYPE_A, KNOT_RRTYPE_SOA, KNOT_RRTYPE_MX}) {
      for (const Variant& variant : variants) {
        const auto query = makeQuery(name, qtype, variant);
        EXPECT_EQ(answerWith(*snapshot, query, Transport::kUdp, 65535, false),
                  answerWith(*snapshot, query, Transport::kUdp, 65535, true))
            << hex(query);
      }
    }
  }
}

std::size_t fastSize(const Snapshot& snapshot,
                     std::string_view name,
                     std::uint16_t qtype,
                     const Variant& variant = {},
                     Transport transport = Transport::kUdp) {
  std::vector<std::uint8_t> out(65535);
  return answerPrecomputed(snapshot, makeQuery(name, qtype, variant), out, transport);
}

TEST(AnswerPrecomputedTest, TakenForPlainPositiveQuestions) {
  const auto snapshot = buildSnapshot();
  Variant edns;
  edns.edns = true;
  edns.edns_flags = 0x8000;
  Variant rd_cd{0x01, 0x10};

  // www A: header 12, question 20, two records of 16.
  EXPECT_EQ(fastSize(*snapshot, "www.example.test", KNOT_RRTYPE_A), 12u + 22u + 32u);
  EXPECT_EQ(fastSize(*snapshot, "WWW.Example.TEST", KNOT_RRTYPE_A, edns), 12u + 22u + 32u + 11u);
  EXPECT_EQ(fastSize(*snapshot, "www.example.test", KNOT_RRTYPE_A, rd_cd, Transport::kTcp),
            12u + 22u + 32u);
  EXPECT_NE(fastSize(*snapshot, "app.example.test", KNOT_RRTYPE_A), 0u);
  EXPECT_NE(fastSize(*snapshot, "www.example.test", KNOT_RRTYPE_AAAA), 0u);
  EXPECT_NE(fastSize(*snapshot, "www2.example.test", KNOT_RRTYPE_A), 0u);
  EXPECT_NE(fastSize(*snapshot, "example.test", KNOT_RRTYPE_SOA), 0u);
  EXPECT_NE(fastSize(*snapshot, "example.test", KNOT_RRTYPE_NS), 0u);
  EXPECT_NE(fastSize(*snapshot, "example.test", KNOT_RRTYPE_MX), 0u);
  EXPECT_NE(fastSize(*snapshot, "child.example.test", KNOT_RRTYPE_SOA), 0u);
  EXPECT_NE(fastSize(*snapshot, "long.example.test", KNOT_RRTYPE_TXT, edns), 0u);
}

TEST(AnswerPrecomputedTest, LeftToTheFullPath) {
  const auto snapshot = buildSnapshot();
  Variant nsid;
  nsid.edns = true;
  nsid.nsid = true;
  Variant version;
  version.edns = true;
  version.version = 1;

  EXPECT_EQ(fastSize(*snapshot, "www.example.test", KNOT_RRTYPE_A, nsid), 0u);
  EXPECT_EQ(fastSize(*snapshot, "www.example.test", KNOT_RRTYPE_A, version), 0u);
  EXPECT_EQ(fastSize(*snapshot, "www.example.test", KNOT_RRTYPE_MX), 0u);    // NODATA
  EXPECT_EQ(fastSize(*snapshot, "absent.example.test", KNOT_RRTYPE_A), 0u);  // NXDOMAIN
  EXPECT_EQ(fastSize(*snapshot, "alias.example.test", KNOT_RRTYPE_A), 0u);   // chased
  EXPECT_EQ(fastSize(*snapshot, "x.wild.example.test", KNOT_RRTYPE_A), 0u);  // wildcard
  EXPECT_EQ(fastSize(*snapshot, "ns.sub.example.test", KNOT_RRTYPE_A), 0u);  // referral
  EXPECT_EQ(fastSize(*snapshot, "child.example.test", KNOT_RRTYPE_DS), 0u);  // parent side
  EXPECT_EQ(fastSize(*snapshot, "long.example.test", KNOT_RRTYPE_TXT), 0u);  // over 512
  EXPECT_EQ(fastSize(*snapshot, "www.d.example.test", KNOT_RRTYPE_A), 0u);   // DNAME
  EXPECT_EQ(fastSize(*snapshot, "example.test", KNOT_RRTYPE_ANY), 0u);
}

TEST(PrecomputedAnswersTest, StoresAndFindsByRRsetNumber) {
  PrecomputedAnswers answers;
  answers.reset(3, 0);
  const auto body = answers.add(1, 2, 3, 4, 5);
  ASSERT_EQ(body.size(), 5u);
  std::fill(body.begin(), body.end(), std::uint8_t{7});
  EXPECT_TRUE(answers.add(2, 0, 256, 0, 1).empty());  // nscount over one octet
  EXPECT_TRUE(answers.add(2, 0, 0, 0, PrecomputedAnswers::kMaxBody + 1).empty());

  EXPECT_FALSE(answers.find(0).has_value());
  EXPECT_FALSE(answers.find(2).has_value());
  EXPECT_FALSE(answers.find(3).has_value());
  const auto found = answers.find(1);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->ancount, 2u);
  EXPECT_EQ(found->nscount, 3u);
  EXPECT_EQ(found->arcount, 4u);
  EXPECT_EQ(std::vector<std::uint8_t>(found->body.begin(), found->body.end()),
            std::vector<std::uint8_t>(5, 7));
  EXPECT_EQ(answers.arenaSize(), PrecomputedAnswers::kEntryHeader + 5);
}

}  // namespace
}  // namespace holdfast::zone
