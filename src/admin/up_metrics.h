// /metrics of `holdfast up`: control-plane state read from the store and the enactors' board.
#pragma once

#include "admin/api_state.h"
#include "admin/metrics.h"
#include "control/status_board.h"
#include "store/store.h"

namespace holdfast::admin {

// Adds a collector that, on each scrape, reads every configured endpoint's state and the board:
//   holdfast_published_generation{endpoint}, holdfast_plan_latest_generation{endpoint},
//   holdfast_enactor_lag_generations{endpoint}, holdfast_endpoint_paused{endpoint},
//   holdfast_endpoint_fail_open{endpoint}, holdfast_published_addresses{endpoint},
//   holdfast_backend_healthy{endpoint,backend} (1, 0, or -1 not checked yet),
//   holdfast_enactor_applied_total{enactor}, holdfast_stale_writes_refused_total{enactor},
//   holdfast_plan_budget_holds_total{enactor}, holdfast_enactor_errors_total{enactor},
//   holdfast_enactor_last_applied_generation{enactor}, holdfast_store_up.
// Everything is borrowed and must outlive `registry`'s collectors. DNS query metrics come from
// addDnsMetrics() (dns_metrics.h).
void addUpMetrics(MetricsRegistry& registry,
                  store::Store& store,
                  const ViewHolder& view,
                  const control::StatusBoard& board);

}  // namespace holdfast::admin
