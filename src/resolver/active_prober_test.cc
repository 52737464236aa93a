// Active probes: scheduling, verdicts and breakers closed without client traffic.
#include "resolver/active_prober.h"

#include <gtest/gtest.h>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;
using testing::FakeTime;
using testing::FakeTransport;
using testing::makeReply;
using testing::ReplySpec;

class ActiveProberTest : public ::testing::Test {
protected:
  ActiveProberTest()
      : pool_({parseUpstream("127.0.0.2").value()}, poolOptions(), random_, stats_) {}

  static PoolOptions poolOptions() {
    PoolOptions options;
    options.breaker.failure_threshold = 2;
    options.breaker.probe_initial = std::chrono::hours(1);  // backoff probes never due here
    options.breaker.probe_max = std::chrono::hours(1);
    return options;
  }

  ActiveProber makeProber(std::chrono::milliseconds interval) {
    ActiveProbeOptions options;
    options.interval = interval;
    options.name = "health.example.";
    return ActiveProber(ActiveProberDeps{time_, random_, time_, transport_, pool_, stats_},
                        options);
  }

  void openBreaker() {
    for (int i = 0; i < 2; ++i) {
      auto c = pool_.select(time_.now(), {});
      ASSERT_TRUE(c);
      pool_.reportFailure(c->id, FailureKind::kTimeout, false, time_.now());
    }
    ASSERT_EQ(pool_.status().front().state, BreakerState::kOpen);
  }

  FakeTime time_;
  FakeTransport transport_;
  SeededRandom random_{7};
  ResolverStats stats_;
  UpstreamPool pool_;
};

TEST(EncodeNameTest, EncodesRootAndNames) {
  EXPECT_EQ(encodeName(".").value(), std::vector<std::uint8_t>{0});
  EXPECT_EQ(encodeName("a.bc").value(), (std::vector<std::uint8_t>{1, 'a', 2, 'b', 'c', 0}));
  EXPECT_EQ(encodeName("a.bc.").value(), (std::vector<std::uint8_t>{1, 'a', 2, 'b', 'c', 0}));
  EXPECT_FALSE(encodeName("a..b").ok());
  EXPECT_FALSE(encodeName("").ok());
  EXPECT_FALSE(encodeName(std::string(64, 'x')).ok());
}

TEST_F(ActiveProberTest, ProbesEveryIntervalWithinJitter) {
  ActiveProber prober = makeProber(1000ms);
  prober.start();
  EXPECT_TRUE(transport_.sent().empty());
  time_.advance(1000ms);  // the first round falls within one interval
  ASSERT_EQ(transport_.sent().size(), 1u);
  transport_.reply(0, makeReply(transport_.sent()[0].query, ReplySpec{}));
  EXPECT_EQ(stats_.active_probes.load(), 1u);

  // Every following round comes at most 1.1 intervals later, one probe per round.
  for (std::size_t round = 2; round <= 5; ++round) {
    time_.advance(1100ms);
    ASSERT_EQ(transport_.sent().size(), round);
    transport_.reply(round - 1, makeReply(transport_.sent()[round - 1].query, ReplySpec{}));
  }
  EXPECT_EQ(stats_.active_probe_failures.load(), 0u);
  prober.stop();
  time_.advance(10s);
  EXPECT_EQ(transport_.sent().size(), 5u);
}

TEST_F(ActiveProberTest, GoodAnswerClosesAnOpenBreaker) {
  openBreaker();
  ActiveProber prober = makeProber(500ms);
  prober.start();
  time_.advance(500ms);
  ASSERT_EQ(transport_.sent().size(), 1u);
  EXPECT_EQ(transport_.sent()[0].upstream.name(), "127.0.0.2:53");
  transport_.reply(0, makeReply(transport_.sent()[0].query, ReplySpec{}));
  EXPECT_EQ(pool_.status().front().state, BreakerState::kClosed);
  EXPECT_EQ(stats_.breaker_closed.load(), 1u);
}

TEST_F(ActiveProberTest, WrongIdOrServfailDoesNotCloseTheBreaker) {
  openBreaker();
  ActiveProber prober = makeProber(500ms);
  prober.start();
  time_.advance(500ms);
  ASSERT_EQ(transport_.sent().size(), 1u);
  ReplySpec wrong_id;
  wrong_id.id_delta = 1;
  transport_.reply(0, makeReply(transport_.sent()[0].query, wrong_id));
  EXPECT_EQ(pool_.status().front().state, BreakerState::kOpen);
  ReplySpec servfail;
  servfail.rcode = kRcodeServFail;
  transport_.reply(0, makeReply(transport_.sent()[0].query, servfail));
  EXPECT_EQ(pool_.status().front().state, BreakerState::kOpen);
  EXPECT_EQ(stats_.active_probe_failures.load(), 1u);
}

TEST_F(ActiveProberTest, TimeoutsOpenTheBreakerBeforeClientsNotice) {
  ActiveProber prober = makeProber(500ms);
  prober.start();
  time_.advance(500ms);  // first probe out
  time_.advance(600ms);  // it timed out (timeout = interval here); the second is out
  time_.advance(600ms);  // the second timed out too
  EXPECT_GE(stats_.active_probe_failures.load(), 2u);
  EXPECT_EQ(pool_.status().front().state, BreakerState::kOpen);
  EXPECT_EQ(stats_.breaker_opened.load(), 1u);
}

}  // namespace
}  // namespace holdfast::resolver
