// Forwarder behaviour against a scripted fake upstream on a virtual clock.
#include "resolver/forwarder.h"

#include <gtest/gtest.h>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;
using testing::FakeTime;
using testing::FakeTransport;
using testing::makeQuery;
using testing::makeReply;
using testing::ReplySpec;
using testing::TestRecord;

Upstream upstream(const char* text) {
  return parseUpstream(text).value();
}

class ForwarderTest : public ::testing::Test {
protected:
  explicit ForwarderTest(std::vector<Upstream> upstreams = {upstream("127.0.0.2:53"),
                                                            upstream("127.0.0.3:53")})
      : pool_(std::move(upstreams), poolOptions(), random_, stats_) {
    settings_ = std::make_shared<ForwarderSettings>();
    settings_->last_known_good = LastKnownGood::compile({{"*.protected.test", true}}).value();
    makeForwarder();
  }

  static PoolOptions poolOptions() {
    PoolOptions options;
    options.breaker.failure_threshold = 3;
    options.breaker.probe_initial = 1s;
    options.breaker.probe_max = 8s;
    return options;
  }

  void makeForwarder() {
    forwarder_ = std::make_unique<Forwarder>(
        ForwarderDeps{time_, random_, time_, transport_, cache_, pool_, stats_}, settings_);
  }

  // Sends a query; returns the immediate answer, or an empty vector when it went upstream.
  std::vector<std::uint8_t> ask(const std::string& name,
                                std::uint16_t qtype = kTypeA,
                                bool edns = false,
                                bool allowed = true) {
    const auto query = makeQuery(name, qtype, next_id_++, edns);
    std::vector<std::uint8_t> out(kMaxMessageBytes);
    const std::size_t length =
        forwarder_->handle(query, ClientContext{ClientTransport::kUdp, allowed}, out, [this] {
          return Responder([this](std::span<const std::uint8_t> reply) {
            later_.emplace_back(reply.begin(), reply.end());
          });
        });
    out.resize(length);
    return out;
  }

  const FakeTransport::Sent& sent(std::size_t i) { return transport_.sent().at(i); }

  void answer(std::size_t i, const ReplySpec& spec) {
    transport_.reply(i, makeReply(sent(i).query, spec));
  }

  static MessageInfo scan(const std::vector<std::uint8_t>& wire) {
    auto info = scanMessage(wire, ScanDepth::kRecords);
    EXPECT_TRUE(info.ok());
    return info.ok() ? *info : MessageInfo{};
  }

  static ReplySpec address(std::uint32_t ttl, std::uint8_t last = 1) {
    ReplySpec spec;
    spec.answers.push_back(TestRecord{kTypeA, ttl, {192, 0, 2, last}});
    return spec;
  }

  static ReplySpec empty(std::uint16_t rcode) {
    ReplySpec spec;
    spec.rcode = rcode;
    spec.soa = std::make_pair(300u, 60u);
    return spec;
  }

  FakeTime time_;
  SeededRandom random_{7};
  FakeTransport transport_;
  Cache cache_{1 << 20};
  ResolverStats stats_;
  UpstreamPool pool_;
  std::shared_ptr<ForwarderSettings> settings_;
  std::vector<std::vector<std::uint8_t>> later_;  // outlives the forwarder, which answers on exit
  std::unique_ptr<Forwarder> forwarder_;
  std::uint16_t next_id_ = 100;
};

TEST_F(ForwarderTest, ForwardsCachesAndCountsTtlDown) {
  EXPECT_TRUE(ask("www.example.test.", kTypeA, true).empty());
  ASSERT_EQ(transport_.sent().size(), 1u);
  const MessageInfo q = scan(sent(0).query);
  EXPECT_TRUE(q.recursionDesired());
  EXPECT_TRUE(q.edns.present);
  EXPECT_EQ(q.edns.payload, kEdnsPayload);

  answer(0, address(300));
  ASSERT_EQ(later_.size(), 1u);
  const MessageInfo first = scan(later_[0]);
  EXPECT_EQ(first.id, 100);
  EXPECT_EQ(first.ancount, 1);
  EXPECT_EQ(first.records[0].ttl, 300u);
  EXPECT_TRUE(first.edns.present);
  EXPECT_FALSE(transport_.alive(0));

  time_.advance(100s);
  const auto cached = ask("WWW.Example.test.");
  ASSERT_FALSE(cached.empty());
  const MessageInfo second = scan(cached);
  EXPECT_EQ(second.id, 101);
  EXPECT_EQ(second.records[0].ttl, 200u);
  EXPECT_FALSE(second.edns.present);
  EXPECT_EQ(cached[13], 'W');  // the client's spelling of the question
  EXPECT_EQ(transport_.sent().size(), 1u);
}

TEST_F(ForwarderTest, DropsRepliesWithWrongIdQuestionOrSource) {
  ask("www.example.test.");
  ReplySpec wrong_id = address(60);
  wrong_id.id_delta = 1;
  answer(0, wrong_id);
  ReplySpec wrong_question = address(60);
  wrong_question.qname_override = "evil.test.";
  answer(0, wrong_question);
  transport_.reply(0, makeReply(sent(0).query, address(60)), 5353);
  EXPECT_TRUE(later_.empty());
  EXPECT_EQ(stats_.upstream_mismatched.load(), 3u);

  answer(0, address(60));
  EXPECT_EQ(later_.size(), 1u);
}

TEST_F(ForwarderTest, RetriesTruncatedAnswerOverTcp) {
  ask("big.example.test.");
  ReplySpec truncated;
  truncated.truncated = true;
  answer(0, truncated);
  ASSERT_EQ(transport_.sent().size(), 2u);
  EXPECT_EQ(sent(1).protocol, Protocol::kTcp);
  EXPECT_EQ(sent(1).upstream, sent(0).upstream);
  answer(1, address(60));
  ASSERT_EQ(later_.size(), 1u);
  EXPECT_EQ(scan(later_[0]).ancount, 1);
  EXPECT_EQ(stats_.tcp_retries.load(), 1u);
}

TEST_F(ForwarderTest, FallsBackToPlainDnsOnFormErr) {
  ask("old.example.test.");
  ReplySpec formerr;
  formerr.rcode = kRcodeFormErr;
  formerr.edns = false;
  answer(0, formerr);
  ASSERT_EQ(transport_.sent().size(), 2u);
  EXPECT_EQ(sent(1).upstream, sent(0).upstream);
  EXPECT_FALSE(scan(sent(1).query).edns.present);
  ReplySpec plain = address(60);
  plain.edns = false;
  answer(1, plain);
  EXPECT_EQ(later_.size(), 1u);
  EXPECT_EQ(stats_.edns_fallbacks.load(), 1u);
}

TEST_F(ForwarderTest, FallsBackToPlainDnsOnBadVers) {
  ask("old.example.test.");
  answer(0, ReplySpec{.rcode = kRcodeBadVers});
  ASSERT_EQ(transport_.sent().size(), 2u);
  EXPECT_FALSE(scan(sent(1).query).edns.present);
}

TEST_F(ForwarderTest, RetriesAnotherUpstreamAfterTimeout) {
  ask("www.example.test.");
  time_.advance(kInitialRto);
  ASSERT_EQ(transport_.sent().size(), 2u);
  EXPECT_NE(sent(1).upstream, sent(0).upstream);
  EXPECT_TRUE(transport_.alive(0));  // a late answer from the first is still welcome
  answer(1, address(60));
  EXPECT_EQ(later_.size(), 1u);
  EXPECT_EQ(stats_.upstream_timeouts.load(), 1u);
}

TEST_F(ForwarderTest, HedgesAwayFromASlowUpstreamAndStillJudgesIt) {
  // Measure both: the first fast, the second slow.
  ask("a.example.test.");
  const Upstream fast = sent(0).upstream;
  answer(0, address(60));
  ask("b.example.test.");
  ASSERT_EQ(transport_.sent().size(), 2u);
  ASSERT_NE(sent(1).upstream, fast);
  time_.advance(100ms);  // slower, but before any hedge
  answer(1, address(60));

  // Explore until a query goes to the slow one: the hedge goes to the fast one after the fast
  // one's RTO, well before the slow one's.
  std::size_t slow_index = 0;
  for (int i = 0; i < 200 && slow_index == 0; ++i) {
    const std::size_t before = transport_.sent().size();
    ask("q" + std::to_string(i) + ".example.test.");
    if (transport_.sent().size() > before && sent(before).upstream != fast) {
      slow_index = before;
    } else if (transport_.sent().size() > before) {
      answer(before, address(60));
    }
  }
  ASSERT_NE(slow_index, 0u);
  time_.advance(kMinRto);
  ASSERT_EQ(transport_.sent().size(), slow_index + 2);
  EXPECT_EQ(sent(slow_index + 1).upstream, fast);
  const std::size_t answered = later_.size();
  answer(slow_index + 1, address(60));
  EXPECT_EQ(later_.size(), answered + 1);

  // The slow attempt lingers for its verdict: its RTO counts a timeout against it.
  EXPECT_TRUE(transport_.alive(slow_index));
  EXPECT_EQ(forwarder_->inFlight(), 1u);
  time_.advance(kMaxRto);
  EXPECT_FALSE(transport_.alive(slow_index));
  EXPECT_EQ(forwarder_->inFlight(), 0u);
  EXPECT_EQ(stats_.upstream_timeouts.load(), 1u);
}

TEST_F(ForwarderTest, ServfailWhenEveryAttemptFailsAndNothingIsCached) {
  ask("www.example.test.");
  for (std::size_t i = 0; i < transport_.sent().size() && i < 10; ++i) {
    answer(i, ReplySpec{.rcode = kRcodeServFail});
  }
  ASSERT_EQ(later_.size(), 1u);
  EXPECT_EQ(scan(later_[0]).rcode(), kRcodeServFail);
  EXPECT_LE(transport_.sent().size(), static_cast<std::size_t>(kDefaultMaxAttempts));
  EXPECT_EQ(forwarder_->inFlight(), 0u);
}

TEST_F(ForwarderTest, ServesStaleWhenUpstreamsFailThenRechecksLater) {
  ask("www.example.test.");
  answer(0, address(10));
  time_.advance(20s);

  EXPECT_TRUE(ask("www.example.test.").empty());
  for (std::size_t i = 1; i < transport_.sent().size(); ++i) {
    transport_.fail(i, ExchangeError::kRefused);
  }
  ASSERT_EQ(later_.size(), 2u);
  const MessageInfo stale = scan(later_[1]);
  EXPECT_EQ(stale.ancount, 1);
  EXPECT_EQ(stale.records[0].ttl, 30u);
  EXPECT_EQ(stats_.stale_answers.load(), 1u);

  // Inside the failure-recheck interval: stale at once, upstreams left alone.
  const std::size_t exchanges = transport_.sent().size();
  const auto again = ask("www.example.test.");
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(scan(again).records[0].ttl, 30u);
  EXPECT_EQ(transport_.sent().size(), exchanges);

  // After it, the upstreams are asked again.
  time_.advance(kDefaultFailureRecheck + 1s);
  EXPECT_TRUE(ask("www.example.test.").empty());
  EXPECT_GT(transport_.sent().size(), exchanges);
}

TEST_F(ForwarderTest, ClientResponseTimerSendsStaleWhileRefreshContinues) {
  ask("www.example.test.");
  answer(0, address(10));
  time_.advance(20s);

  ask("www.example.test.");
  time_.advance(kDefaultClientResponseTimeout);
  ASSERT_EQ(later_.size(), 2u);
  EXPECT_EQ(scan(later_[1]).records[0].ttl, 30u);

  // The refresh still lands in the cache.
  const std::size_t last = transport_.sent().size() - 1;
  answer(last, address(120, 9));
  EXPECT_EQ(later_.size(), 2u);
  const auto fresh = ask("www.example.test.");
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(scan(fresh).records[0].ttl, 120u);
}

TEST_F(ForwarderTest, StaleDataEndsWithTheWindow) {
  settings_->stale.window = 60s;
  ask("www.example.test.");
  answer(0, address(10));
  time_.advance(71s);
  ask("www.example.test.");
  for (std::size_t i = 1; i < transport_.sent().size(); ++i) {
    transport_.fail(i, ExchangeError::kRefused);
  }
  ASSERT_EQ(later_.size(), 2u);
  EXPECT_EQ(scan(later_[1]).rcode(), kRcodeServFail);
}

TEST_F(ForwarderTest, NegativeAnswersExpirePerSoaMinimum) {
  ask("gone.example.test.");
  answer(0, empty(kRcodeNxDomain));  // SOA TTL 300, MINIMUM 60
  time_.advance(59s);
  const auto cached = ask("gone.example.test.");
  ASSERT_FALSE(cached.empty());
  EXPECT_EQ(scan(cached).rcode(), kRcodeNxDomain);
  EXPECT_EQ(scan(cached).records[0].ttl, 1u);
  time_.advance(2s);
  EXPECT_TRUE(ask("gone.example.test.").empty());
}

TEST_F(ForwarderTest, LastKnownGoodHoldsAnEmptiedProtectedName) {
  ask("api.protected.test.");
  answer(0, address(10));
  time_.advance(11s);

  ask("api.protected.test.");
  answer(1, empty(kRcodeNoError));
  ASSERT_EQ(later_.size(), 2u);
  const MessageInfo held = scan(later_[1]);
  EXPECT_EQ(held.rcode(), kRcodeNoError);
  EXPECT_EQ(held.ancount, 1);
  EXPECT_EQ(held.records[0].ttl, 30u);
  EXPECT_EQ(stats_.lkg_holds.load(), 1u);

  // An unprotected name takes the empty answer.
  ask("api.example.test.");
  answer(2, address(10));
  time_.advance(11s);
  ask("api.example.test.");
  answer(3, empty(kRcodeNxDomain));
  ASSERT_EQ(later_.size(), 4u);
  EXPECT_EQ(scan(later_[3]).rcode(), kRcodeNxDomain);
  EXPECT_EQ(stats_.lkg_holds.load(), 1u);
}

TEST_F(ForwarderTest, OpenBreakersMeanStaleAtOnceAndProbesLater) {
  ask("www.example.test.");
  answer(0, address(10));
  time_.advance(11s);
  // Three failures each open both breakers (threshold 3).
  for (int i = 0; i < 3; ++i) {
    ask("fail" + std::to_string(i) + ".example.test.");
  }
  for (std::size_t i = 1; i < transport_.sent().size(); ++i) {
    transport_.fail(i, ExchangeError::kRefused);
  }
  EXPECT_EQ(stats_.breaker_opened.load(), 2u);

  const std::size_t exchanges = transport_.sent().size();
  const auto stale = ask("www.example.test.");
  ASSERT_FALSE(stale.empty());
  EXPECT_EQ(scan(stale).records[0].ttl, 30u);
  EXPECT_EQ(transport_.sent().size(), exchanges);
  EXPECT_EQ(scan(ask("new.example.test.")).rcode(), kRcodeServFail);

  // Once a probe is due, a query becomes the probe; its success closes the breaker.
  time_.advance(2s);
  EXPECT_TRUE(ask("new.example.test.").empty());
  ASSERT_GT(transport_.sent().size(), exchanges);
  answer(transport_.sent().size() - 1, address(60));
  EXPECT_EQ(stats_.breaker_closed.load(), 1u);
}

TEST_F(ForwarderTest, CoalescesIdenticalQuestions) {
  ask("www.example.test.");
  ask("www.example.test.");
  ASSERT_EQ(transport_.sent().size(), 1u);
  answer(0, address(60));
  EXPECT_EQ(later_.size(), 2u);
  EXPECT_EQ(stats_.coalesced.load(), 1u);
}

TEST_F(ForwarderTest, TruncatesForSmallClients) {
  ask("big.example.test.");
  ReplySpec big;
  for (int i = 0; i < 40; ++i) {
    big.answers.push_back(TestRecord{kTypeA, 60, {10, 0, 0, static_cast<std::uint8_t>(i)}});
  }
  answer(0, big);
  ASSERT_EQ(later_.size(), 1u);
  const MessageInfo reply = scan(later_[0]);
  EXPECT_TRUE(reply.truncated());
  EXPECT_EQ(reply.ancount, 0);
  const auto with_edns = ask("big.example.test.", kTypeA, true);
  EXPECT_FALSE(scan(with_edns).truncated());
  EXPECT_EQ(scan(with_edns).ancount, 40);
}

TEST_F(ForwarderTest, RefusesOutsidersAndRejectsGarbage) {
  EXPECT_EQ(scan(ask("www.example.test.", kTypeA, false, false)).rcode(), kRcodeRefused);
  std::vector<std::uint8_t> garbage = makeQuery("www.example.test.", kTypeA, 9);
  garbage.resize(20);
  std::vector<std::uint8_t> out(kMaxMessageBytes);
  const std::size_t length = forwarder_->handle(garbage, ClientContext{ClientTransport::kUdp, true},
                                                out, [] { return Responder(); });
  out.resize(length);
  EXPECT_EQ(scan(out).rcode(), kRcodeFormErr);
  EXPECT_TRUE(transport_.sent().empty());
}

TEST_F(ForwarderTest, AnswersStatsQuery) {
  auto query = makeQuery("stats.holdfast.", kTypeTxt, 5);
  query[query.size() - 1] = kClassCh;
  std::vector<std::uint8_t> out(kMaxMessageBytes);
  const std::size_t length = forwarder_->handle(query, ClientContext{ClientTransport::kTcp, true},
                                                out, [] { return Responder(); });
  out.resize(length);
  EXPECT_GT(scan(out).ancount, 20);
}

}  // namespace
}  // namespace holdfast::resolver
