// Tests of the admin API's routes over an in-memory store.
#include "admin/api_server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admin/up_metrics.h"
#include "control/pause.h"
#include "control/records.h"
#include "store/memory_store.h"

namespace holdfast::admin {
namespace {

using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef-test-token";

control::EndpointConfig endpointConfig() {
  control::EndpointConfig e;
  e.name = "api.example.test.";
  e.zone = "example.test.";
  e.ttl_seconds = 5;
  e.backends = {{"192.0.2.1"}, {"192.0.2.2"}};
  return e;
}

void put(store::Store& store, const std::string& key, const std::string& value) {
  store::TxnRequest request;
  request.success.push_back(store::Op::put(key, value));
  ASSERT_TRUE(store.txn(request).ok());
}

class ApiTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto view = std::make_shared<ApiView>();
    view->endpoints.push_back(endpointConfig());
    view->zones.push_back("example.test.");
    view_.set(view);
    options_ = ApiOptions{&store_, &view_, &board_, kToken, "holdfast test"};

    const std::string e = "api.example.test.";
    put(store_, control::planKey(e, 1),
        control::encodePlan({1,
                             e,
                             control::kTypeA,
                             5,
                             {"192.0.2.1", "192.0.2.2"},
                             "planner",
                             false,
                             "2 of 2 healthy"}));
    put(store_, control::planKey(e, 2),
        control::encodePlan(
            {2, e, control::kTypeA, 5, {"192.0.2.1"}, "planner", false, "1 of 2 healthy"}));
    put(store_, control::latestKey(e), control::encodeLatest({2}));
    put(store_, control::publishedKey(e),
        control::encodePublished(
            {1, "example.test.", control::kTypeA, 5, {"192.0.2.1", "192.0.2.2"}, "enactor-1"}));
    put(store_, control::journalKey("example.test.", 1),
        control::encodeJournal(
            {e, 0, 1, {"192.0.2.1", "192.0.2.2"}, {}, "enactor-1", 1000, "2 of 2 healthy"}));
    put(store_, control::healthKey(e, "192.0.2.1"), control::encodeHealth({true, 900, "200"}));
    put(store_, control::healthKey(e, "192.0.2.2"),
        control::encodeHealth({false, 950, "connect: refused"}));
    board_.recordApplied("enactor-1", e, 1, 1000);
  }

  HttpResponse call(HttpMethod method,
                    const std::string& path,
                    const std::string& body = "",
                    std::multimap<std::string, std::string> params = {}) {
    HttpRequest request{path, body, std::move(params), {}};
    request.headers.emplace("authorization", std::string("Bearer ") + kToken);
    return handleApi(options_, method, request);
  }

  json get(const std::string& path, int status = 200) {
    const HttpResponse r = call(HttpMethod::kGet, path);
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body);
  }

  store::MemoryStore store_;
  ViewHolder view_;
  control::StatusBoard board_;
  ApiOptions options_;
};

TEST_F(ApiTest, RefusesRequestsWithoutTheToken) {
  for (const std::string header : {"", "Bearer wrong-token-wrong-token", "Basic abc"}) {
    HttpRequest request{"/api/v1/endpoints", "", {}, {}};
    if (!header.empty()) {
      request.headers.emplace("Authorization", header);
    }
    const HttpResponse r = handleApi(options_, HttpMethod::kGet, request);
    EXPECT_EQ(r.status, 401) << header;
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "unauthorized");
  }
  HttpRequest pause{"/api/v1/pause", "{}", {}, {}};
  EXPECT_EQ(handleApi(options_, HttpMethod::kPost, pause).status, 401);
  EXPECT_FALSE(control::readPause(store_, "").value().paused());
}

TEST_F(ApiTest, ListsEndpointsWithPublishedAddressesAndHealth) {
  const json body = get("/api/v1/endpoints");
  ASSERT_EQ(body["endpoints"].size(), 1U);
  const json& e = body["endpoints"][0];
  EXPECT_EQ(e["name"], "api.example.test.");
  EXPECT_EQ(e["generation"], 1);
  EXPECT_EQ(e["latest_plan"], 2);
  EXPECT_EQ(e["lag_generations"], 1);
  EXPECT_EQ(e["published"]["addresses"], json({"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(e["backends"][0]["health"]["healthy"], true);
  EXPECT_EQ(e["backends"][1]["health"]["reason"], "connect: refused");

  EXPECT_EQ(e["source"], "config");

  const json one = get("/api/v1/endpoints/API.example.test");
  EXPECT_EQ(one["name"], "api.example.test.");
  EXPECT_EQ(one["source"], "config");
  bool unhealthy_alert = false;
  for (const json& a : one["alerts"]) {
    unhealthy_alert = unhealthy_alert || (a["name"] == "backend_unhealthy" &&
                                          a["subject"] == "api.example.test./192.0.2.2");
  }
  EXPECT_TRUE(unhealthy_alert) << one.dump();
  EXPECT_EQ(get("/api/v1/endpoints/nope.example.test", 404)["error"]["field"], "endpoint");
}

TEST_F(ApiTest, ShowsPlansDiffHistoryZonesAndEnactors) {
  const json plans = get("/api/v1/endpoints/api.example.test./plans");
  ASSERT_EQ(plans["plans"].size(), 2U);
  EXPECT_EQ(plans["plans"][0]["generation"], 2);
  EXPECT_EQ(get("/api/v1/endpoints/api.example.test./plans/1")["addresses"].size(), 2U);
  EXPECT_EQ(get("/api/v1/endpoints/api.example.test./plans/x1", 400)["error"]["field"],
            "generation");
  EXPECT_EQ(get("/api/v1/endpoints/api.example.test./plans/9", 404)["error"]["field"],
            "generation");

  const json diff = get("/api/v1/endpoints/api.example.test./diff");
  EXPECT_EQ(diff["verdict"], "publish");
  EXPECT_EQ(diff["removed"], json({"192.0.2.2"}));

  const json history = get("/api/v1/endpoints/api.example.test./history");
  ASSERT_EQ(history["entries"].size(), 1U);
  EXPECT_EQ(history["entries"][0]["new_generation"], 1);
  EXPECT_EQ(history["entries"][0]["by"], "enactor-1");

  const json zones = get("/api/v1/zones");
  EXPECT_EQ(zones["zones"][0]["name"], "example.test.");
  EXPECT_EQ(zones["zones"][0]["endpoints"][0], "api.example.test.");

  const json enactors = get("/api/v1/enactors");
  EXPECT_EQ(enactors["enactors"][0]["id"], "enactor-1");
  EXPECT_EQ(enactors["enactors"][0]["last_applied_generation"], 1);
  EXPECT_EQ(enactors["endpoints"][0]["lag_generations"], 1);

  const json status = get("/api/v1/status");
  EXPECT_EQ(status["version"], "holdfast test");
  EXPECT_FALSE(status["alerts"].empty());
  EXPECT_EQ(get("/api/v1/openapi.json")["openapi"], "3.0.3");
}

TEST_F(ApiTest, FailingOpenOnlyWhileNoBackendIsHealthy) {
  const std::string e = "api.example.test.";
  put(store_, control::planKey(e, 1),
      control::encodePlan({1,
                           e,
                           control::kTypeA,
                           5,
                           {"192.0.2.1", "192.0.2.2"},
                           "planner",
                           true,
                           "0 of 2 healthy"}));
  EXPECT_FALSE(get("/api/v1/endpoints")["endpoints"][0]["fail_open"]);  // 192.0.2.1 is healthy
  put(store_, control::healthKey(e, "192.0.2.1"), control::encodeHealth({false, 990, "timeout"}));
  EXPECT_TRUE(get("/api/v1/endpoints")["endpoints"][0]["fail_open"]);
}

TEST_F(ApiTest, RejectsBadParametersNamingTheField) {
  const HttpResponse r =
      call(HttpMethod::kGet, "/api/v1/endpoints/api.example.test/history", "", {{"limit", "zero"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["field"], "limit");

  struct Case {
    std::string body;
    std::string field;
  };

  for (const Case& c : std::vector<Case>{{"{", "body"},
                                         {"[]", "body"},
                                         {R"({"reason": 5})", "reason"},
                                         {R"({"by": []})", "by"},
                                         {R"({"why": "x"})", "why"},
                                         {R"({"reason": "line1\nline2"})", "reason"},
                                         {R"({"reason": "\u001b[31mred"})", "reason"},
                                         {R"({"by": "x\ty"})", "by"}}) {
    const HttpResponse bad = call(HttpMethod::kPost, "/api/v1/pause", c.body);
    EXPECT_EQ(bad.status, 400) << c.body;
    EXPECT_EQ(json::parse(bad.body)["error"]["field"], c.field) << c.body;
  }
  EXPECT_FALSE(control::readPause(store_, "").value().paused());
}

TEST_F(ApiTest, PausesAndResumesGloballyAndPerEndpoint) {
  EXPECT_EQ(
      call(HttpMethod::kPost, "/api/v1/pause", R"({"reason": "maintenance", "by": "ann"})").status,
      200);
  auto pause = control::readPause(store_, "api.example.test.");
  ASSERT_TRUE(pause.ok());
  ASSERT_TRUE(pause->global);
  EXPECT_EQ(pause->global->reason, "maintenance");
  EXPECT_EQ(pause->global->by, "api:ann");
  // Whoever finds the pause on the dashboard or in `holdfast status` sees who, since when, why.
  const json alerts = json::parse(call(HttpMethod::kGet, "/api/v1/alerts").body);
  bool told = false;
  for (const json& a : alerts["alerts"]) {
    const std::string summary = a.value("summary", "");
    told = told || (a["name"] == "automation_paused" &&
                    summary.starts_with("every endpoint is paused by api:ann since 20") &&
                    summary.ends_with("Z: maintenance"));
  }
  EXPECT_TRUE(told) << alerts.dump();

  EXPECT_EQ(call(HttpMethod::kPost, "/api/v1/endpoints/api.example.test/pause").status, 200);
  EXPECT_TRUE(control::readPause(store_, "api.example.test.").value().endpoint);
  EXPECT_EQ(call(HttpMethod::kPost, "/api/v1/resume").status, 200);
  EXPECT_FALSE(control::readPause(store_, "api.example.test.").value().global);
  const json resumed =
      json::parse(call(HttpMethod::kPost, "/api/v1/endpoints/api.example.test/resume").body);
  EXPECT_EQ(resumed["lifted"], true);
  EXPECT_FALSE(control::readPause(store_, "api.example.test.").value().paused());
}

TEST_F(ApiTest, AnswersUnknownRoutesAndMethodsAndWritesWithoutAnEditor) {
  EXPECT_EQ(call(HttpMethod::kGet, "/api/v1/nothing").status, 404);
  EXPECT_EQ(call(HttpMethod::kGet, "/api/v1/pause").status, 405);
  EXPECT_EQ(call(HttpMethod::kPost, "/api/v1/endpoints/api.example.test").status, 405);
  // Endpoint writes need the editor of `holdfast up` (api_edit_routes_test.cc); without one
  // they are refused, never silently ignored.
  EXPECT_EQ(call(HttpMethod::kPost, "/api/v1/endpoints", "{}").status, 501);
  EXPECT_EQ(call(HttpMethod::kDelete, "/api/v1/endpoints/api.example.test").status, 501);
  EXPECT_EQ(call(HttpMethod::kPut, "/api/v1/endpoints/api.example.test").status, 501);
}

TEST_F(ApiTest, MetricsShowGenerationsLagHealthAndEnactorCounters) {
  MetricsRegistry registry;
  addUpMetrics(registry, store_, view_, board_);
  board_.recordStaleRefused("enactor-2");
  board_.recordHeld("enactor-2");
  const std::string text = registry.serialize();
  for (const std::string line : {
           "holdfast_published_generation{endpoint=\"api.example.test.\"} 1",
           "holdfast_plan_latest_generation{endpoint=\"api.example.test.\"} 2",
           "holdfast_enactor_lag_generations{endpoint=\"api.example.test.\"} 1",
           "holdfast_backend_healthy{endpoint=\"api.example.test.\",backend=\"192.0.2.2\"} 0",
           "holdfast_stale_writes_refused_total{enactor=\"enactor-2\"} 1",
           "holdfast_plan_budget_holds_total{enactor=\"enactor-2\"} 1",
           "holdfast_enactor_applied_total{enactor=\"enactor-1\"} 1",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST(Dashboard, IsSelfContained) {
  const std::string& page = dashboardHtml();
  EXPECT_NE(page.find("<title>holdfast</title>"), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page.find("href=\"http"), std::string::npos);
  EXPECT_TRUE(json::parse(openApiJson()).contains("paths"));
}

}  // namespace
}  // namespace holdfast::admin
