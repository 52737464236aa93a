// What `holdfast probe` watches: names × resolvers × expectations, and where alerts go.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/endpoint.h"
#include "probe/webhook.h"

namespace holdfast::probe {

// One resolver asked, "address:port" or "[v6]:port" (port 53 when the config omits it).
struct ResolverTarget {
  std::string text;  // as shown in alerts and logs
  std::string host;  // IP literal, IPv6 without brackets
  std::uint16_t port = 53;
};

// Bounds of the end-to-end check: each address is probed on its own thread, so the count per
// check is capped; addresses beyond it are left out of that round (and logged).
inline constexpr std::size_t kDefaultConnectAddresses = 8;
inline constexpr std::size_t kMaxConnectAddresses = 32;

// After resolving, connect to every resolved address (TCP, or an HTTP GET whose status must
// fall within the health check's range). Uses the control plane's socket prober.
struct ConnectCheck {
  control::HealthCheckConfig health;  // kind, port, http_path, status range, timeout
  std::size_t max_addresses = kDefaultConnectAddresses;
};

// Failure-ratio rule: among the last `window` queries of one name at one resolver, a share of
// failures (no answer, SERVFAIL, REFUSED) above `above` fires `failure_ratio`.
struct FailureRatio {
  double above = 0.5;       // 1 never fires: the rule is then off
  std::size_t window = 20;  // judged only once this many attempts were made
};

// One name asked of every listed resolver, with what its answer must satisfy.
struct ProbeCheck {
  std::string name;          // "api.example.test." (lowercase, trailing dot)
  std::uint16_t rrtype = 1;  // A (1) or AAAA (28)
  std::vector<ResolverTarget> resolvers;
  bool non_empty = true;              // the answer must hold at least one address
  std::vector<std::string> contains;  // addresses that must be in the answer
  std::optional<std::chrono::milliseconds> max_latency;  // the answer must come within this
  // Latency anomaly: an answer slower than this factor times the median of the recent answers
  // (and slower than that median by kAnomalyFloor at least) fires `latency_anomaly`.
  std::optional<double> anomaly_factor;
  FailureRatio failure_ratio;
  std::optional<ConnectCheck> connect;
  std::string where;  // "probe.yaml:7" for messages
};

struct ProbeOptions {
  std::chrono::milliseconds interval{1000};  // between rounds of every check
  std::chrono::milliseconds timeout{1000};   // per query; no longer than interval
  // A condition must hold this long before it fires; 0 fires at the first failed round.
  std::chrono::milliseconds for_duration{0};
  std::vector<ProbeCheck> checks;
  std::vector<WebhookUrl> webhooks;
  std::string source = "holdfast-probe";  // "source" field of webhook bodies
};

}  // namespace holdfast::probe
