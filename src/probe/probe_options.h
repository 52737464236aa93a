// What `holdfast probe` watches: names × resolvers × expectations, and where alerts go.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/webhook.h"

namespace holdfast::probe {

// One resolver asked, "address:port" or "[v6]:port" (port 53 when the config omits it).
struct ResolverTarget {
  std::string text;  // as shown in alerts and logs
  std::string host;  // IP literal, IPv6 without brackets
  std::uint16_t port = 53;
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
