#include "admin/http_listener.h"

#include <httplib.h>

#include <atomic>

#include <gtest/gtest.h>

namespace holdfast::admin {
namespace {

TEST(ParseHostPortTest, AcceptsV4AndV6) {
  auto v4 = parseHostPort("127.0.0.1:9153");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9153);
  auto v6 = parseHostPort("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
}

TEST(ParseHostPortTest, RejectsBadInput) {
  EXPECT_FALSE(parseHostPort("localhost:80").ok());
  EXPECT_FALSE(parseHostPort("127.0.0.1").ok());
  EXPECT_FALSE(parseHostPort("127.0.0.1:65536").ok());
  EXPECT_FALSE(parseHostPort("127.0.0.1:x").ok());
  EXPECT_FALSE(parseHostPort("[::1]9").ok());
}

TEST(HttpListenerTest, ServesHealthReadinessAndMetrics) {
  MetricsRegistry metrics;
  metrics.addCollector([] {
    std::vector<prometheus::MetricFamily> out;
    out.push_back(FamilyBuilder("test_up", "up", prometheus::MetricType::Gauge).add({}, 1).take());
    return out;
  });
  std::atomic<bool> ready{false};
  HttpListenerOptions options;
  options.listen = "127.0.0.1:0";
  options.metrics = &metrics;
  options.ready = [&ready] { return ready.load(); };
  options.routes.push_back({HttpMethod::kPost, "/echo", [](const HttpRequest& req) {
                              return HttpResponse{201, "text/plain", req.body};
                            }});
  auto listener = HttpListener::start(options);
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  ASSERT_NE((*listener)->port(), 0);

  httplib::Client client("127.0.0.1", (*listener)->port());
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto not_ready = client.Get("/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);
  ready = true;
  auto now_ready = client.Get("/readyz");
  ASSERT_TRUE(now_ready);
  EXPECT_EQ(now_ready->status, 200);
  auto scrape = client.Get("/metrics");
  ASSERT_TRUE(scrape);
  EXPECT_EQ(scrape->status, 200);
  EXPECT_NE(scrape->body.find("test_up 1"), std::string::npos);
  auto echo = client.Post("/echo", "hello", "text/plain");
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->status, 201);
  EXPECT_EQ(echo->body, "hello");
  auto missing = client.Get("/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  (*listener)->stop();
  (*listener)->stop();
  EXPECT_FALSE(client.Get("/healthz"));
}

// Two listeners on one address would split connections (and bearer tokens) between two
// processes: the second must fail to bind, as a DNS port in use does.
TEST(HttpListenerTest, AnAddressInUseIsABindError) {
  HttpListenerOptions options;
  options.listen = "127.0.0.1:0";
  auto first = HttpListener::start(options);
  ASSERT_TRUE(first.ok()) << first.error().message;
  options.listen = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = HttpListener::start(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Errc::kIo);
  EXPECT_NE(second.error().message.find(options.listen), std::string::npos);
}

TEST(HttpListenerTest, ReportsBadAddress) {
  HttpListenerOptions options;
  options.listen = "not-an-address:1";
  auto listener = HttpListener::start(options);
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().code, Errc::kConfig);
}

}  // namespace
}  // namespace holdfast::admin
