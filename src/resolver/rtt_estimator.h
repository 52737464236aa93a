// RttEstimator: smoothed round-trip time of one upstream and the timeout derived from it.
#pragma once

#include <algorithm>
#include <chrono>

namespace holdfast::resolver {

// Bounds on the retransmission timeout of one upstream attempt. The floor keeps scheduling noise
// on a loaded host from turning a healthy loopback upstream into a "timeout"; the ceiling keeps
// one attempt well inside the client's deadline so a retry to another upstream still fits.
inline constexpr std::chrono::milliseconds kMinRto{150};
inline constexpr std::chrono::milliseconds kMaxRto{1200};

// The timeout before any answer was measured: long enough for a distant upstream, short enough
// that a blackholed one costs a client well under a second.
inline constexpr std::chrono::milliseconds kInitialRto{400};

// Jacobson/Karels estimation as in RFC 6298 section 2: SRTT and RTTVAR, RTO = SRTT + 4 RTTVAR.
// Not thread-safe.
class RttEstimator {
public:
  using Duration = std::chrono::microseconds;

  void addSample(Duration rtt) noexcept {
    if (!measured_) {
      srtt_ = rtt;
      rttvar_ = rtt / 2;
      measured_ = true;
      return;
    }
    const Duration delta = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
    rttvar_ = (rttvar_ * 3 + delta) / 4;
    srtt_ = (srtt_ * 7 + rtt) / 8;
  }

  // A timeout says the RTT is at least the timeout that ran out (RFC 6298 section 5.5 doubles
  // it instead, but our retry already goes elsewhere); selection then prefers other upstreams.
  void addTimeout(Duration timeout) noexcept {
    if (!measured_ || srtt_ < timeout) {
      addSample(timeout);
    }
  }

  [[nodiscard]] bool measured() const noexcept { return measured_; }

  [[nodiscard]] Duration srtt() const noexcept { return srtt_; }

  [[nodiscard]] std::chrono::milliseconds rto() const noexcept {
    if (!measured_) {
      return kInitialRto;
    }
    const auto rto = std::chrono::ceil<std::chrono::milliseconds>(srtt_ + rttvar_ * 4);
    return std::clamp(rto, std::chrono::milliseconds(kMinRto), std::chrono::milliseconds(kMaxRto));
  }

private:
  Duration srtt_{0};
  Duration rttvar_{0};
  bool measured_ = false;
};

}  // namespace holdfast::resolver
