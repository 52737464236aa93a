// Deterministic fakes for resolver unit tests: a virtual clock with timers, a scripted
// transport, and a builder of upstream replies.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "resolver/scheduler.h"
#include "resolver/upstream_transport.h"

namespace holdfast::resolver::testing {

// A clock that moves only when told, and a scheduler whose timers fire as it moves.
class FakeTime final : public Clock, public Scheduler {
public:
  [[nodiscard]] TimePoint now() const override { return now_; }

  [[nodiscard]] std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::time_point(now_.time_since_epoch());
  }

  [[nodiscard]] TimerId schedule(Clock::Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) noexcept override;

  // Moves time forward by `d`, running every timer that falls due, in order.
  void advance(Clock::Duration d);

  [[nodiscard]] std::size_t pendingTimers() const noexcept { return timers_.size(); }

private:
  TimePoint now_{std::chrono::hours(1000)};
  std::multimap<TimePoint, std::pair<TimerId, std::function<void()>>> timers_;
  TimerId next_ = 1;
};

// Records every exchange; the test answers them.
class FakeTransport final : public UpstreamTransport {
public:
  struct Sent {
    Upstream upstream;
    Protocol protocol;
    std::vector<std::uint8_t> query;
    ExchangeCallbacks callbacks;
    std::shared_ptr<bool> alive;
  };

  [[nodiscard]] std::unique_ptr<Exchange> start(const Upstream& upstream,
                                                Protocol protocol,
                                                std::span<const std::uint8_t> query,
                                                ExchangeCallbacks callbacks) override;

  std::vector<Sent>& sent() { return sent_; }

  // Delivers `reply` to exchange `index` as if from its upstream (or from `port` if given).
  void reply(std::size_t index, const std::vector<std::uint8_t>& reply, int port = -1);
  void fail(std::size_t index, ExchangeError error);

  [[nodiscard]] bool alive(std::size_t index) const { return *sent_.at(index).alive; }

private:
  std::vector<Sent> sent_;
};

// One record for makeReply: owner is the question name.
struct TestRecord {
  std::uint16_t type = 1;
  std::uint32_t ttl = 300;
  std::vector<std::uint8_t> rdata{192, 0, 2, 1};
};

struct ReplySpec {
  std::uint16_t rcode = 0;
  bool truncated = false;
  std::vector<TestRecord> answers;
  // An SOA in the authority section with this TTL and MINIMUM, when set.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> soa;
  bool edns = true;
  int id_delta = 0;            // added to the query's ID (a wrong ID when not 0)
  std::string qname_override;  // answer another question when not empty ("other.test.")
};

// A reply to `query` (as the forwarder sent it) built from `spec`.
[[nodiscard]] std::vector<std::uint8_t> makeReply(std::span<const std::uint8_t> query,
                                                  const ReplySpec& spec);

// A client query for `name` ("www.example.test.") and `qtype`, with EDNS when `edns`.
[[nodiscard]] std::vector<std::uint8_t> makeQuery(const std::string& name,
                                                  std::uint16_t qtype,
                                                  std::uint16_t id,
                                                  bool edns = false);

// Uncompressed wire form of a presentation name.
[[nodiscard]] std::vector<std::uint8_t> wireName(const std::string& name);

}  // namespace holdfast::resolver::testing
