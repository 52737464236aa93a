// Scrape-time metrics of `holdfast up`.
#include "admin/up_metrics.h"

#include <vector>

namespace holdfast::admin {

namespace {

using prometheus::MetricType;

std::vector<prometheus::MetricFamily> collectEndpoints(store::Store& store,
                                                       const ViewHolder& view) {
  FamilyBuilder published("holdfast_published_generation",
                          "Generation of the published record of each endpoint (0: none).",
                          MetricType::Gauge);
  FamilyBuilder latest("holdfast_plan_latest_generation",
                       "Newest plan generation the planner wrote for each endpoint.",
                       MetricType::Gauge);
  FamilyBuilder lag("holdfast_enactor_lag_generations",
                    "Generations between the newest plan and the published one.",
                    MetricType::Gauge);
  FamilyBuilder paused("holdfast_endpoint_paused", "1 while publishing is paused.",
                       MetricType::Gauge);
  FamilyBuilder fail_open("holdfast_endpoint_fail_open",
                          "1 while the published plan serves every backend (none healthy).",
                          MetricType::Gauge);
  FamilyBuilder addresses("holdfast_published_addresses", "Addresses published per endpoint.",
                          MetricType::Gauge);
  FamilyBuilder healthy("holdfast_backend_healthy",
                        "Last health-check result per backend: 1 healthy, 0 unhealthy, -1 not "
                        "checked yet.",
                        MetricType::Gauge);
  FamilyBuilder up("holdfast_store_up", "1 when the last scrape could read the store.",
                   MetricType::Gauge);

  bool store_ok = true;
  for (const control::EndpointConfig& endpoint : view.get()->endpoints) {
    auto state = readEndpointState(store, endpoint);
    if (!state.ok()) {
      store_ok = false;
      break;
    }
    const Labels labels{{"endpoint", endpoint.name}};
    const auto generation = state->published.generation();
    published.add(labels, static_cast<double>(generation));
    latest.add(labels, static_cast<double>(state->latest_plan));
    lag.add(labels, static_cast<double>(
                        state->latest_plan > generation ? state->latest_plan - generation : 0));
    paused.add(labels, state->pause.paused() ? 1 : 0);
    fail_open.add(labels, state->fail_open ? 1 : 0);
    addresses.add(labels, state->published.record
                              ? static_cast<double>(state->published.record->addresses.size())
                              : 0);
    for (const BackendState& backend : state->backends) {
      healthy.add({{"endpoint", endpoint.name}, {"backend", backend.address}},
                  backend.health ? (backend.health->healthy ? 1 : 0) : -1);
    }
  }
  up.add({}, store_ok ? 1 : 0);

  std::vector<prometheus::MetricFamily> out;
  for (FamilyBuilder* b :
       {&published, &latest, &lag, &paused, &fail_open, &addresses, &healthy, &up}) {
    out.push_back(b->take());
  }
  return out;
}

std::vector<prometheus::MetricFamily> collectEnactors(const control::StatusBoard& board) {
  FamilyBuilder applied("holdfast_enactor_applied_total", "Publishes committed by each enactor.",
                        MetricType::Counter);
  FamilyBuilder stale("holdfast_stale_writes_refused_total",
                      "Publishes refused because another enactor published first (S3).",
                      MetricType::Counter);
  FamilyBuilder held("holdfast_plan_budget_holds_total",
                     "Publishes held because the plan removes more than the change budget.",
                     MetricType::Counter);
  FamilyBuilder errors("holdfast_enactor_errors_total", "Enactor passes that ended in an error.",
                       MetricType::Counter);
  FamilyBuilder last("holdfast_enactor_last_applied_generation",
                     "Generation of the last publish by each enactor.", MetricType::Gauge);
  for (const control::EnactorStatus& e : board.enactors()) {
    const Labels labels{{"enactor", e.id}};
    applied.add(labels, static_cast<double>(e.applied));
    stale.add(labels, static_cast<double>(e.stale_refused));
    held.add(labels, static_cast<double>(e.held));
    errors.add(labels, static_cast<double>(e.errors));
    last.add(labels, static_cast<double>(e.last_applied_generation));
  }
  return {applied.take(), stale.take(), held.take(), errors.take(), last.take()};
}

}  // namespace

void addUpMetrics(MetricsRegistry& registry,
                  store::Store& store,
                  const ViewHolder& view,
                  const control::StatusBoard& board) {
  registry.addCollector([&store, &view, &board] {
    auto families = collectEndpoints(store, view);
    for (auto& family : collectEnactors(board)) {
      families.push_back(std::move(family));
    }
    return families;
  });
}

}  // namespace holdfast::admin
