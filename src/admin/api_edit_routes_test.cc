// Tests of the endpoint write routes: bodies, status codes, fields, and the source shown after a
// write, with an editor that checks definitions as `holdfast up` does and keeps them in a store.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admin/api_server.h"
#include "config/endpoint_definition.h"
#include "control/endpoint_defs.h"
#include "store/memory_store.h"

namespace holdfast::admin {
namespace {

using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef-test-token";

// Applies a change by publishing a new view, as `up` does after its reload.
class TestEditor final : public EndpointEditor {
public:
  TestEditor(store::Store& store, ViewHolder& view) : store_(store), view_(view) {
    config_.source = "holdfast.yaml";
    config_.zones.push_back({"example.test.", "example.test.zone", "holdfast.yaml:3"});
    control::EndpointConfig file;
    file.name = "api.example.test.";
    file.zone = "example.test.";
    file.backends = {{"192.0.2.1"}};
    config_.endpoints.push_back(file);
    publish();
  }

  EditResult create(const std::string& definition, const std::string& by) override {
    calls.push_back("create by " + by);
    auto parsed = config::parseEndpointDefinition(definition, config_);
    if (!parsed.ok()) {
      const config::FieldError e = config::splitFieldError(parsed.error().message);
      return {EditOutcome::kInvalid, e.field, e.reason, {}};
    }
    if (parsed->name == "api.example.test.") {
      return {EditOutcome::kConflict, "name", "defined in holdfast.yaml", {}};
    }
    auto written = control::createDefinition(store_, parsed->name, definition);
    if (!written.value().written) {
      return {EditOutcome::kConflict, "name", "exists", {}};
    }
    api_[parsed->name] = *parsed;
    publish();
    return {EditOutcome::kDone, {}, {}, parsed->name};
  }

  EditResult update(const std::string& name,
                    const std::string& definition,
                    const std::string& by) override {
    calls.push_back("update " + name + " by " + by);
    auto parsed = config::parseEndpointDefinition(definition, config_);
    if (!parsed.ok()) {
      const config::FieldError e = config::splitFieldError(parsed.error().message);
      return {EditOutcome::kInvalid, e.field, e.reason, {}};
    }
    if (!api_.contains(parsed->name)) {
      return {EditOutcome::kNotFound, "endpoint", "not created through the API", {}};
    }
    api_[parsed->name] = *parsed;
    publish();
    return {EditOutcome::kDone, {}, {}, parsed->name};
  }

  EditResult remove(const std::string& name, const std::string& by) override {
    calls.push_back("remove " + name + " by " + by);
    if (api_.erase(name + ".") == 0) {
      return {EditOutcome::kNotFound, "endpoint", "not created through the API", {}};
    }
    publish();
    return {EditOutcome::kDone, {}, {}, name + "."};
  }

  std::vector<std::string> calls;

private:
  void publish() {
    auto view = std::make_shared<ApiView>();
    view->endpoints = config_.endpoints;
    for (const auto& [name, endpoint] : api_) {
      view->endpoints.push_back(endpoint);
      view->api_endpoints.insert(name);
    }
    view->zones.push_back("example.test.");
    view_.set(view);
  }

  store::Store& store_;
  ViewHolder& view_;
  config::Config config_;
  std::map<std::string, control::EndpointConfig> api_;
};

class EditRoutesTest : public ::testing::Test {
protected:
  HttpResponse call(HttpMethod method, const std::string& path, const std::string& body = "") {
    HttpRequest request{path, body, {}, {}};
    request.headers.emplace("authorization", std::string("Bearer ") + kToken);
    return handleApi(options_, method, request);
  }

  // The error's field of a refused request, checking its status.
  std::string refusedField(HttpMethod method,
                           const std::string& path,
                           const std::string& body,
                           int status) {
    const HttpResponse r = call(method, path, body);
    EXPECT_EQ(r.status, status) << body << ": " << r.body;
    return json::parse(r.body)["error"].value("field", "");
  }

  store::MemoryStore store_;
  ViewHolder view_;
  control::StatusBoard board_;
  TestEditor editor_{store_, view_};
  ApiOptions options_{&store_, &view_, &board_, kToken, "holdfast test", &editor_};
};

constexpr const char* kWeb =
    R"({"name": "web.example.test", "ttl": 5, "backends": ["192.0.2.10", "192.0.2.11"],
        "check": {"kind": "tcp", "port": 80}, "by": "ann"})";

TEST_F(EditRoutesTest, CreateAnswers201AndListsTheEndpointWithSourceApi) {
  const HttpResponse created = call(HttpMethod::kPost, "/api/v1/endpoints", kWeb);
  ASSERT_EQ(created.status, 201) << created.body;
  const json body = json::parse(created.body);
  EXPECT_EQ(body["name"], "web.example.test.");
  EXPECT_EQ(body["source"], "api");
  EXPECT_EQ(body["ttl"], 5);
  EXPECT_EQ(body["backends"][1]["address"], "192.0.2.11");
  EXPECT_EQ(editor_.calls, std::vector<std::string>{"create by api:ann"});
  // "by" is who asked, not part of the definition.
  const auto stored = control::readDefinition(store_, "web.example.test.").value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(json::parse(stored->value).contains("by"));

  const HttpResponse listed = call(HttpMethod::kGet, "/api/v1/endpoints");
  const json endpoints = json::parse(listed.body)["endpoints"];
  ASSERT_EQ(endpoints.size(), 2U);
  EXPECT_EQ(endpoints[0]["name"], "api.example.test.");
  EXPECT_EQ(endpoints[0]["source"], "config");
  EXPECT_EQ(endpoints[1]["name"], "web.example.test.");
  EXPECT_EQ(endpoints[1]["source"], "api");
}

TEST_F(EditRoutesTest, InvalidBodiesAnswer400NamingTheField) {
  const std::string check = R"("check": {"kind": "tcp", "port": 80})";

  struct Case {
    std::string body;
    std::string field;
  };

  const Case cases[] = {
      {"{not json", "body"},
      {"[1, 2]", "body"},
      {R"({"by": 7})", "by"},
      {R"({"name": "w.example.test", "backends": ["192.0.2.1", "192.0.2.999"], )" + check + "}",
       "backends[1]"},
      {R"({"name": "w.example.test", "type": "AAAA", "backends": ["192.0.2.1"], )" + check + "}",
       "backends[0]"},
      {R"({"name": "w.example.test", "zone": "other.test", "backends": ["192.0.2.1"], )" + check +
           "}",
       "zone"},
      {R"({"name": "w.example.test", )" + check + "}", "body"},
      {R"({"name": "w.example.test", "backends": ["192.0.2.1"], "colour": "red", )" + check + "}",
       "colour"},
      {R"({"name": "w.example.test", "backends": ["192.0.2.1"], "check": {"kind": "tcp"}})",
       "check"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(refusedField(HttpMethod::kPost, "/api/v1/endpoints", c.body, 400), c.field) << c.body;
  }
  EXPECT_EQ(json::parse(call(HttpMethod::kGet, "/api/v1/endpoints").body)["endpoints"].size(), 1U);
}

TEST_F(EditRoutesTest, DuplicatesAndConfigEndpointsAnswer409) {
  ASSERT_EQ(call(HttpMethod::kPost, "/api/v1/endpoints", kWeb).status, 201);
  EXPECT_EQ(refusedField(HttpMethod::kPost, "/api/v1/endpoints", kWeb, 409), "name");
  const std::string config_one =
      R"({"name": "api.example.test", "backends": ["192.0.2.9"], "check": {"kind": "tcp", "port": 80}})";
  EXPECT_EQ(refusedField(HttpMethod::kPost, "/api/v1/endpoints", config_one, 409), "name");
}

TEST_F(EditRoutesTest, UpdateReplacesBackendsAndDeleteRemoves) {
  ASSERT_EQ(call(HttpMethod::kPost, "/api/v1/endpoints", kWeb).status, 201);
  const HttpResponse updated =
      call(HttpMethod::kPut, "/api/v1/endpoints/web.example.test",
           R"({"backends": ["192.0.2.12"], "check": {"kind": "tcp", "port": 80}})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  const json body = json::parse(updated.body);
  ASSERT_EQ(body["backends"].size(), 1U);
  EXPECT_EQ(body["backends"][0]["address"], "192.0.2.12");
  // Without "name" in the body, the path names the endpoint.
  EXPECT_EQ(editor_.calls.back(), "update web.example.test by api");

  EXPECT_EQ(refusedField(HttpMethod::kDelete, "/api/v1/endpoints/web.example.test",
                         R"({"why": "x"})", 400),
            "why");
  const HttpResponse deleted =
      call(HttpMethod::kDelete, "/api/v1/endpoints/web.example.test", R"({"by": "bob"})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(json::parse(deleted.body)["deleted"], "web.example.test.");
  EXPECT_EQ(json::parse(deleted.body)["by"], "api:bob");
  EXPECT_EQ(call(HttpMethod::kGet, "/api/v1/endpoints/web.example.test").status, 404);
  EXPECT_EQ(refusedField(HttpMethod::kDelete, "/api/v1/endpoints/web.example.test", "", 404),
            "endpoint");
}

TEST_F(EditRoutesTest, WritesNeedTheToken) {
  for (const HttpMethod method : {HttpMethod::kPost, HttpMethod::kPut, HttpMethod::kDelete}) {
    const std::string path =
        method == HttpMethod::kPost ? "/api/v1/endpoints" : "/api/v1/endpoints/web.example.test";
    HttpRequest request{path, kWeb, {}, {}};
    request.headers.emplace("Authorization", "Bearer wrong-token-wrong-token");
    EXPECT_EQ(handleApi(options_, method, request).status, 401);
  }
  EXPECT_TRUE(editor_.calls.empty());
  EXPECT_TRUE(control::readDefinitions(store_).value().empty());
}

TEST(EditRoutesDocs, OpenApiDescribesTheWrites) {
  const json doc = json::parse(openApiJson());
  const json& endpoints = doc["paths"]["/api/v1/endpoints"];
  EXPECT_TRUE(endpoints["post"]["responses"].contains("201"));
  EXPECT_TRUE(endpoints["post"]["responses"].contains("409"));
  const json& one = doc["paths"]["/api/v1/endpoints/{name}"];
  EXPECT_TRUE(one["put"]["responses"].contains("200"));
  EXPECT_TRUE(one["delete"]["responses"].contains("404"));
  EXPECT_EQ(doc["components"]["schemas"]["EndpointDefinition"]["required"],
            json({"name", "backends", "check"}));
}

}  // namespace
}  // namespace holdfast::admin
