// Checker: per-commit safety checks and the convergence test behind L1.
#include "sim/checker.h"

#include <fmt/format.h>

#include "control/ip_address.h"
#include "control/plan_lookup.h"
#include "control/plan_policy.h"

namespace holdfast::sim {

namespace {

struct PropertyInfo {
  Property property;
  std::string_view name;
  std::string_view title;
  int severity;
};

constexpr PropertyInfo kProperties[kPropertyCount] = {
    {Property::kS1, "S1", "never empty", 0},   {Property::kS2, "S2", "monotonic", 2},
    {Property::kS3, "S3", "atomic check", 5},  {Property::kS4, "S4", "self-contained", 3},
    {Property::kS5, "S5", "safe clean-up", 4}, {Property::kL1, "L1", "recovery", 1},
    {Property::kB1, "B1", "change budget", 6}, {Property::kB2, "B2", "pause", 7},
    {Property::kB3, "B3", "audit journal", 8},
};

const PropertyInfo& info(Property property) {
  for (const PropertyInfo& entry : kProperties) {
    if (entry.property == property) {
      return entry;
    }
  }
  return kProperties[0];
}

std::string describe(const ServedView& view) {
  if (!view.in_service) {
    return "nothing published";
  }
  const std::string addresses =
      view.addresses.empty() ? "NO ADDRESS" : "[" + control::joinAddresses(view.addresses) + "]";
  return fmt::format("generation {} {}{}", view.generation, addresses,
                     view.detail.empty() ? "" : " (" + view.detail + ")");
}

}  // namespace

std::string_view propertyName(Property property) {
  return info(property).name;
}

std::string_view propertyTitle(Property property) {
  return info(property).title;
}

int severity(Property property) {
  return info(property).severity;
}

Checker::Checker(const WorldOptions& options,
                 const std::vector<control::EndpointConfig>& endpoints,
                 SimStore& store)
    : options_(options),
      endpoints_(endpoints),
      store_(store),
      views_(endpoints.size()),
      endpoint_pause_(endpoints.size(), false) {
  for (const control::EndpointConfig& endpoint : endpoints) {
    publish_keys_.push_back(publishKey(options.protocol, endpoint));
    plan_prefixes_.push_back(control::planPrefix(endpoint.name));
  }
}

void Checker::fail(Property property, std::string message) {
  if (violations_.size() < kMaxViolations) {
    violations_.push_back(Violation{property, at_ms_, step_, std::move(message)});
  }
}

void Checker::onCommit(const Commit& commit) {
  for (int e = 0; e < static_cast<int>(endpoints_.size()); ++e) {
    checkEndpoint(e, commit);
  }
  // Pause state after the commit, for the next one (B2 judges a publish by the state it met).
  for (const store::Event& event : commit.events) {
    const bool present = event.type == store::Event::Type::kPut;
    if (event.kv.key == control::kPausedKey) {
      global_pause_ = present;
    }
    for (std::size_t e = 0; e < endpoints_.size(); ++e) {
      if (event.kv.key == control::pausedKey(endpoints_[e].name)) {
        endpoint_pause_[e] = present;
      }
    }
  }
}

bool Checker::pausedBefore(int e) const {
  return global_pause_ || endpoint_pause_[e];
}

void Checker::checkEndpoint(int e, const Commit& commit) {
  bool wrote_publish = false;
  bool touched_plans = false;
  for (const store::Event& event : commit.events) {
    wrote_publish = wrote_publish || event.kv.key == publish_keys_[e];
    touched_plans = touched_plans || store::hasPrefix(event.kv.key, plan_prefixes_[e]);
  }
  // holdfast serves published/ alone; naive also depends on the plan it references.
  const bool affects_answer =
      wrote_publish || (options_.protocol == Protocol::kNaive && touched_plans);
  const ServedView before = views_[e];
  if (touched_plans) {
    checkCleanup(e, commit, before);
  }
  if (!affects_answer) {
    return;
  }
  views_[e] = readServed(options_.protocol, store_.direct(), endpoints_[e]);
  const ServedView& after = views_[e];
  const std::string& name = endpoints_[e].name;

  // Reported when the endpoint becomes empty, not again while it stays so.
  const bool was_empty = before.in_service && before.addresses.empty();
  if (after.in_service && after.addresses.empty() && !was_empty) {
    fail(Property::kS1, fmt::format("{} serves no address: {} (before: {})", name, describe(after),
                                    describe(before)));
  } else if (before.in_service && !after.in_service) {
    fail(Property::kS1,
         fmt::format("{} is no longer published (before: {})", name, describe(before)));
  }
  if (before.in_service && after.in_service && after.generation < before.generation) {
    fail(Property::kS2, fmt::format("{} went from generation {} down to {}", name,
                                    before.generation, after.generation));
  }
  if (!wrote_publish && !after.sameAnswer(before)) {
    fail(Property::kS4,
         fmt::format("{}: a {} write that published nothing changed the answer from {} to {}", name,
                     actorName(commit.actor), describe(before), describe(after)));
  }
  if (wrote_publish && after.generation != before.generation) {
    checkPublish(e, commit, before, after);
  }
}

void Checker::checkPublish(int e,
                           const Commit& commit,
                           const ServedView& before,
                           const ServedView& after) {
  const control::EndpointConfig& endpoint = endpoints_[e];
  if (options_.protocol == Protocol::kNaive) {
    if (after.checked_against && *after.checked_against != before.generation) {
      fail(Property::kS3, fmt::format("{}: {} published generation {} after checking it against "
                                      "generation {}, but replaced generation {}",
                                      endpoint.name, actorName(commit.actor), after.generation,
                                      *after.checked_against, before.generation));
    }
    return;
  }

  if (pausedBefore(e)) {
    fail(Property::kB2, fmt::format("{}: {} published generation {} while paused", endpoint.name,
                                    actorName(commit.actor), after.generation));
  }
  const control::AddressDiff diff = control::diffAddresses(before.addresses, after.addresses);
  const std::size_t allowed = endpoint.policy.max_remove.allowed(before.addresses.size());
  if (before.in_service && diff.removed.size() > allowed) {
    fail(Property::kB1, fmt::format("{}: {} removed {} addresses at once, budget {}", endpoint.name,
                                    actorName(commit.actor), diff.removed.size(), allowed));
  }

  // The journal entry written in the same transaction says which generation the writer's
  // newer-than check was made against; with the check inside the transaction it must be
  // exactly the one replaced (S3), and it must record exactly this change (B3).
  const std::string prefix = control::journalPrefix(endpoint.zone);
  for (const store::Event& event : commit.events) {
    if (event.type != store::Event::Type::kPut || !store::hasPrefix(event.kv.key, prefix)) {
      continue;
    }
    auto entry = control::decodeJournal(event.kv.value);
    if (!entry.ok() || entry->endpoint != endpoint.name) {
      continue;
    }
    if (entry->old_generation != before.generation) {
      fail(Property::kS3,
           fmt::format("{}: {} checked generation {} but replaced {}", endpoint.name,
                       actorName(commit.actor), entry->old_generation, before.generation));
    }
    if (entry->new_generation != after.generation || entry->added != diff.added ||
        entry->removed != diff.removed) {
      fail(Property::kB3, fmt::format("{}: the journal entry of generation {} does not match "
                                      "the change",
                                      endpoint.name, after.generation));
    }
    return;
  }
  fail(Property::kB3, fmt::format("{}: generation {} published without a journal entry",
                                  endpoint.name, after.generation));
}

void Checker::checkCleanup(int e, const Commit& commit, const ServedView& before) {
  // Hand edits are the operator's business; S5 binds the automation.
  if (commit.actor.kind != ActorKind::kJanitor && commit.actor.kind != ActorKind::kEnactor) {
    return;
  }
  const control::EndpointConfig& endpoint = endpoints_[e];
  const auto keep = static_cast<std::int64_t>(options_.keep_plans);
  for (const store::Event& event : commit.events) {
    if (event.type != store::Event::Type::kDelete ||
        !store::hasPrefix(event.kv.key, plan_prefixes_[e])) {
      continue;
    }
    const auto generation = control::parsePlanKey(endpoint.name, event.kv.key);
    const auto published = static_cast<std::int64_t>(before.generation);
    if (!generation || !before.in_service ||
        static_cast<std::int64_t>(*generation) >= published - keep) {
      fail(Property::kS5,
           fmt::format("{}: {} deleted {} while {} was published (keeping {})", endpoint.name,
                       actorName(commit.actor), event.kv.key,
                       before.in_service ? std::to_string(published) : "nothing", keep));
    }
  }
}

std::string Checker::unconverged(int e) {
  const control::EndpointConfig& endpoint = endpoints_[e];
  const ServedView& view = views_[e];
  auto observed = control::readObservations(store_.direct(), endpoint, nullptr);
  if (!observed.ok()) {
    return "health unreadable";
  }
  // The planner's own decision function, given what is served now (holdfast steps down from it).
  const bool budgeted = options_.protocol == Protocol::kHoldfast;
  const auto decision = control::decidePlan(
      endpoint, *observed, budgeted && view.in_service ? &view.addresses : nullptr);
  if (!decision) {
    return "waiting for a first health observation";
  }
  const bool frozen = decision->mode == control::PlanMode::kFrozen;
  if (frozen && !view.in_service) {
    return {};  // fail-open off and nothing healthy: by policy there is nothing to publish
  }
  if (!view.in_service || view.addresses.empty()) {
    return describe(view);
  }
  auto newest = control::findNewestValidPlan(store_.direct(), endpoint);
  if (!newest.ok()) {
    return "plans unreadable";
  }
  if (newest->has_value() && (*newest)->generation > view.generation) {
    return fmt::format("{} while plan {} is newer", describe(view), (*newest)->generation);
  }
  if (!frozen && decision->addresses != view.addresses) {
    return fmt::format("{} but health asks for [{}]", describe(view),
                       control::joinAddresses(decision->addresses));
  }
  return {};
}

}  // namespace holdfast::sim
