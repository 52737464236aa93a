// The alert rules of `holdfast probe`: observations of names at resolvers turned into
// de-duplicated conditions, each firing only after it has held for the configured duration.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "probe/address_checks.h"
#include "probe/dns_query.h"
#include "probe/failure_window.h"
#include "probe/probe_options.h"
#include "probe/webhook.h"

namespace holdfast::probe {

// Condition names, as sent in the webhook's "alert" field. The subject is "<name>@<resolver>".
inline constexpr const char* kAlertNameEmptied = "name_emptied";  // had addresses, now none
inline constexpr const char* kAlertEmptyAnswer = "empty_answer";  // never had any
inline constexpr const char* kAlertUnreachable = "resolver_unreachable";
inline constexpr const char* kAlertAddressMissing = "address_missing";
inline constexpr const char* kAlertSlowAnswer = "slow_answer";
inline constexpr const char* kAlertLatencyAnomaly = "latency_anomaly";
inline constexpr const char* kAlertFailureRatio = "failure_ratio";
// End-to-end conditions: the subject is "<name>-><address>:<port>", or "<name>->*:<port>"
// when every address failed.
inline constexpr const char* kAlertUnreachableAddress = "unreachable_address";
inline constexpr const char* kAlertAllAddressesUnreachable = "all_addresses_unreachable";

// The rolling baseline of one name at one resolver: the median of this many recent answers.
inline constexpr std::size_t kBaselineSamples = 20;
// No anomaly is judged before this many answers: a baseline of one or two is noise.
inline constexpr std::size_t kBaselineMinSamples = 5;
// An answer within this of the baseline is never an anomaly, so that sub-millisecond jitter on
// a fast path (loopback, a warm cache) does not page.
inline constexpr std::chrono::milliseconds kAnomalyFloor{20};

// Judges observations against a check's expectations. Not thread-safe: one probe loop owns it.
class ProbeRules {
public:
  // `alerts` is borrowed and must outlive the rules.
  ProbeRules(std::chrono::milliseconds for_duration, AlertTracker& alerts)
      : for_duration_(for_duration), alerts_(alerts) {}

  // One answer (or its absence) for `check` from `resolver` at `now`.
  void observe(const ProbeCheck& check,
               const ResolverTarget& resolver,
               const Observation& observation,
               std::chrono::steady_clock::time_point now);

  // The connects to the addresses `check` resolved to this round (see probeAddresses). An
  // address judged before that is no longer among `results` left the answer: its condition
  // resolves. Call only in rounds where at least one resolver answered.
  void observeConnects(const ProbeCheck& check,
                       const std::vector<AddressResult>& results,
                       std::chrono::steady_clock::time_point now);

  // The summary of the last judgement of `condition` about `subject` ("" if never judged).
  [[nodiscard]] std::string lastSummary(const std::string& condition,
                                        const std::string& subject) const;

private:
  using Key = std::pair<std::string, std::string>;  // condition, subject

  // The latency anomaly rule, and the baseline it keeps.
  void judgeLatency(const ProbeCheck& check,
                    const std::string& subject,
                    std::chrono::microseconds latency,
                    std::chrono::steady_clock::time_point now);

  // The failure-ratio rule over the window of `subject`.
  void judgeFailures(const ProbeCheck& check,
                     const std::string& subject,
                     bool failed,
                     std::chrono::steady_clock::time_point now);

  // Resolves unreachable_address for the addresses of `check` that are no longer in `current`.
  void forgetDepartedTargets(const ProbeCheck& check,
                             const std::set<std::string>& current,
                             std::chrono::steady_clock::time_point now);

  // Reports one condition; it fires once it has been true for for_duration_.
  void judge(const std::string& condition,
             const std::string& subject,
             bool active,
             const std::string& summary,
             std::chrono::steady_clock::time_point now);

  const std::chrono::milliseconds for_duration_;
  AlertTracker& alerts_;
  std::map<Key, std::chrono::steady_clock::time_point> true_since_;
  std::map<Key, std::string> summaries_;  // the last summary of each condition judged
  std::map<std::string, std::vector<std::string>> last_addresses_;  // subject -> last non-empty
  std::map<std::string, std::deque<std::chrono::microseconds>> latencies_;  // subject -> recent
  std::map<std::string, FailureWindow> failures_;                           // subject -> window

  // The addresses one check connected to: last round's, and those that left the answer then.
  struct ConnectState {
    std::set<std::string> targets;
    std::set<std::string> departed;
  };

  std::map<std::string, ConnectState> connects_;  // check.where -> state
};

}  // namespace holdfast::probe
