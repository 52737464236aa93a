// Pieces of the probe configuration reader shared between its files.
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"
#include "config/config_reader_internal.h"
#include "probe/probe_options.h"

namespace holdfast::config {

// Bounds on the probe's durations. Below kMinProbeInterval rounds follow each other so fast that
// alerts flap and the probe spins a core; a probe that looks less often than kMaxProbeInterval,
// or holds a condition back longer than kMaxProbeFor, notices an outage too late to matter.
inline constexpr std::chrono::milliseconds kMinProbeInterval{100};
inline constexpr std::chrono::milliseconds kMaxProbeInterval{3600 * 1000};
inline constexpr std::chrono::milliseconds kMaxProbeFor{3600 * 1000};
// Below this even a loopback answer or connect can miss its deadline on a loaded machine.
inline constexpr std::chrono::milliseconds kMinProbeTimeout{10};

// A failure-ratio window shorter than this judges noise; longer ones cost memory per
// name and resolver for little gain.
inline constexpr std::size_t kMinFailureWindow = 5;
inline constexpr std::size_t kMaxFailureWindow = 1000;

// A duration as a configuration file writes it: "1h", "2s", "250ms".
[[nodiscard]] std::string durationText(std::chrono::milliseconds duration);

// Reads `failure_ratio: {above: 0.25, window: 20}` at `field` over `ratio`: keys it does not
// set keep their value.
[[nodiscard]] Status readFailureRatio(const Reader& r,
                                      const YAML::Node& node,
                                      const std::string& field,
                                      probe::FailureRatio& ratio);

// Reads a check's `connect:` mapping: `{tcp: 443}` or `{http: {port, path, expect_status}}`,
// with optional `timeout` (default the probe's, at most its interval) and `max_addresses`.
// `options` holds the probe's interval and timeout, already read.
[[nodiscard]] Status readConnect(const Reader& r,
                                 const YAML::Node& node,
                                 const std::string& field,
                                 const probe::ProbeOptions& options,
                                 probe::ConnectCheck& connect);

}  // namespace holdfast::config
