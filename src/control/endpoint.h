// Endpoint configuration: the plain structs the configuration loader fills for the control plane.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace holdfast::control {

// DNS record types a managed endpoint may publish (RFC 1035 section 3.2.2, RFC 3596).
inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeAaaa = 28;

// One backend of an endpoint.
struct BackendConfig {
  std::string address;  // IP literal in canonical text form, matching the endpoint's rrtype
};

// How a backend's health is observed.
struct HealthCheckConfig {
  enum class Kind {
    kTcp,   // healthy iff a TCP connection to address:port completes within the timeout
    kHttp,  // healthy iff an HTTP/1.0 GET of http_path answers with an accepted status in time
  };
  Kind kind = Kind::kTcp;
  std::uint16_t port = 0;
  std::string http_path = "/";
  // The HTTP statuses that count as healthy (inclusive); 2xx unless a caller widens it.
  int http_status_min = 200;
  int http_status_max = 299;
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds timeout{500};
  int rise = 2;  // consecutive successes that mark an unhealthy backend healthy
  int fall = 2;  // consecutive failures that mark a healthy backend unhealthy
};

// How many addresses one publish may remove from an endpoint: a count, or a share of the
// addresses published at the time.
struct ChangeBudget {
  enum class Unit {
    kCount,    // at most `value` addresses
    kPercent,  // at most `value` percent of the published addresses, rounded down
  };
  Unit unit = Unit::kPercent;
  std::uint32_t value = 50;  // 100% means no limit

  // How many of `published_count` addresses one publish may remove. Never less than one, so a
  // small endpoint can always move, and never more than `published_count`.
  [[nodiscard]] std::size_t allowed(std::size_t published_count) const;

  bool operator==(const ChangeBudget&) const = default;
};

// What happens to a plan that would remove more than the change budget.
enum class OverBudget {
  kStep,  // the planner steps down: each plan removes at most the budget from what is published
  kHold,  // the planner plans the full change; enactors hold it until an operator approves it
};

// Blast-radius policy of one endpoint (the safety rules on top of health).
struct EndpointPolicy {
  ChangeBudget max_remove;
  OverBudget over_budget = OverBudget::kStep;
  // With every backend unhealthy: true serves all of them (S1); false keeps the current plan.
  bool fail_open = true;
  // Plans keep at least this many addresses, topping up with unhealthy backends if needed.
  std::uint32_t min_healthy = 1;
  // 0: off. Otherwise, when more than this percent of the backends look down at once, health is
  // ignored and every backend is served: more likely a checker or network fault than real ones.
  std::uint32_t panic_percent = 0;

  bool operator==(const EndpointPolicy&) const = default;
};

// One managed name: the control plane publishes the healthy subset of its backends.
struct EndpointConfig {
  std::string name;  // fully qualified, lowercase, trailing dot: "api.example.test."
  std::string zone;  // the zone that serves it: "example.test."
  std::uint16_t rrtype = kTypeA;
  std::uint32_t ttl_seconds = 30;
  std::vector<BackendConfig> backends;
  HealthCheckConfig check;
  EndpointPolicy policy;
};

// Settings of the control plane as a whole.
struct ControlOptions {
  int enactors = 3;     // independent enactors, ids "enactor-1".."enactor-N"
  int keep_plans = 10;  // janitor retention K: plans with generation >= published - K are kept
  std::chrono::milliseconds janitor_interval{5000};
  EndpointPolicy policy;  // the default of every endpoint that does not set its own
};

// Checks one endpoint. On failure returns kConfig with a message that starts with the field
// name ("backends[1].address: ..."), so the loader can point at the line that set it.
[[nodiscard]] Status validate(const EndpointConfig& endpoint);

// Checks every endpoint and that no name is configured twice. Messages start with
// "endpoints[<index>].<field>".
[[nodiscard]] Status validate(const std::vector<EndpointConfig>& endpoints);

// Checks the control plane settings; messages start with the field name.
[[nodiscard]] Status validate(const ControlOptions& options);

}  // namespace holdfast::control
