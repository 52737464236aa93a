// ForwarderSettings: the reloadable behaviour of the forwarder, with its defaults.
#pragma once

#include <chrono>

#include "resolver/cached_message.h"
#include "resolver/last_known_good.h"

namespace holdfast::resolver {

// RFC 8767 defaults. The window is how long expired data may still be served: one day rides
// out a provider outage of a working day while keeping answers from going very old (section 5
// suggests 1 to 3 days). The answer TTL makes clients come back soon (section 4 recommends 30 s).
// The client timeout is how long a client waits for a refresh before stale data is sent (section
// 5 recommends 1.8 s, under common stub timeouts). The recheck interval is how long a failed
// refresh makes later queries get stale data at once, so a dead upstream is not hammered (30 s).
inline constexpr std::chrono::hours kDefaultStaleWindow{24};
inline constexpr std::chrono::seconds kDefaultStaleAnswerTtl{30};
inline constexpr std::chrono::milliseconds kDefaultClientResponseTimeout{1800};
inline constexpr std::chrono::seconds kDefaultFailureRecheck{30};

// Time a client waits at most: after it, the forwarder answers stale data or SERVFAIL. Under
// the 5 s a glibc stub waits, so the client gets our answer rather than its own timeout.
inline constexpr std::chrono::milliseconds kDefaultClientDeadline{3000};

// Attempts per client query over all upstreams, counting retries, TCP and no-EDNS re-sends and
// probes: enough to try a few upstreams, small enough that one query cannot fan out.
inline constexpr int kDefaultMaxAttempts = 4;

struct ServeStaleOptions {
  bool enabled = true;
  std::chrono::milliseconds window{kDefaultStaleWindow};
  std::chrono::seconds answer_ttl{kDefaultStaleAnswerTtl};
  std::chrono::milliseconds client_timeout{kDefaultClientResponseTimeout};
  std::chrono::milliseconds failure_recheck{kDefaultFailureRecheck};
};

struct ForwarderSettings {
  std::chrono::milliseconds client_deadline{kDefaultClientDeadline};
  int max_attempts = kDefaultMaxAttempts;
  TtlPolicy ttl;
  ServeStaleOptions stale;
  bool prefetch = true;
  LastKnownGood last_known_good;

  // The stale window in force: zero when serve-stale is off.
  [[nodiscard]] std::chrono::milliseconds staleWindow() const noexcept {
    return stale.enabled ? stale.window : std::chrono::milliseconds(0);
  }
};

}  // namespace holdfast::resolver
