// Expectations of a probe check, and the for-duration that keeps one bad answer from paging.
#include "probe/probe_rules.h"

#include <algorithm>

#include <fmt/format.h>

namespace holdfast::probe {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ",") + item;
  }
  return out;
}

const char* rcodeName(std::uint16_t rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 5:
      return "REFUSED";
    default:
      return "an error";
  }
}

}  // namespace

void ProbeRules::judge(const std::string& condition,
                       const std::string& subject,
                       bool active,
                       const std::string& summary,
                       std::chrono::steady_clock::time_point now) {
  const Key key{condition, subject};
  summaries_[key] = summary;
  if (!active) {
    true_since_.erase(key);
    alerts_.update(condition, subject, false, summary);
    return;
  }
  const auto [it, inserted] = true_since_.emplace(key, now);
  if (now - it->second >= for_duration_) {
    alerts_.update(condition, subject, true, summary);
  }
}

std::string ProbeRules::lastSummary(const std::string& condition,
                                    const std::string& subject) const {
  const auto it = summaries_.find(Key{condition, subject});
  return it == summaries_.end() ? std::string() : it->second;
}

void ProbeRules::judgeLatency(const ProbeCheck& check,
                              const std::string& subject,
                              std::chrono::microseconds latency,
                              std::chrono::steady_clock::time_point now) {
  std::deque<std::chrono::microseconds>& recent = latencies_[subject];
  if (check.anomaly_factor && recent.size() >= kBaselineMinSamples) {
    std::vector<std::chrono::microseconds> sorted(recent.begin(), recent.end());
    std::nth_element(sorted.begin(),
                     sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const auto median = sorted[sorted.size() / 2];
    const auto limit = std::max(
        std::chrono::microseconds(
            static_cast<std::int64_t>(static_cast<double>(median.count()) * *check.anomaly_factor)),
        median + std::chrono::duration_cast<std::chrono::microseconds>(kAnomalyFloor));
    judge(kAlertLatencyAnomaly, subject, latency > limit,
          fmt::format("answered in {:.1f} ms; the median of the last {} answers is {:.1f} ms",
                      static_cast<double>(latency.count()) / 1000.0, recent.size(),
                      static_cast<double>(median.count()) / 1000.0),
          now);
  }
  recent.push_back(latency);
  if (recent.size() > kBaselineSamples) {
    recent.pop_front();
  }
}

void ProbeRules::judgeFailures(const ProbeCheck& check,
                               const std::string& subject,
                               bool failed,
                               std::chrono::steady_clock::time_point now) {
  auto [it, inserted] = failures_.try_emplace(subject, check.failure_ratio.window);
  FailureWindow& window = it->second;
  window.record(failed);
  if (!window.full()) {
    return;
  }
  const double ratio = window.ratio();
  judge(kAlertFailureRatio, subject, ratio > check.failure_ratio.above,
        fmt::format("{} of the last {} queries failed ({:.0f}%, limit {:.0f}%)", window.failures(),
                    window.attempts(), ratio * 100.0, check.failure_ratio.above * 100.0),
        now);
}

void ProbeRules::forgetDepartedTargets(const ProbeCheck& check,
                                       const std::set<std::string>& current,
                                       std::chrono::steady_clock::time_point now) {
  ConnectState& state = connects_[check.where];
  // Summaries of addresses that left the answer a round ago go, so that a name whose addresses
  // keep changing does not grow this map without bound.
  for (const std::string& target : state.departed) {
    if (!current.contains(target)) {
      summaries_.erase(Key{kAlertUnreachableAddress, check.name + "->" + target});
    }
  }
  state.departed.clear();
  for (const std::string& target : state.targets) {
    if (!current.contains(target)) {
      judge(kAlertUnreachableAddress, check.name + "->" + target, false,
            target + ": no longer in the answer", now);
      state.departed.insert(target);
    }
  }
  state.targets = current;
}

void ProbeRules::observeConnects(const ProbeCheck& check,
                                 const std::vector<AddressResult>& results,
                                 std::chrono::steady_clock::time_point now) {
  std::set<std::string> current;
  std::vector<std::string> failed;
  for (const AddressResult& result : results) {
    current.insert(result.target);
    judge(kAlertUnreachableAddress, check.name + "->" + result.target, !result.reachable,
          result.target + ": " + result.reason, now);
    if (!result.reachable) {
      failed.push_back(result.target + " (" + result.reason + ")");
    }
  }
  forgetDepartedTargets(check, current, now);

  const bool all_failed = !results.empty() && failed.size() == results.size();
  judge(kAlertAllAddressesUnreachable,
        fmt::format("{}->*:{}", check.name, check.connect ? check.connect->health.port : 0),
        all_failed,
        all_failed
            ? fmt::format("none of {} address(es) accepted: {}", results.size(), joined(failed))
            : fmt::format("{} of {} address(es) accepted", results.size() - failed.size(),
                          results.size()),
        now);
}

void ProbeRules::observe(const ProbeCheck& check,
                         const ResolverTarget& resolver,
                         const Observation& observation,
                         std::chrono::steady_clock::time_point now) {
  const std::string subject = check.name + "@" + resolver.text;

  // SERVFAIL and REFUSED count with timeouts: to a client they are failures all the same.
  judgeFailures(check, subject,
                !observation.answered || observation.rcode == 2 || observation.rcode == 5, now);

  // An unreachable resolver says nothing about the name: the other conditions keep their state.
  judge(kAlertUnreachable, subject, !observation.answered,
        observation.answered ? "answering again" : observation.error, now);
  if (!observation.answered) {
    return;
  }

  const bool empty = observation.addresses.empty();
  const auto previous = last_addresses_.find(subject);
  const bool had = previous != last_addresses_.end();
  const std::string answer = fmt::format("{} with {} address(es)", rcodeName(observation.rcode),
                                         observation.addresses.size());
  if (check.non_empty) {
    // "A name that had addresses now returns none" is its own alert: the outage to catch.
    judge(kAlertNameEmptied, subject, empty && had,
          had ? fmt::format("{} had {} and now answers {}", check.name, joined(previous->second),
                            answer)
              : answer,
          now);
    judge(kAlertEmptyAnswer, subject, empty && !had, answer, now);
  }
  if (!empty) {
    last_addresses_[subject] = observation.addresses;
  }

  if (!check.contains.empty()) {
    std::vector<std::string> missing;
    for (const std::string& address : check.contains) {
      if (std::find(observation.addresses.begin(), observation.addresses.end(), address) ==
          observation.addresses.end()) {
        missing.push_back(address);
      }
    }
    judge(kAlertAddressMissing, subject, !missing.empty(),
          missing.empty() ? "every expected address is in the answer"
                          : fmt::format("missing {} (answer: {})", joined(missing),
                                        joined(observation.addresses)),
          now);
  }

  judgeLatency(check, subject, observation.latency, now);

  if (check.max_latency) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(observation.latency);
    judge(kAlertSlowAnswer, subject, observation.latency > *check.max_latency,
          fmt::format("answered in {} ms (limit {} ms)", ms.count(), check.max_latency->count()),
          now);
  }
}

}  // namespace holdfast::probe
