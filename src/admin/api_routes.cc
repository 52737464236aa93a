// Handlers of the admin API's routes: reads through the control module's operator functions,
// pause and resume as store transactions.
#include <algorithm>
#include <charconv>
#include <chrono>

#include "admin/api_routes_internal.h"
#include "control/plan_lookup.h"
#include "control/review.h"

namespace holdfast::admin::internal {

namespace {

using nlohmann::json;

json pauseJson(const std::optional<control::PauseRecord>& record) {
  if (!record) {
    return nullptr;
  }
  return {{"by", record->by}, {"at_ms", record->at_ms}, {"reason", record->reason}};
}

}  // namespace

HttpResponse storeFailed(const Error& error) {
  return errorResponse(503, "store_unavailable", "", error.message);
}

HttpResponse unknownEndpoint(const std::string& name) {
  return errorResponse(404, "not_found", "endpoint", "no configured endpoint named '" + name + "'");
}

std::string whoOf(const std::string& by) {
  if (by.empty()) {
    return "api";
  }
  return by.starts_with("operator:") ? by : "api:" + by;
}

json reviewJson(const control::EndpointConfig& endpoint, const control::Review& review) {
  return {{"endpoint", endpoint.name},
          {"verdict", std::string(control::verdictName(review.verdict))},
          {"published_generation", review.published ? review.published->generation : 0},
          {"published_addresses",
           review.published ? review.published->addresses : std::vector<std::string>{}},
          {"plan_generation", review.plan ? review.plan->generation : 0},
          {"plan_addresses", review.plan ? review.plan->addresses : std::vector<std::string>{}},
          {"plan_reason", review.plan ? review.plan->reason : ""},
          {"added", review.diff.added},
          {"removed", review.diff.removed},
          {"allowed_removals", review.allowed_removals},
          {"paused", review.pause.paused()},
          {"pause",
           {{"global", pauseJson(review.pause.global)},
            {"endpoint", pauseJson(review.pause.endpoint)}}}};
}

namespace {

using nlohmann::json;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json planJson(const control::Plan& plan) {
  return {{"generation", plan.generation},
          {"type", typeName(plan.rrtype)},
          {"ttl", plan.ttl},
          {"addresses", plan.addresses},
          {"created_by", plan.created_by},
          {"fail_open", plan.fail_open},
          {"reason", plan.reason}};
}

json stateJson(const EndpointState& state) {
  const control::EndpointConfig& c = state.config;
  json published = nullptr;
  if (state.published.record) {
    const control::PublishedRecord& r = *state.published.record;
    published = {{"generation", r.generation},
                 {"addresses", r.addresses},
                 {"ttl", r.ttl},
                 {"applied_by", r.applied_by}};
  }
  json backends = json::array();
  for (const BackendState& b : state.backends) {
    json health = nullptr;
    if (b.health) {
      health = {{"healthy", b.health->healthy},
                {"checked_at_ms", b.health->checked_at_ms},
                {"reason", b.health->reason}};
    }
    backends.push_back({{"address", b.address}, {"health", health}});
  }
  const control::Generation generation = state.published.generation();
  return {
      {"name", c.name},
      {"zone", c.zone},
      {"type", typeName(c.rrtype)},
      {"ttl", c.ttl_seconds},
      {"source", state.source},
      {"published", published},
      {"published_problem", state.published.problem},
      {"generation", generation},
      {"latest_plan", state.latest_plan},
      {"lag_generations", state.latest_plan > generation ? state.latest_plan - generation : 0},
      {"fail_open", state.fail_open},
      {"paused", state.pause.paused()},
      {"pause",
       {{"global", pauseJson(state.pause.global)}, {"endpoint", pauseJson(state.pause.endpoint)}}},
      {"backends", backends}};
}

json alertsJson(const std::vector<ActiveAlert>& alerts) {
  json out = json::array();
  for (const ActiveAlert& a : alerts) {
    out.push_back({{"name", a.name}, {"subject", a.subject}, {"summary", a.summary}});
  }
  return out;
}

// Every configured endpoint's state, or the first store failure.
Result<std::vector<EndpointState>> readAll(const ApiOptions& options) {
  const auto view = options.view->get();
  std::vector<EndpointState> out;
  for (const control::EndpointConfig& endpoint : view->endpoints) {
    auto state = readEndpointState(*options.store, endpoint);
    if (!state.ok()) {
      return state.error();
    }
    state->source = sourceOf(*view, endpoint.name);
    out.push_back(*std::move(state));
  }
  return out;
}

json enactorsJson(const ApiOptions& options) {
  json out = json::array();
  if (options.board == nullptr) {
    return out;
  }
  for (const control::EnactorStatus& e : options.board->enactors()) {
    out.push_back({{"id", e.id},
                   {"last_applied_endpoint", e.last_applied_endpoint},
                   {"last_applied_generation", e.last_applied_generation},
                   {"last_applied_at_ms", e.last_applied_at_ms},
                   {"last_pass_at_ms", e.last_pass_at_ms},
                   {"last_error", e.last_error},
                   {"applied", e.applied},
                   {"stale_refused", e.stale_refused},
                   {"held", e.held},
                   {"errors", e.errors}});
  }
  return out;
}

// Parses an optional string member of a request body, naming the field on error.
}  // namespace

std::optional<HttpResponse> readText(const json& body, const char* field, std::string& out) {
  if (!body.contains(field)) {
    return std::nullopt;
  }
  if (!body[field].is_string()) {
    return errorResponse(400, "invalid_argument", field, "expected a string");
  }
  out = body[field].get<std::string>();
  if (out.size() > kMaxReasonChars) {
    return errorResponse(400, "invalid_argument", field,
                         "longer than " + std::to_string(kMaxReasonChars) + " characters");
  }
  // The text reaches operators' terminals (`holdfast status`, `history`): no line breaks or
  // escape sequences that could rewrite what they see.
  if (std::any_of(out.begin(), out.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return errorResponse(400, "invalid_argument", field,
                         "contains a control character (line break, tab or escape)");
  }
  return std::nullopt;
}

HttpResponse getStatus(const ApiOptions& options) {
  auto states = readAll(options);
  if (!states.ok()) {
    return storeFailed(states.error());
  }
  json endpoints = json::array();
  json alerts = json::array();
  bool paused = false;
  for (const EndpointState& s : *states) {
    endpoints.push_back(stateJson(s));
    for (const json& a : alertsJson(alertsOf(s))) {
      alerts.push_back(a);
    }
    paused = paused || s.pause.global.has_value();
  }
  return jsonResponse(200, {{"version", options.version},
                            {"paused", paused},
                            {"endpoints", endpoints},
                            {"enactors", enactorsJson(options)},
                            {"alerts", alerts}});
}

HttpResponse getEndpoints(const ApiOptions& options) {
  auto states = readAll(options);
  if (!states.ok()) {
    return storeFailed(states.error());
  }
  json endpoints = json::array();
  for (const EndpointState& s : *states) {
    endpoints.push_back(stateJson(s));
  }
  return jsonResponse(200, {{"endpoints", endpoints}});
}

HttpResponse getEndpoint(const ApiOptions& options, const std::string& name, int status) {
  const auto view = options.view->get();
  const control::EndpointConfig* endpoint = findEndpoint(*view, name);
  if (endpoint == nullptr) {
    return unknownEndpoint(name);
  }
  auto state = readEndpointState(*options.store, *endpoint);
  if (!state.ok()) {
    return storeFailed(state.error());
  }
  state->source = sourceOf(*view, endpoint->name);
  json out = stateJson(*state);
  out["alerts"] = alertsJson(alertsOf(*state));
  return jsonResponse(status, out);
}

HttpResponse getPlans(const ApiOptions& options, const std::string& name) {
  const auto view = options.view->get();
  const control::EndpointConfig* endpoint = findEndpoint(*view, name);
  if (endpoint == nullptr) {
    return unknownEndpoint(name);
  }
  auto range = options.store->range(control::planPrefix(endpoint->name));
  if (!range.ok()) {
    return storeFailed(range.error());
  }
  json plans = json::array();
  // Newest first: keys sort by generation, so walk backwards.
  for (auto kv = range->kvs.rbegin(); kv != range->kvs.rend(); ++kv) {
    const auto generation = control::parsePlanKey(endpoint->name, kv->key);
    if (!generation) {
      continue;
    }
    auto plan = control::usablePlan(kv->value, *generation, *endpoint);
    if (plan.ok()) {
      json item = planJson(*plan);
      item["valid"] = true;
      plans.push_back(item);
    } else {
      plans.push_back(
          {{"generation", *generation}, {"valid", false}, {"problem", plan.error().message}});
    }
  }
  return jsonResponse(200, {{"endpoint", endpoint->name}, {"plans", plans}});
}

HttpResponse getPlan(const ApiOptions& options,
                     const std::string& name,
                     const std::string& generation_text) {
  const auto view = options.view->get();
  const control::EndpointConfig* endpoint = findEndpoint(*view, name);
  if (endpoint == nullptr) {
    return unknownEndpoint(name);
  }
  control::Generation generation = 0;
  const auto [end, ec] = std::from_chars(
      generation_text.data(), generation_text.data() + generation_text.size(), generation);
  if (ec != std::errc() || end != generation_text.data() + generation_text.size() ||
      generation == 0) {
    return errorResponse(400, "invalid_argument", "generation",
                         "expected a positive integer, got '" + generation_text + "'");
  }
  auto got = options.store->get(control::planKey(endpoint->name, generation));
  if (!got.ok()) {
    return storeFailed(got.error());
  }
  if (!got->kv) {
    return errorResponse(404, "not_found", "generation",
                         "no plan " + generation_text + " (never written, or cleaned up)");
  }
  auto plan = control::usablePlan(got->kv->value, generation, *endpoint);
  if (!plan.ok()) {
    return jsonResponse(
        200, {{"generation", generation}, {"valid", false}, {"problem", plan.error().message}});
  }
  json out = planJson(*plan);
  out["valid"] = true;
  return jsonResponse(200, out);
}

HttpResponse getDiff(const ApiOptions& options, const std::string& name) {
  const auto view = options.view->get();
  const control::EndpointConfig* endpoint = findEndpoint(*view, name);
  if (endpoint == nullptr) {
    return unknownEndpoint(name);
  }
  auto review = control::reviewEndpoint(*options.store, *endpoint, false);
  if (!review.ok()) {
    return storeFailed(review.error());
  }
  return jsonResponse(200, reviewJson(*endpoint, *review));
}

HttpResponse getHistory(const ApiOptions& options,
                        const std::string& name,
                        const HttpRequest& request) {
  const auto view = options.view->get();
  const control::EndpointConfig* endpoint = findEndpoint(*view, name);
  if (endpoint == nullptr) {
    return unknownEndpoint(name);
  }
  std::size_t limit = 0;
  if (const auto it = request.params.find("limit"); it != request.params.end()) {
    const std::string& text = it->second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || end != text.data() + text.size() || limit == 0 ||
        limit > kMaxHistoryLimit) {
      return errorResponse(400, "invalid_argument", "limit",
                           "expected an integer from 1 to " + std::to_string(kMaxHistoryLimit) +
                               ", got '" + text + "'");
    }
  }
  auto history = control::readHistory(*options.store, *endpoint);
  if (!history.ok()) {
    return storeFailed(history.error());
  }
  const std::size_t first = limit == 0 || history->size() <= limit ? 0 : history->size() - limit;
  json entries = json::array();
  for (std::size_t i = first; i < history->size(); ++i) {
    const control::JournalEntry& e = (*history)[i].entry;
    entries.push_back({{"serial_offset", (*history)[i].serial_offset},
                       {"old_generation", e.old_generation},
                       {"new_generation", e.new_generation},
                       {"added", e.added},
                       {"removed", e.removed},
                       {"by", e.enactor},
                       {"applied_at_ms", e.applied_at_ms},
                       {"why", e.why}});
  }
  return jsonResponse(200, {{"endpoint", endpoint->name}, {"entries", entries}});
}

HttpResponse getEnactors(const ApiOptions& options) {
  auto states = readAll(options);
  if (!states.ok()) {
    return storeFailed(states.error());
  }
  json lag = json::array();
  for (const EndpointState& s : *states) {
    const control::Generation published = s.published.generation();
    lag.push_back({{"endpoint", s.config.name},
                   {"published_generation", published},
                   {"latest_plan", s.latest_plan},
                   {"lag_generations", s.latest_plan > published ? s.latest_plan - published : 0}});
  }
  return jsonResponse(200, {{"enactors", enactorsJson(options)}, {"endpoints", lag}});
}

HttpResponse getZones(const ApiOptions& options) {
  const auto view = options.view->get();
  json zones = json::array();
  for (const std::string& zone : view->zones) {
    auto got = options.store->get(control::serialKey(zone));
    if (!got.ok()) {
      return storeFailed(got.error());
    }
    std::uint64_t offset = 0;
    if (got->kv) {
      if (auto record = control::decodeSerial(got->kv->value); record.ok()) {
        offset = record->serial_offset;
      }
    }
    json endpoints = json::array();
    for (const control::EndpointConfig& e : view->endpoints) {
      if (e.zone == zone) {
        endpoints.push_back(e.name);
      }
    }
    zones.push_back({{"name", zone}, {"serial_offset", offset}, {"endpoints", endpoints}});
  }
  return jsonResponse(200, {{"zones", zones}});
}

HttpResponse getAlerts(const ApiOptions& options) {
  auto states = readAll(options);
  if (!states.ok()) {
    return storeFailed(states.error());
  }
  std::vector<ActiveAlert> all;
  for (const EndpointState& s : *states) {
    for (ActiveAlert& a : alertsOf(s)) {
      all.push_back(std::move(a));
    }
  }
  return jsonResponse(200, {{"alerts", alertsJson(all)}});
}

namespace {

// The endpoint a pause or resume names: "" (every endpoint) for an empty `name`, else the
// configured endpoint's normalized name; a 404 for a name no endpoint has.
std::optional<HttpResponse> pauseTarget(const ApiOptions& options,
                                        const std::string& name,
                                        std::string& endpoint_name) {
  if (name.empty()) {
    return std::nullopt;
  }
  const auto view = options.view->get();
  const control::EndpointConfig* endpoint = findEndpoint(*view, name);
  if (endpoint == nullptr) {
    return unknownEndpoint(name);
  }
  endpoint_name = endpoint->name;
  return std::nullopt;
}

}  // namespace

HttpResponse postPause(const ApiOptions& options,
                       const std::string& name,
                       const std::string& body) {
  std::string endpoint_name;
  if (auto unknown = pauseTarget(options, name, endpoint_name)) {
    return *unknown;
  }
  control::PauseRecord record{"api", nowMs(), ""};
  if (!body.empty()) {
    const json parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
      return errorResponse(400, "invalid_argument", "body", "not valid JSON");
    }
    if (!parsed.is_object()) {
      return errorResponse(400, "invalid_argument", "body", "expected a JSON object");
    }
    for (const auto& [key, value] : parsed.items()) {
      if (key != "reason" && key != "by") {
        return errorResponse(400, "invalid_argument", key, "unknown field (expected reason, by)");
      }
    }
    if (auto bad = readText(parsed, "reason", record.reason)) {
      return *bad;
    }
    std::string by;
    if (auto bad = readText(parsed, "by", by)) {
      return *bad;
    }
    record.by = whoOf(by);
  }
  if (auto s = control::pauseAutomation(*options.store, endpoint_name, record); !s.ok()) {
    return storeFailed(s.error());
  }
  return jsonResponse(200, {{"paused", endpoint_name.empty() ? "all" : endpoint_name},
                            {"by", record.by},
                            {"at_ms", record.at_ms},
                            {"reason", record.reason}});
}

HttpResponse postResume(const ApiOptions& options, const std::string& name) {
  std::string endpoint_name;
  if (auto unknown = pauseTarget(options, name, endpoint_name)) {
    return *unknown;
  }
  auto lifted = control::resumeAutomation(*options.store, endpoint_name);
  if (!lifted.ok()) {
    return storeFailed(lifted.error());
  }
  return jsonResponse(
      200, {{"resumed", endpoint_name.empty() ? "all" : endpoint_name}, {"lifted", *lifted}});
}

}  // namespace holdfast::admin::internal
