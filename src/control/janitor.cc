// Janitor: plan retention by compare-and-swap against the published record.
#include "control/janitor.h"

#include "control/published_state.h"
#include "control/worker_internal.h"

namespace holdfast::control {

Janitor::Janitor(store::Store& store, std::vector<EndpointConfig> endpoints, int keep_plans)
    : store_(store),
      endpoints_(std::move(endpoints)),
      keep_plans_(static_cast<Generation>(keep_plans < 0 ? 0 : keep_plans)) {}

Janitor::~Janitor() {
  stop();
}

Result<std::optional<Cleanup>> Janitor::prepare(const EndpointConfig& endpoint) {
  auto published = readPublished(store_, endpoint.name);
  if (!published.ok()) {
    return published.error();
  }
  const Generation p = published->generation();
  if (p <= keep_plans_) {
    return std::optional<Cleanup>();
  }

  auto range = store_.range(planPrefix(endpoint.name));
  if (!range.ok()) {
    return range.error();
  }
  Cleanup cleanup{endpoint.name, p, published->mod_revision, {}};
  for (const store::KeyValue& kv : range->kvs) {
    const auto generation = parsePlanKey(endpoint.name, kv.key);
    if (generation && *generation < p - keep_plans_ && cleanup.doomed.size() < kMaxDeletesPerTxn) {
      cleanup.doomed.push_back(*generation);
    }
  }
  if (cleanup.doomed.empty()) {
    return std::optional<Cleanup>();
  }
  return std::optional<Cleanup>(std::move(cleanup));
}

Result<CleanupOutcome> Janitor::commit(const Cleanup& cleanup) {
  store::TxnRequest request;
  // S5: the deletions are judged against exactly the published record that was read.
  request.compares.push_back(store::Compare::modRevisionIs(publishedKey(cleanup.endpoint),
                                                           cleanup.published_mod_revision));
  for (const Generation generation : cleanup.doomed) {
    if (cleanup.published_generation <= keep_plans_ ||
        generation >= cleanup.published_generation - keep_plans_) {
      return makeError(Errc::kInternal, "clean-up of " + cleanup.endpoint +
                                            " would delete generation " +
                                            std::to_string(generation) + " inside the retention");
    }
    request.success.push_back(store::Op::del(planKey(cleanup.endpoint, generation)));
  }

  auto committed = store_.txn(request);
  if (!committed.ok()) {
    return committed.error();
  }
  if (!committed->succeeded) {
    logger_.info(
        "clean-up aborted, the published record changed",
        {{"endpoint.name", cleanup.endpoint}, {"plan.generation", cleanup.published_generation}});
    return CleanupOutcome::kAborted;
  }
  logger_.debug("old plans deleted", {{"endpoint.name", cleanup.endpoint},
                                      {"plan.generation", cleanup.published_generation},
                                      {"plan.deleted", cleanup.doomed.size()}});
  return CleanupOutcome::kDeleted;
}

Result<std::size_t> Janitor::cleanEndpoint(const EndpointConfig& endpoint) {
  auto prepared = prepare(endpoint);
  if (!prepared.ok()) {
    return prepared.error();
  }
  if (!prepared->has_value()) {
    return std::size_t{0};
  }
  auto outcome = commit(**prepared);
  if (!outcome.ok()) {
    return outcome.error();
  }
  return *outcome == CleanupOutcome::kDeleted ? (*prepared)->doomed.size() : std::size_t{0};
}

Status Janitor::runOnce() {
  Status first = okStatus();
  for (const EndpointConfig& endpoint : endpoints_) {
    auto cleaned = cleanEndpoint(endpoint);
    if (!cleaned.ok()) {
      logger_.warn("clean-up failed", {{"endpoint.name", endpoint.name},
                                       {"error.code", errcName(cleaned.error().code)},
                                       {"error.message", cleaned.error().message}});
      if (first.ok()) {
        first = cleaned.error();
      }
    }
  }
  return first;
}

void Janitor::start(std::chrono::milliseconds interval) {
  if (thread_.joinable()) {
    return;
  }
  thread_ = std::jthread([this, interval](std::stop_token token) {
    while (sleepFor(token, interval)) {
      (void)runOnce();
    }
  });
}

void Janitor::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

}  // namespace holdfast::control
