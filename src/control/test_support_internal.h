// Helpers shared by the control tests: endpoints, a fixed clock, fakes and store shortcuts.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/log.h"
#include "control/endpoint.h"
#include "control/prober.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control::testing {

// A clock frozen at 2025-10-20T06:48:00Z.
class FixedClock final : public Clock {
public:
  static constexpr std::int64_t kWallMs = 1760942880000;

  [[nodiscard]] TimePoint now() const override { return TimePoint{}; }

  [[nodiscard]] std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{kWallMs}};
  }
};

// Answers from a table of address -> healthy; unknown addresses are unhealthy. Thread-safe.
class FakeProber final : public Prober {
public:
  void set(const std::string& address, bool healthy) {
    const std::lock_guard lock(mu_);
    healthy_[address] = healthy;
  }

  [[nodiscard]] ProbeResult probe(const std::string& address,
                                  const HealthCheckConfig& /*check*/) override {
    probes_.fetch_add(1);
    const std::lock_guard lock(mu_);
    const auto it = healthy_.find(address);
    const bool healthy = it != healthy_.end() && it->second;
    return ProbeResult{healthy, healthy ? "fake ok" : "fake down"};
  }

  [[nodiscard]] int probes() const { return probes_.load(); }

private:
  std::mutex mu_;
  std::map<std::string, bool> healthy_;
  std::atomic<int> probes_{0};
};

// Passes everything to `inner`, after running the hooks a test installed. Hooks run on the
// calling thread, before the call reaches the inner store.
class InterposingStore final : public store::Store {
public:
  explicit InterposingStore(store::Store& inner) : inner_(inner) {}

  std::function<void(std::string_view key)> before_get;
  std::function<void(std::string_view prefix)> before_range;
  std::function<void(const store::TxnRequest&)> before_txn;
  std::atomic<int> failing_txns{0};     // this many txn() calls fail with kStore
  std::atomic<int> failing_watches{0};  // this many watch() calls fail with kStore

  [[nodiscard]] Result<store::GetResult> get(std::string_view key) override {
    if (before_get) {
      before_get(key);
    }
    return inner_.get(key);
  }

  [[nodiscard]] Result<store::RangeResult> range(std::string_view prefix) override {
    if (before_range) {
      before_range(prefix);
    }
    return inner_.range(prefix);
  }

  [[nodiscard]] Result<store::TxnResult> txn(const store::TxnRequest& request) override {
    txns_.fetch_add(1);
    if (before_txn) {
      before_txn(request);
    }
    if (failing_txns.load() > 0) {
      failing_txns.fetch_sub(1);
      return makeError(Errc::kStore, "injected failure");
    }
    return inner_.txn(request);
  }

  [[nodiscard]] Result<store::WatchResult> watch(std::string_view prefix,
                                                 store::Revision after,
                                                 std::chrono::milliseconds max_wait) override {
    if (failing_watches.load() > 0) {
      failing_watches.fetch_sub(1);
      return makeError(Errc::kStore, "injected failure");
    }
    return inner_.watch(prefix, after, max_wait);
  }

  [[nodiscard]] Result<store::Revision> currentRevision() override {
    return inner_.currentRevision();
  }

  [[nodiscard]] int txns() const { return txns_.load(); }

private:
  store::Store& inner_;
  std::atomic<int> txns_{0};
};

// Captures everything logged while it lives.
class LogCapture {
public:
  LogCapture() {
    log::configure(log::Level::kDebug, log::Format::kJson);
    log::redirectForTesting(&out_);
  }

  ~LogCapture() {
    log::redirectForTesting(nullptr);
    log::configure(log::Level::kInfo, log::Format::kJson);
  }

  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  [[nodiscard]] std::string text() const { return out_.str(); }

private:
  std::ostringstream out_;
};

inline EndpointConfig makeEndpoint(std::string name = "api.example.test.",
                                   const std::vector<std::string>& addresses = {
                                       "127.0.0.2", "127.0.0.3", "127.0.0.4"}) {
  EndpointConfig endpoint;
  endpoint.name = std::move(name);
  endpoint.zone = "example.test.";
  endpoint.rrtype = kTypeA;
  endpoint.ttl_seconds = 30;
  for (const std::string& address : addresses) {
    endpoint.backends.push_back(BackendConfig{address});
  }
  endpoint.check.port = 8080;
  endpoint.check.rise = 1;
  endpoint.check.fall = 1;
  // These tests exercise the mechanics; the blast-radius policy has tests of its own.
  endpoint.policy.max_remove = ChangeBudget{ChangeBudget::Unit::kPercent, 100};
  return endpoint;
}

inline void setHealth(store::Store& store,
                      const EndpointConfig& endpoint,
                      const std::string& address,
                      bool healthy) {
  auto put = store.put(healthKey(endpoint.name, address),
                       encodeHealth(HealthRecord{healthy, FixedClock::kWallMs, "test"}));
  ASSERT_TRUE(put.ok()) << put.error().toString();
}

inline void setAllHealth(store::Store& store, const EndpointConfig& endpoint, bool healthy) {
  for (const BackendConfig& backend : endpoint.backends) {
    setHealth(store, endpoint, backend.address, healthy);
  }
}

// Writes a plan and points latest at it, bypassing the planner.
inline void putPlan(store::Store& store, const Plan& plan) {
  store::TxnRequest request;
  request.success.push_back(
      store::Op::put(planKey(plan.endpoint, plan.generation), encodePlan(plan)));
  request.success.push_back(
      store::Op::put(latestKey(plan.endpoint), encodeLatest(LatestRecord{plan.generation})));
  ASSERT_TRUE(store.txn(request).ok());
}

inline Plan makePlan(const EndpointConfig& endpoint,
                     Generation generation,
                     std::vector<std::string> addresses) {
  return Plan{
      generation, endpoint.name, endpoint.rrtype, endpoint.ttl_seconds, std::move(addresses),
      "test",     false};
}

inline std::optional<PublishedRecord> readPublishedRecord(store::Store& store,
                                                          const EndpointConfig& endpoint) {
  auto got = store.get(publishedKey(endpoint.name));
  if (!got.ok() || !got->kv) {
    return std::nullopt;
  }
  auto record = decodePublished(got->kv->value);
  if (!record.ok()) {
    return std::nullopt;
  }
  return *record;
}

inline std::optional<store::KeyValue> getKey(store::Store& store, const std::string& key) {
  auto got = store.get(key);
  if (!got.ok()) {
    return std::nullopt;
  }
  return got->kv;
}

// Polls `condition` until it holds or `limit` passes; for tests with threads only.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

}  // namespace holdfast::control::testing
