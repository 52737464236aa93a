// Checks that a cache hit allocates nothing: the answer is copied from the shared cached message
// into the caller's buffer with its ID, question and TTLs patched.
#include <gtest/gtest.h>

#include "common/alloc_counting.h"
#include "resolver/forwarder.h"
#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;
using holdfast::testing::allocationCount;

TEST(ForwarderAllocationTest, ACacheHitDoesNotAllocate) {
  testing::FakeTime time;
  SeededRandom random{7};
  testing::FakeTransport transport;
  Cache cache{1 << 20};
  ResolverStats stats;
  UpstreamPool pool({parseUpstream("127.0.0.2:53").value()}, PoolOptions{}, random, stats);
  Forwarder forwarder(ForwarderDeps{time, random, time, transport, cache, pool, stats},
                      std::make_shared<ForwarderSettings>());
  std::vector<std::vector<std::uint8_t>> later;
  const std::function<Responder()> make_responder = [&later] {
    return Responder([&later](std::span<const std::uint8_t> reply) {
      later.emplace_back(reply.begin(), reply.end());
    });
  };
  std::vector<std::uint8_t> out(kMaxMessageBytes);
  const ClientContext client{ClientTransport::kUdp, true};

  // Fill the cache: a miss goes upstream, the reply is cached and passed on.
  const auto first = testing::makeQuery("www.example.test.", kTypeA, 1, false);
  ASSERT_EQ(forwarder.handle(first, client, out, make_responder), 0u);
  ASSERT_EQ(transport.sent().size(), 1u);
  testing::ReplySpec spec;
  spec.answers.push_back(testing::TestRecord{kTypeA, 300, {192, 0, 2, 1}});
  transport.reply(0, testing::makeReply(transport.sent()[0].query, spec));
  ASSERT_EQ(later.size(), 1u);
  time.advance(10s);

  // The counter sees allocations at all.
  const std::size_t start = allocationCount();
  later.reserve(later.capacity() + 8);
  ASSERT_GT(allocationCount(), start);

  const std::vector<std::vector<std::uint8_t>> hits = {
      testing::makeQuery("www.example.test.", kTypeA, 2, false),
      testing::makeQuery("WWW.Example.TEST.", kTypeA, 3, true),
  };
  for (const auto& query : hits) {
    const std::size_t before = allocationCount();
    const std::size_t length = forwarder.handle(query, client, out, make_responder);
    EXPECT_EQ(allocationCount(), before);
    ASSERT_GT(length, 0u);
    EXPECT_EQ(out[1], query[1]);  // answered from the cache, with the query's ID
  }
  EXPECT_EQ(stats.hot().cache_hits, 2u);
  EXPECT_EQ(transport.sent().size(), 1u);
}

}  // namespace
}  // namespace holdfast::resolver
