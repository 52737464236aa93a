// Reading an endpoint's state from the store for the admin API and /metrics.
#include "admin/api_state.h"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace holdfast::admin {

void ViewHolder::set(std::shared_ptr<const ApiView> view) {
  const std::lock_guard lock(mutex_);
  view_ = std::move(view);
}

std::shared_ptr<const ApiView> ViewHolder::get() const {
  const std::lock_guard lock(mutex_);
  return view_ ? view_ : std::make_shared<const ApiView>();
}

Result<EndpointState> readEndpointState(store::Store& store,
                                        const control::EndpointConfig& endpoint) {
  EndpointState state;
  state.config = endpoint;

  auto published = control::readPublished(store, endpoint.name);
  if (!published.ok()) {
    return published.error();
  }
  state.published = *std::move(published);

  auto latest = store.get(control::latestKey(endpoint.name));
  if (!latest.ok()) {
    return latest.error();
  }
  if (latest->kv) {
    if (auto record = control::decodeLatest(latest->kv->value); record.ok()) {
      state.latest_plan = record->generation;
    }
  }

  // Whether the served plan failed open is recorded in the plan, not in published/<e>.
  if (state.published.generation() > 0) {
    auto plan = store.get(control::planKey(endpoint.name, state.published.generation()));
    if (plan.ok() && plan->kv) {
      if (auto decoded = control::decodePlan(plan->kv->value); decoded.ok()) {
        state.fail_open = decoded->fail_open;
      }
    }
  }

  for (const control::BackendConfig& backend : endpoint.backends) {
    BackendState out{backend.address, std::nullopt};
    auto health = store.get(control::healthKey(endpoint.name, backend.address));
    if (!health.ok()) {
      return health.error();
    }
    if (health->kv) {
      if (auto record = control::decodeHealth(health->kv->value); record.ok()) {
        out.health = *std::move(record);
      }
    }
    state.backends.push_back(std::move(out));
  }

  // The plan's flag says how it was made; once a backend is healthy again the planner may keep
  // the same addresses without a new plan, so only a plan made that way while nothing is healthy
  // now is reported as failing open.
  for (const BackendState& backend : state.backends) {
    if (backend.health && backend.health->healthy) {
      state.fail_open = false;
    }
  }

  auto pause = control::readPause(store, endpoint.name);
  if (!pause.ok()) {
    return pause.error();
  }
  state.pause = *std::move(pause);
  return state;
}

namespace {

// " by operator:ann since 2026-12-04T10:00:00Z: maintenance": who paused, when and why, so the
// dashboard and `holdfast status` answer the first question of whoever finds a pause.
std::string pausedBy(const control::PauseRecord& pause) {
  std::string text = " by " + (pause.by.empty() ? std::string("an unknown operator") : pause.by);
  const std::time_t at = static_cast<std::time_t>(pause.at_ms / 1000);
  std::tm utc{};
  if (pause.at_ms > 0 && gmtime_r(&at, &utc) != nullptr) {
    char stamp[32];
    if (std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc) > 0) {
      text += std::string(" since ") + stamp;
    }
  }
  if (!pause.reason.empty()) {
    text += ": " + pause.reason;
  }
  return text;
}

}  // namespace

std::vector<ActiveAlert> alertsOf(const EndpointState& state) {
  std::vector<ActiveAlert> alerts;
  const std::string& name = state.config.name;
  if (state.pause.global) {
    alerts.push_back(
        {"automation_paused", name, "every endpoint is paused" + pausedBy(*state.pause.global)});
  }
  if (state.pause.endpoint) {
    alerts.push_back({"endpoint_paused", name,
                      "publishing is paused for this endpoint" + pausedBy(*state.pause.endpoint)});
  }
  if (!state.published.problem.empty()) {
    alerts.push_back({"published_unreadable", name, state.published.problem});
  } else if (state.published.generation() == 0) {
    alerts.push_back({"not_published", name, "nothing is published for this endpoint yet"});
  }
  if (state.fail_open) {
    alerts.push_back({"failing_open", name, "no backend is healthy: every backend is served"});
  }
  if (state.latest_plan > state.published.generation() && state.published.generation() > 0) {
    alerts.push_back({"plan_pending", name, "a newer plan is not published yet"});
  }
  for (const BackendState& backend : state.backends) {
    if (backend.health && !backend.health->healthy) {
      alerts.push_back({"backend_unhealthy", name + "/" + backend.address, backend.health->reason});
    }
  }
  return alerts;
}

const control::EndpointConfig* findEndpoint(const ApiView& view, const std::string& name) {
  std::string wanted = name;
  std::transform(wanted.begin(), wanted.end(), wanted.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (wanted.empty() || wanted.back() != '.') {
    wanted += '.';
  }
  for (const control::EndpointConfig& endpoint : view.endpoints) {
    if (endpoint.name == wanted) {
      return &endpoint;
    }
  }
  return nullptr;
}

std::string sourceOf(const ApiView& view, const std::string& name) {
  return view.api_endpoints.contains(name) ? "api" : "config";
}

std::string typeName(std::uint16_t rrtype) {
  return rrtype == control::kTypeAaaa ? "AAAA" : "A";
}

}  // namespace holdfast::admin
