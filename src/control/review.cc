// reviewEndpoint and readHistory: reads only.
#include "control/review.h"

#include "control/plan_lookup.h"
#include "control/published_state.h"

namespace holdfast::control {

std::string_view verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kNoPlan:
      return "no plan";
    case Verdict::kUpToDate:
      return "up to date";
    case Verdict::kPublish:
      return "publish";
    case Verdict::kHeld:
      return "held";
    case Verdict::kPaused:
      return "paused";
  }
  return "?";
}

Result<Review> reviewEndpoint(store::Store& store, const EndpointConfig& endpoint, bool approved) {
  Review review;
  auto published = readPublished(store, endpoint.name);
  if (!published.ok()) {
    return published.error();
  }
  review.published = published->record;
  auto plan = findNewestValidPlan(store, endpoint);
  if (!plan.ok()) {
    return plan.error();
  }
  review.plan = std::move(*plan);
  auto pause = readPause(store, endpoint.name);
  if (!pause.ok()) {
    return pause.error();
  }
  review.pause = std::move(*pause);

  const std::vector<std::string> before =
      review.published ? review.published->addresses : std::vector<std::string>{};
  review.allowed_removals = endpoint.policy.max_remove.allowed(before.size());
  if (!review.plan) {
    review.verdict = Verdict::kNoPlan;
    return review;
  }
  review.diff = diffAddresses(before, sortedAddresses(review.plan->addresses));
  if (review.plan->generation <= published->generation()) {
    review.verdict = Verdict::kUpToDate;
  } else if (review.pause.paused()) {
    review.verdict = Verdict::kPaused;
  } else if (review.published && !approved &&
             review.diff.removed.size() > review.allowed_removals) {
    review.verdict = Verdict::kHeld;
  } else {
    review.verdict = Verdict::kPublish;
  }
  return review;
}

Result<std::vector<HistoryEntry>> readHistory(store::Store& store, const EndpointConfig& endpoint) {
  auto range = store.range(journalPrefix(endpoint.zone));
  if (!range.ok()) {
    return range.error();
  }
  std::vector<HistoryEntry> out;
  for (const store::KeyValue& kv : range->kvs) {
    const auto offset = parseCounterKey(journalPrefix(endpoint.zone), kv.key);
    auto entry = decodeJournal(kv.value);
    if (offset && entry.ok() && entry->endpoint == endpoint.name) {
      out.push_back(HistoryEntry{*offset, std::move(*entry)});
    }
  }
  return out;
}

}  // namespace holdfast::control
