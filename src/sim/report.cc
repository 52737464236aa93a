// Report: summary lines, violation lines, commit lines and the trace writer.
#include "sim/report.h"

#include <fmt/format.h>

#include "control/ip_address.h"
#include "control/records.h"
#include "sim/naive_records.h"

namespace holdfast::sim {

namespace {

std::string formatSeconds(std::int64_t ms) {
  return fmt::format("{}.{:03}s", ms / 1000, ms % 1000);
}

// plans/e0.sim.test./00000000000000000005 -> plans/e0.sim.test./5
std::string shortKey(const std::string& key) {
  const std::size_t slash = key.rfind('/');
  if (slash != std::string::npos && key.size() - slash - 1 == 20) {
    if (auto counter = control::parseCounterKey(key.substr(0, slash + 1), key)) {
      return key.substr(0, slash + 1) + std::to_string(*counter);
    }
  }
  return key;
}

std::string describeValue(const store::KeyValue& kv) {
  const std::string& key = kv.key;
  if (store::hasPrefix(key, control::kPublishedPrefix)) {
    auto record = control::decodePublished(kv.value);
    return record.ok() ? fmt::format("g{} [{}] by {}", record->generation,
                                     control::joinAddresses(record->addresses), record->applied_by)
                       : "unreadable";
  }
  if (store::hasPrefix(key, control::kPlansPrefix)) {
    if (key.ends_with("/latest")) {
      auto latest = control::decodeLatest(kv.value);
      return latest.ok() ? fmt::format("-> g{}", latest->generation) : "unreadable";
    }
    auto plan = control::decodePlan(kv.value);
    return plan.ok() ? fmt::format("[{}]{}", control::joinAddresses(plan->addresses),
                                   plan->fail_open ? " fail-open" : "")
                     : "unreadable (invalid plan)";
  }
  if (store::hasPrefix(key, control::kHealthPrefix)) {
    auto health = control::decodeHealth(kv.value);
    return health.ok() ? (health->healthy ? "healthy" : "unhealthy") : "unreadable";
  }
  if (store::hasPrefix(key, control::kJournalPrefix)) {
    auto entry = control::decodeJournal(kv.value);
    return entry.ok() ? fmt::format("g{} -> g{} +[{}] -[{}]", entry->old_generation,
                                    entry->new_generation, control::joinAddresses(entry->added),
                                    control::joinAddresses(entry->removed))
                      : "unreadable";
  }
  if (store::hasPrefix(key, "naive/active/")) {
    auto active = decodeNaiveActive(kv.value);
    return active.ok() ? fmt::format("-> plan g{} (checked against g{})", active->generation,
                                     active->checked_against)
                       : "unreadable";
  }
  return kv.value.size() > 60 ? kv.value.substr(0, 57) + "..." : kv.value;
}

}  // namespace

std::string formatViolation(const Violation& violation) {
  return fmt::format("{} {} at {} (step {}): {}", propertyName(violation.property),
                     propertyTitle(violation.property), formatSeconds(violation.at_ms),
                     violation.step, violation.message);
}

std::string formatCommit(const Commit& commit) {
  std::string out;
  for (const store::Event& event : commit.events) {
    const bool put = event.type == store::Event::Type::kPut;
    out += fmt::format("      rev {} {}: {} {}{}\n", commit.revision, actorName(commit.actor),
                       put ? "put" : "del", shortKey(event.kv.key),
                       put ? " " + describeValue(event.kv) : "");
  }
  return out;
}

void TraceWriter::onStep(const Step& step,
                         std::span<const Commit> commits,
                         std::span<const Violation> found) {
  if (step.action == Action::kFaultsStop) {
    text_ += formatStep(step) +
             "\n  -- recovery: fair rounds, no faults (repeated outcomes are counted, not "
             "shown) --\n";
    recovering_ = true;
    return;
  }
  if (recovering_ && commits.empty() && found.empty() &&
      !recovery_outcomes_.insert(actorName(step.actor) + ": " + step.note).second) {
    ++quiet_;
    return;
  }
  flushQuiet();
  text_ += formatStep(step) + "\n";
  for (const Commit& commit : commits) {
    text_ += formatCommit(commit);
  }
  for (const Violation& violation : found) {
    text_ += "  !! " + formatViolation(violation) + "\n";
  }
}

void TraceWriter::finish(std::span<const Violation> late) {
  flushQuiet();
  for (const Violation& violation : late) {
    text_ += "  !! " + formatViolation(violation) + "\n";
  }
}

void TraceWriter::flushQuiet() {
  if (quiet_ > 0) {
    text_ += fmt::format("  ({} repeated recovery steps)\n", quiet_);
    quiet_ = 0;
  }
}

std::string formatSummary(const SimConfig& config,
                          const SweepOptions& options,
                          const Summary& summary) {
  std::string out = fmt::format(
      "protocol         {}\n"
      "seeds            {}..{}\n"
      "actors           {} planner(s), {} enactors, {}, health checks, operator, {} "
      "clients; {} endpoint(s)\n"
      "schedules        {}\n"
      "steps            {}\n"
      "violations       {} schedule(s)\n",
      protocolName(config.protocol), options.first_seed,
      options.first_seed + std::max<std::uint64_t>(options.seeds, 1) - 1, config.planners,
      config.enactors, config.protocol == Protocol::kNaive ? "clean-up by the enactors" : "janitor",
      config.clients, config.endpoints, summary.schedules, summary.steps, summary.failing);
  for (std::size_t p = 0; p < kPropertyCount; ++p) {
    if (summary.by_property[p] > 0) {
      const auto property = static_cast<Property>(p);
      out += fmt::format("  {} {:<16} {} schedule(s)\n", propertyName(property),
                         propertyTitle(property), summary.by_property[p]);
    }
  }
  out += fmt::format("empty answers    {} client(s) saw an empty answer ({} of {} answers)\n",
                     summary.clients_saw_empty, summary.empty_answers, summary.client_answers);
  if (summary.first) {
    out += fmt::format(
        "first violation  seed {}, {} at {} of virtual time; found after {:.2f}s "
        "of wall time\n",
        summary.first->seed, propertyName(summary.first->violation.property),
        formatSeconds(summary.first->violation.at_ms), summary.first_found_seconds);
  } else {
    out += "first violation  none\n";
  }
  if (summary.worst) {
    out += fmt::format("most severe      seed {}: {} {}\n", summary.worst->seed,
                       propertyName(summary.worst->violation.property),
                       propertyTitle(summary.worst->violation.property));
  }
  const double rate = summary.elapsed_seconds > 0
                          ? static_cast<double>(summary.schedules) / summary.elapsed_seconds
                          : 0.0;
  out += fmt::format("run time         {:.1f}s ({:.0f} schedules/s, {} job(s))\n",
                     summary.elapsed_seconds, rate, options.jobs);
  return out;
}

}  // namespace holdfast::sim
