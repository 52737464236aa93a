// The resolver's cache API: authentication, stats, flushes and request errors.
#include "resolver/cache_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using admin::HttpMethod;
using admin::HttpRequest;
using admin::HttpResponse;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef0123456789abcdef";

class CacheApiTest : public ::testing::Test {
protected:
  CacheApiTest() {
    options_.cache = &cache_;
    options_.stats = &stats_;
    options_.clock = &time_;
    options_.token = kToken;
  }

  void insert(const std::string& name, std::uint16_t qtype = kTypeA) {
    auto m = std::make_shared<CachedMessage>();
    m->wire.resize(100);
    m->lifetime = 300s;
    cache_.insert(CacheKey(testing::wireName(name), qtype, kClassIn, false, false), std::move(m),
                  time_.now());
  }

  bool cached(const std::string& name, std::uint16_t qtype = kTypeA) {
    const auto hit = cache_.lookup(CacheKey(testing::wireName(name), qtype, kClassIn, false, false),
                                   time_.now(), 0s);
    return hit.has_value();
  }

  HttpResponse call(HttpMethod method,
                    const std::string& path,
                    const std::string& body = "",
                    std::multimap<std::string, std::string> params = {}) {
    HttpRequest request{path, body, std::move(params), {}};
    request.headers.emplace("Authorization", std::string("Bearer ") + kToken);
    return handleCacheApi(options_, method, request);
  }

  static json parse(const HttpResponse& response) { return json::parse(response.body); }

  Cache cache_{1 << 20, 4};
  ResolverStats stats_;
  testing::FakeTime time_;
  CacheApiOptions options_;
};

TEST_F(CacheApiTest, EveryRouteNeedsTheToken) {
  insert("www.example.test.");
  for (const auto& [method, path] :
       std::vector<std::pair<HttpMethod, std::string>>{{HttpMethod::kGet, "/api/v1/cache"},
                                                       {HttpMethod::kPost, "/api/v1/cache/flush"},
                                                       {HttpMethod::kGet, "/api/v1/nothing"}}) {
    HttpRequest request{path, "", {}, {}};
    EXPECT_EQ(handleCacheApi(options_, method, request).status, 401) << path;
    request.headers.emplace("Authorization", "Bearer wrong-token-wrong-token");
    const HttpResponse denied = handleCacheApi(options_, method, request);
    EXPECT_EQ(denied.status, 401) << path;
    EXPECT_EQ(parse(denied)["error"]["field"], "Authorization");
  }
  EXPECT_TRUE(cached("www.example.test."));  // the denied flush removed nothing
}

TEST_F(CacheApiTest, StatsShowEntriesBytesAndCounters) {
  insert("a.example.test.");
  insert("b.example.test.");
  stats_.local().cache_hits = 5;
  stats_.local().cache_misses = 3;
  stats_.stale_answers = 2;
  stats_.lkg_holds = 1;

  const HttpResponse response = call(HttpMethod::kGet, "/api/v1/cache");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const json body = parse(response);
  EXPECT_EQ(body["entries"], 2);
  EXPECT_EQ(body["bytes"], cache_.stats().bytes);
  EXPECT_GT(body["bytes"].get<std::size_t>(), 200u);
  EXPECT_EQ(body["max_bytes"], 1 << 20);
  EXPECT_EQ(body["hits"], 5);
  EXPECT_EQ(body["misses"], 3);
  EXPECT_EQ(body["stale_answers"], 2);
  EXPECT_EQ(body["lkg_holds"], 1);
  EXPECT_EQ(body["evictions"], 0);
  EXPECT_EQ(body["flushed"], 0);
  ASSERT_EQ(body["shards"].size(), 4u);
  std::size_t entries = 0;
  for (const json& shard : body["shards"]) {
    entries += shard["entries"].get<std::size_t>();
    EXPECT_EQ(shard["max_bytes"], (1 << 20) / 4);
  }
  EXPECT_EQ(entries, 2u);
}

TEST_F(CacheApiTest, FlushWithoutBodyRemovesEverything) {
  insert("a.example.test.");
  insert("b.example.test.");
  insert("b.example.test.", kTypeAaaa);

  const HttpResponse response = call(HttpMethod::kPost, "/api/v1/cache/flush");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = parse(response);
  EXPECT_EQ(body["scope"], "all");
  EXPECT_EQ(body["removed"], 3);
  EXPECT_EQ(body["expired"], 0);
  EXPECT_EQ(body["entries"], 0);
  EXPECT_EQ(body["keep_stale"], false);
  EXPECT_EQ(cache_.stats().entries, 0u);
  EXPECT_EQ(parse(call(HttpMethod::kGet, "/api/v1/cache"))["flushed"], 3);
}

TEST_F(CacheApiTest, FlushOfOneNameLeavesOtherNames) {
  insert("www.example.test.");
  insert("www.example.test.", kTypeAaaa);
  insert("api.example.test.");

  // Any case, with or without the final dot.
  const HttpResponse response =
      call(HttpMethod::kPost, "/api/v1/cache/flush", R"({"name": "WWW.Example.test"})");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = parse(response);
  EXPECT_EQ(body["scope"], "name");
  EXPECT_EQ(body["name"], "WWW.Example.test");
  EXPECT_EQ(body["removed"], 2);
  EXPECT_EQ(body["entries"], 1);
  EXPECT_FALSE(cached("www.example.test."));
  EXPECT_TRUE(cached("api.example.test."));
}

TEST_F(CacheApiTest, FlushOfOneNameAndTypeFromQueryParameters) {
  insert("www.example.test.");
  insert("www.example.test.", kTypeAaaa);

  const HttpResponse response = call(HttpMethod::kPost, "/api/v1/cache/flush", "",
                                     {{"name", "www.example.test."}, {"type", "aaaa"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(parse(response)["type"], "AAAA");
  EXPECT_EQ(parse(response)["removed"], 1);
  EXPECT_TRUE(cached("www.example.test."));
  EXPECT_FALSE(cached("www.example.test.", kTypeAaaa));

  // TYPEnnn names any type.
  insert("www.example.test.", 99);
  const HttpResponse numbered = call(HttpMethod::kPost, "/api/v1/cache/flush",
                                     R"({"name": "www.example.test.", "type": "TYPE99"})");
  EXPECT_EQ(parse(numbered)["type"], "TYPE99");
  EXPECT_EQ(parse(numbered)["removed"], 1);
}

TEST_F(CacheApiTest, KeepStaleExpiresInsteadOfRemoving) {
  insert("www.example.test.");
  const HttpResponse response = call(HttpMethod::kPost, "/api/v1/cache/flush",
                                     R"({"name": "www.example.test.", "keep_stale": true})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(parse(response)["removed"], 0);
  EXPECT_EQ(parse(response)["expired"], 1);
  EXPECT_EQ(parse(response)["entries"], 1);
  const auto hit = cache_.lookup(
      CacheKey(testing::wireName("www.example.test."), kTypeA, kClassIn, false, false), time_.now(),
      60s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->freshness, Freshness::kStale);
}

TEST_F(CacheApiTest, BadRequestsNameTheFieldAndChangeNothing) {
  insert("www.example.test.");
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"name": "a..b.test."})", "name"},
      {R"({"name": ""})", "name"},
      {R"({"name": "has space.test."})", "name"},
      {R"({"name": "esc\\046aped.test."})", "name"},
      {R"({"name": ")" + std::string(64, 'x') + R"(.test."})", "name"},
      {R"({"name": 7})", "name"},
      {R"({"name": "www.example.test.", "type": "BOGUS"})", "type"},
      {R"({"name": "www.example.test.", "type": "TYPE0"})", "type"},
      {R"({"type": "A"})", "type"},
      {R"({"keep_stale": "yes"})", "keep_stale"},
      {R"({"nmae": "www.example.test."})", "nmae"},
      {R"(["www.example.test."])", "body"},
      {R"({"name": )", "body"},
  };
  for (const auto& [body, field] : cases) {
    const HttpResponse response = call(HttpMethod::kPost, "/api/v1/cache/flush", body);
    EXPECT_EQ(response.status, 400) << body;
    const json error = parse(response)["error"];
    EXPECT_EQ(error["field"], field) << body;
    EXPECT_EQ(error["code"], "invalid_argument") << body;
    EXPECT_FALSE(error["reason"].get<std::string>().empty()) << body;
  }
  const HttpResponse param =
      call(HttpMethod::kPost, "/api/v1/cache/flush", "", {{"keep_stale", "maybe"}});
  EXPECT_EQ(param.status, 400);
  EXPECT_EQ(parse(param)["error"]["field"], "keep_stale");
  EXPECT_TRUE(cached("www.example.test."));
}

TEST_F(CacheApiTest, WrongMethodAndUnknownRoute) {
  EXPECT_EQ(call(HttpMethod::kPost, "/api/v1/cache").status, 405);
  EXPECT_EQ(call(HttpMethod::kGet, "/api/v1/cache/flush").status, 405);
  EXPECT_EQ(call(HttpMethod::kDelete, "/api/v1/cache").status, 405);
  const HttpResponse missing = call(HttpMethod::kGet, "/api/v1/status");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(parse(missing)["error"]["code"], "not_found");
}

}  // namespace
}  // namespace holdfast::resolver
