// Tests of POST /api/v1/endpoints/<name>/apply over an in-memory store.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admin/api_server.h"
#include "control/pause.h"
#include "control/published_state.h"
#include "control/records.h"
#include "control/review.h"
#include "store/memory_store.h"

namespace holdfast::admin {
namespace {

using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef-test-token";
constexpr const char* kName = "api.example.test.";
constexpr const char* kApply = "/api/v1/endpoints/api.example.test/apply";

control::EndpointConfig endpointConfig() {
  control::EndpointConfig e;
  e.name = kName;
  e.zone = "example.test.";
  e.ttl_seconds = 5;
  e.backends = {{"192.0.2.1"}, {"192.0.2.2"}, {"192.0.2.3"}};
  return e;  // default budget: half of 3 published, rounded down, so 1 removal per publish
}

// Published: generation 1 with all three. Newest plan: generation 2 with one, which removes two
// and so is held by the change budget.
class ApplyTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto view = std::make_shared<ApiView>();
    view->endpoints.push_back(endpointConfig());
    view->zones.push_back("example.test.");
    view_.set(view);
    options_ = ApiOptions{&store_, &view_, &board_, kToken, "holdfast test"};

    const std::vector<std::string> all = {"192.0.2.1", "192.0.2.2", "192.0.2.3"};
    put(control::planKey(kName, 1),
        control::encodePlan({1, kName, control::kTypeA, 5, all, "planner", false, "3 of 3"}));
    put(control::planKey(kName, 2),
        control::encodePlan(
            {2, kName, control::kTypeA, 5, {"192.0.2.1"}, "planner", false, "1 of 3 healthy"}));
    put(control::latestKey(kName), control::encodeLatest({2}));
    put(control::publishedKey(kName),
        control::encodePublished({1, "example.test.", control::kTypeA, 5, all, "enactor-1"}));
  }

  void put(const std::string& key, const std::string& value) {
    store::TxnRequest request;
    request.success.push_back(store::Op::put(key, value));
    ASSERT_TRUE(store_.txn(request).ok());
  }

  HttpResponse post(const std::string& body, const std::string& path = kApply) {
    HttpRequest request{path, body, {}, {}};
    request.headers.emplace("authorization", std::string("Bearer ") + kToken);
    return handleApi(options_, HttpMethod::kPost, request);
  }

  // Every key and value in the store, to show that nothing was written.
  std::vector<std::pair<std::string, std::string>> everything() {
    std::vector<std::pair<std::string, std::string>> out;
    auto all = store_.range("");
    EXPECT_TRUE(all.ok());
    if (!all.ok()) {
      return out;
    }
    for (const store::KeyValue& kv : all->kvs) {
      out.emplace_back(kv.key, kv.value);
    }
    return out;
  }

  control::Generation published() {
    return control::readPublished(store_, kName).value().generation();
  }

  store::MemoryStore store_;
  ViewHolder view_;
  control::StatusBoard board_;
  ApiOptions options_;
};

TEST_F(ApplyTest, DryRunReportsTheDiffAndWritesNothing) {
  const auto before = everything();
  const HttpResponse r = post(R"({"dry_run": true})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = json::parse(r.body);
  EXPECT_EQ(body["dry_run"], true);
  EXPECT_EQ(body["verdict"], "held");
  EXPECT_EQ(body["plan_generation"], 2);
  EXPECT_EQ(body["plan_addresses"], json({"192.0.2.1"}));
  EXPECT_EQ(body["removed"], json({"192.0.2.2", "192.0.2.3"}));
  EXPECT_EQ(body["allowed_removals"], 1);

  const json approved = json::parse(post(R"({"dry_run": true, "approve": true})").body);
  EXPECT_EQ(approved["verdict"], "publish");
  EXPECT_EQ(everything(), before);
}

TEST_F(ApplyTest, HeldPlanIsRefusedWithoutApproval) {
  const auto before = everything();
  const HttpResponse r = post(R"({"by": "operator:ann"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "held");
  EXPECT_EQ(json::parse(r.body)["error"]["field"], "approve");
  EXPECT_EQ(everything(), before);
}

TEST_F(ApplyTest, ApprovalPublishesTheHeldPlanAsTheOperator) {
  const HttpResponse r =
      post(R"({"approve": true, "generation": 2, "by": "operator:ann", "reason": "drill 42"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = json::parse(r.body);
  EXPECT_EQ(body["applied"], true);
  EXPECT_EQ(body["generation"], 2);
  EXPECT_EQ(body["previous_generation"], 1);
  EXPECT_EQ(body["addresses"], json({"192.0.2.1"}));
  EXPECT_EQ(body["removed"], json({"192.0.2.2", "192.0.2.3"}));
  EXPECT_EQ(body["by"], "operator:ann");

  const auto record = control::readPublished(store_, kName).value().record;
  ASSERT_TRUE(record);
  EXPECT_EQ(record->generation, 2U);
  EXPECT_EQ(record->addresses, std::vector<std::string>{"192.0.2.1"});
  EXPECT_EQ(record->applied_by, "operator:ann");
  const auto history = control::readHistory(store_, endpointConfig()).value();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].entry.enactor, "operator:ann");
  EXPECT_EQ(history[0].entry.why, "1 of 3 healthy; approved by operator:ann: drill 42");

  // Nothing is held any more: a second apply has nothing to do.
  const HttpResponse again = post(R"({"approve": true})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json::parse(again.body)["error"]["code"], "nothing_to_apply");
}

TEST_F(ApplyTest, CallersThatAreNotOperatorsAreMarkedAsTheApi) {
  const HttpResponse r = post(R"({"approve": true, "by": "enactor-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["by"], "api:enactor-1");
  EXPECT_EQ(control::readPublished(store_, kName).value().record->applied_by, "api:enactor-1");
}

TEST_F(ApplyTest, StaleGenerationIsRefused) {
  const auto before = everything();
  for (const std::string body :
       {R"({"approve": true, "generation": 1})", R"({"dry_run": true, "generation": 3})"}) {
    const HttpResponse r = post(body);
    EXPECT_EQ(r.status, 409) << body;
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "stale_generation") << body;
    EXPECT_EQ(json::parse(r.body)["error"]["field"], "generation") << body;
  }
  EXPECT_EQ(everything(), before);
}

TEST_F(ApplyTest, PausedEndpointIsNotPublished) {
  ASSERT_TRUE(control::pauseAutomation(store_, "", {"operator:ann", 1, "incident"}).ok());
  const HttpResponse r = post(R"({"approve": true})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "paused");
  EXPECT_EQ(published(), 1U);
}

TEST_F(ApplyTest, UnknownEndpointBadBodyAndNoTokenChangeNothing) {
  const auto before = everything();
  const HttpResponse unknown = post("{}", "/api/v1/endpoints/nope.example.test/apply");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json::parse(unknown.body)["error"]["field"], "endpoint");

  struct Case {
    std::string body;
    std::string field;
  };

  for (const Case& c : std::vector<Case>{{"{", "body"},
                                         {"[true]", "body"},
                                         {R"({"dry_run": "yes"})", "dry_run"},
                                         {R"({"approve": 1})", "approve"},
                                         {R"({"generation": 0})", "generation"},
                                         {R"({"generation": -2})", "generation"},
                                         {R"({"generation": "2"})", "generation"},
                                         {R"({"reason": 5})", "reason"},
                                         {R"({"by": ["x"]})", "by"},
                                         {R"({"force": true})", "force"}}) {
    const HttpResponse bad = post(c.body);
    EXPECT_EQ(bad.status, 400) << c.body;
    EXPECT_EQ(json::parse(bad.body)["error"]["field"], c.field) << c.body;
  }

  HttpRequest no_token{kApply, R"({"approve": true})", {}, {}};
  const HttpResponse denied = handleApi(options_, HttpMethod::kPost, no_token);
  EXPECT_EQ(denied.status, 401);
  HttpRequest get{kApply, "", {}, {}};
  get.headers.emplace("authorization", std::string("Bearer ") + kToken);
  EXPECT_EQ(handleApi(options_, HttpMethod::kGet, get).status, 405);
  EXPECT_EQ(everything(), before);
}

TEST_F(ApplyTest, WithinBudgetPublishesWithoutApproval) {
  put(control::planKey(kName, 3), control::encodePlan({3,
                                                       kName,
                                                       control::kTypeA,
                                                       5,
                                                       {"192.0.2.1", "192.0.2.2"},
                                                       "planner",
                                                       false,
                                                       "2 of 3 healthy"}));
  put(control::latestKey(kName), control::encodeLatest({3}));
  const HttpResponse r = post(R"({"by": "operator:bob"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["approved"], false);
  EXPECT_EQ(published(), 3U);
  const auto history = control::readHistory(store_, endpointConfig()).value();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].entry.why, "2 of 3 healthy");
}

}  // namespace
}  // namespace holdfast::admin
