// Tests for Arena, Query and Response: the libknot packet wrappers.
#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "dns/arena.h"
#include "dns/query.h"
#include "dns/response.h"

namespace holdfast::dns {
namespace {

// A query for `qname`/`qtype` written by libknot, optionally with an OPT record.
std::vector<std::uint8_t> makeQuery(const char* qname, std::uint16_t qtype, bool edns) {
  knot_pkt_t* pkt = knot_pkt_new(nullptr, 512, nullptr);
  knot_dname_storage_t name;
  EXPECT_NE(knot_dname_from_str(name, qname, sizeof(name)), nullptr);
  knot_wire_set_id(pkt->wire, 0x1234);
  knot_wire_set_rd(pkt->wire);
  EXPECT_EQ(knot_pkt_put_question(pkt, name, KNOT_CLASS_IN, qtype), KNOT_EOK);
  if (edns) {
    knot_rrset_t opt;
    EXPECT_EQ(knot_edns_init(&opt, 4096, 0, 0, &pkt->mm), KNOT_EOK);
    knot_edns_set_do(&opt);
    EXPECT_EQ(knot_pkt_begin(pkt, KNOT_ADDITIONAL), KNOT_EOK);
    EXPECT_EQ(knot_pkt_put(pkt, KNOT_COMPR_HINT_NONE, &opt, KNOT_PF_FREE), KNOT_EOK);
  }
  std::vector<std::uint8_t> wire(pkt->wire, pkt->wire + pkt->size);
  knot_pkt_free(pkt);
  return wire;
}

TEST(ArenaTest, ServesFromBufferThenHeap) {
  alignas(std::max_align_t) std::array<std::byte, 256> buffer;
  Arena arena(buffer);
  void* first = arena.allocate(10);
  void* second = arena.allocate(10);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % alignof(std::max_align_t), 0u);
  EXPECT_GE(static_cast<std::byte*>(second) - static_cast<std::byte*>(first), 16);
  EXPECT_EQ(arena.heapFallbacks(), 0u);

  void* big = arena.allocate(1000);
  ASSERT_NE(big, nullptr);
  std::memset(big, 0xab, 1000);
  EXPECT_EQ(arena.heapFallbacks(), 1u);
  EXPECT_LE(arena.used(), buffer.size());
}

TEST(ArenaTest, EmptyBufferUsesHeapOnly) {
  Arena arena({});
  EXPECT_NE(arena.allocate(1), nullptr);
  EXPECT_EQ(arena.heapFallbacks(), 1u);
}

TEST(QueryTest, ParsesQuestionAndEdns) {
  const auto wire = makeQuery("WWW.Example.test.", KNOT_RRTYPE_AAAA, true);
  Arena arena({});
  auto query = Query::parse(wire, arena);
  ASSERT_TRUE(query.ok()) << query.error().toString();
  EXPECT_EQ(query->id(), 0x1234);
  EXPECT_EQ(query->opcode(), KNOT_OPCODE_QUERY);
  EXPECT_TRUE(query->recursionDesired());
  EXPECT_EQ(query->qtype(), KNOT_RRTYPE_AAAA);
  EXPECT_EQ(query->qclass(), KNOT_CLASS_IN);
  EXPECT_EQ(Name::fromWire(query->qnameLower())->toText(), "www.example.test.");
  EXPECT_EQ(Name::fromWire(query->qnameWire())->toText(), "WWW.Example.test.");
  ASSERT_TRUE(query->hasEdns());
  EXPECT_EQ(query->ednsPayload(), 4096);
  EXPECT_EQ(query->ednsVersion(), 0);
  EXPECT_TRUE(query->ednsDnssecOk());
}

TEST(QueryTest, RejectsMalformedMessages) {
  Arena arena({});
  auto wire = makeQuery("www.example.test.", KNOT_RRTYPE_A, false);
  EXPECT_FALSE(Query::parse(std::span(wire).first(5), arena).ok());
  EXPECT_FALSE(Query::parse(std::span(wire).first(wire.size() - 1), arena).ok());

  auto trailing = wire;
  trailing.push_back(0);
  EXPECT_EQ(Query::parse(trailing, arena).error().code, Errc::kParse);

  auto bad_label = wire;
  bad_label[12] = 70;  // a label longer than 63 octets
  EXPECT_FALSE(Query::parse(bad_label, arena).ok());
}

// RFC 6891 section 6.2.5: payload sizes below 512 are treated as 512, never as malformed.
TEST(QueryTest, AnEdnsPayloadBelow512IsAcceptedAndReadAs512) {
  for (const std::uint16_t payload : {0, 1, 2, 511}) {
    std::vector<std::uint8_t> wire = makeQuery("example.test.", KNOT_RRTYPE_A, true);
    // The OPT record is the last one: owner (1), type (2), class = payload (2), ttl, rdlength.
    const std::size_t klass = wire.size() - 11 + 3;
    ASSERT_EQ(knot_wire_read_u16(wire.data() + wire.size() - 11 + 1), KNOT_RRTYPE_OPT);
    knot_wire_write_u16(wire.data() + klass, payload);
    alignas(std::max_align_t) std::array<std::byte, 4096> buffer;
    Arena arena(buffer);
    auto query = Query::parse(wire, arena);
    ASSERT_TRUE(query.ok()) << "payload " << payload << ": " << query.error().message;
    ASSERT_TRUE(query->hasEdns());
    EXPECT_GE(query->ednsPayload(), payload);
    EXPECT_TRUE(query->ednsDnssecOk());
  }
}

TEST(ResponseTest, CopiesQuestionAndWritesRecordsAndOpt) {
  const auto wire = makeQuery("Www.Example.Test.", KNOT_RRTYPE_A, true);
  Arena arena({});
  auto query = Query::parse(wire, arena);
  ASSERT_TRUE(query.ok());

  std::array<std::uint8_t, 512> out{};
  auto response = Response::create(out, *query, arena, EdnsReply{1232, true});
  ASSERT_TRUE(response.ok()) << response.error().toString();
  auto rrset = RRset::create(Name::fromText("www.example.test.").value(), KNOT_RRTYPE_A, 60);
  const std::array<std::uint8_t, 4> address = {192, 0, 2, 1};
  ASSERT_TRUE(rrset->addRdata(address).ok());
  response->setAuthoritative();
  ASSERT_EQ(response->put(Section::kAnswer, *rrset), PutResult::kOk);
  const std::size_t size = response->finish();

  // Header, question as sent, one A record whose owner points at the question, then OPT.
  ASSERT_GT(size, wire.size());
  EXPECT_EQ(knot_wire_get_id(out.data()), 0x1234);
  EXPECT_NE(knot_wire_get_qr(out.data()), 0);
  EXPECT_NE(knot_wire_get_aa(out.data()), 0);
  EXPECT_NE(knot_wire_get_rd(out.data()), 0);
  EXPECT_EQ(knot_wire_get_ra(out.data()), 0);
  EXPECT_EQ(knot_wire_get_ancount(out.data()), 1);
  EXPECT_EQ(knot_wire_get_arcount(out.data()), 1);
  const std::size_t question_end = KNOT_WIRE_HEADER_SIZE + 18 + 4;
  EXPECT_EQ(std::memcmp(out.data() + 12, wire.data() + 12, question_end - 12), 0);
  EXPECT_EQ(out[question_end], 0xc0);
  EXPECT_EQ(out[question_end + 1], 0x0c);
}

TEST(ResponseTest, TruncateKeepsQuestionFlagsAndOpt) {
  const auto wire = makeQuery("big.example.test.", KNOT_RRTYPE_TXT, true);
  Arena arena({});
  auto query = Query::parse(wire, arena);
  ASSERT_TRUE(query.ok());

  std::array<std::uint8_t, 100> out{};
  auto response = Response::create(out, *query, arena, EdnsReply{});
  ASSERT_TRUE(response.ok());
  auto rrset = RRset::create(Name::fromText("big.example.test.").value(), KNOT_RRTYPE_TXT, 60);
  const std::vector<std::uint8_t> text(90, 'x');
  ASSERT_TRUE(rrset->addRdata(text).ok());
  response->setAuthoritative();
  response->setRcode(KNOT_RCODE_NOERROR);
  ASSERT_EQ(response->put(Section::kAnswer, *rrset), PutResult::kNoSpace);
  response->truncate();
  const std::size_t size = response->finish();

  EXPECT_EQ(size, wire.size());  // header + question + an OPT of the same size as the query's
  EXPECT_NE(knot_wire_get_tc(out.data()), 0);
  EXPECT_NE(knot_wire_get_aa(out.data()), 0);
  EXPECT_EQ(knot_wire_get_ancount(out.data()), 0);
  EXPECT_EQ(knot_wire_get_arcount(out.data()), 1);
}

TEST(ResponseTest, RefusesBufferTooSmallForQuestion) {
  const auto wire = makeQuery("www.example.test.", KNOT_RRTYPE_A, false);
  Arena arena({});
  auto query = Query::parse(wire, arena);
  ASSERT_TRUE(query.ok());
  std::array<std::uint8_t, 20> out{};
  EXPECT_FALSE(Response::create(out, *query, arena, std::nullopt).ok());
}

}  // namespace
}  // namespace holdfast::dns
