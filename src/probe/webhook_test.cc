#include "probe/webhook.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/unique_fd.h"

namespace holdfast::probe {
namespace {

using std::chrono::milliseconds;

// An HTTP receiver on loopback that records bodies and fails the first `fail_first` requests.
class Receiver {
public:
  explicit Receiver(int fail_first = 0) : fail_first_(fail_first) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      ++requests_;
      if (requests_ <= fail_first_) {
        res.status = 500;
        return;
      }
      bodies_.push_back(nlohmann::json::parse(req.body));
      res.status = 204;
      changed_.notify_all();
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the loop runs: wait for it (bounded) so the destructor cannot hang.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  ~Receiver() {
    server_.stop();
    thread_.join();
  }

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
  }

  // Waits (bounded) until `n` bodies arrived; returns them.
  std::vector<nlohmann::json> waitFor(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(20), [&] { return bodies_.size() >= n; });
    return bodies_;
  }

  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

private:
  httplib::Server server_;
  int port_ = 0;
  int fail_first_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int requests_ = 0;
  std::vector<nlohmann::json> bodies_;
  std::thread thread_;
};

WebhookOptions optionsFor(const std::string& url) {
  WebhookOptions options;
  auto parsed = parseWebhookUrl(url);
  EXPECT_TRUE(parsed.ok());
  options.urls.push_back(*parsed);
  options.retry_base = milliseconds(10);
  options.timeout = milliseconds(1000);
  return options;
}

TEST(ParseWebhookUrlTest, ParsesHostPortAndPath) {
  auto url = parseWebhookUrl("http://127.0.0.1:9000/hook");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->path, "/hook");
  auto bare = parseWebhookUrl("http://alerts.example");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->path, "/");
  auto v6 = parseWebhookUrl("http://[::1]:8080/x");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
}

TEST(ParseWebhookUrlTest, RejectsWhatItCannotSend) {
  EXPECT_FALSE(parseWebhookUrl("https://127.0.0.1/hook").ok());
  EXPECT_FALSE(parseWebhookUrl("ftp://127.0.0.1/hook").ok());
  EXPECT_FALSE(parseWebhookUrl("http:///hook").ok());
  EXPECT_FALSE(parseWebhookUrl("http://127.0.0.1:0/").ok());
  EXPECT_FALSE(parseWebhookUrl("http://127.0.0.1:x/").ok());
  EXPECT_FALSE(parseWebhookUrl("http://user:pw@127.0.0.1/").ok());
}

TEST(WebhookSenderTest, TrackerSendsOneFiringAndOneResolved) {
  Receiver receiver;
  WebhookSender sender(optionsFor(receiver.url()));
  AlertTracker tracker(&sender);
  tracker.update("upstream_breaker_open", "127.0.0.1:53", true, "open");
  tracker.update("upstream_breaker_open", "127.0.0.1:53", true, "still open");
  EXPECT_EQ(tracker.firing().size(), 1u);
  tracker.update("upstream_breaker_open", "127.0.0.1:53", false, "closed");
  tracker.update("upstream_breaker_open", "127.0.0.1:53", false, "still closed");
  EXPECT_TRUE(tracker.firing().empty());

  const auto bodies = receiver.waitFor(2);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0]["status"], "firing");
  EXPECT_EQ(bodies[0]["alert"], "upstream_breaker_open");
  EXPECT_EQ(bodies[0]["subject"], "127.0.0.1:53");
  EXPECT_EQ(bodies[0]["source"], "holdfast");
  EXPECT_EQ(bodies[1]["status"], "resolved");
  sender.stop();
  EXPECT_EQ(sender.delivered(), 2u);
  EXPECT_EQ(receiver.requests(), 2);
}

TEST(WebhookSenderTest, RetriesAfterAFailedPost) {
  Receiver receiver(2);
  WebhookSender sender(optionsFor(receiver.url()));
  ASSERT_TRUE(sender.enqueue(Alert{"a", "b", AlertStatus::kFiring, "s", {}}));
  const auto bodies = receiver.waitFor(1);
  ASSERT_EQ(bodies.size(), 1u);
  sender.stop();
  EXPECT_EQ(receiver.requests(), 3);
  EXPECT_EQ(sender.delivered(), 1u);
  EXPECT_EQ(sender.failed(), 0u);
}

TEST(WebhookSenderTest, GivesUpAfterMaxAttempts) {
  Receiver receiver(100);
  WebhookOptions options = optionsFor(receiver.url());
  options.max_attempts = 2;
  WebhookSender sender(options);
  ASSERT_TRUE(sender.enqueue(Alert{"a", "b", AlertStatus::kFiring, "s", {}}));
  ASSERT_TRUE(sender.enqueue(Alert{"c", "d", AlertStatus::kFiring, "s", {}}));
  // The second alert is posted only after the first was given up.
  for (int i = 0; i < 2000 && receiver.requests() < 4; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  sender.stop();
  EXPECT_EQ(receiver.requests(), 4);
  EXPECT_EQ(sender.failed(), 2u);
  EXPECT_EQ(sender.delivered(), 0u);
}

TEST(WebhookSenderTest, QueueIsBoundedAndEnqueueNeverWaits) {
  // A receiver that takes connections into its backlog but never answers: the sender's first
  // post hangs until its timeout, so it takes at most one alert while the loop runs, however
  // fast or slow this machine is, and the queue must hold the rest within its bound.
  UniqueFd silent(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(silent.fd(), 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(silent.fd(), 16), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(silent.fd(), reinterpret_cast<sockaddr*>(&address), &length), 0);

  WebhookOptions options =
      optionsFor("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/hook");
  options.queue_limit = 2;
  options.max_attempts = 1;
  WebhookSender sender(options);
  int accepted = 0;
  for (int i = 0; i < 50; ++i) {
    accepted +=
        sender.enqueue(Alert{"a", std::to_string(i), AlertStatus::kFiring, "s", {}}) ? 1 : 0;
  }
  EXPECT_GE(accepted, 2);
  EXPECT_LE(accepted, 3);  // two queued, at most one taken by the sender meanwhile
  EXPECT_EQ(sender.dropped(), static_cast<std::uint64_t>(50 - accepted));
  sender.stop();
}

TEST(AlertJsonTest, HasEveryField) {
  const Alert alert{"last_known_good_hold", "resolver", AlertStatus::kResolved, "ok",
                    std::chrono::system_clock::time_point(std::chrono::milliseconds(1'500))};
  const auto body = nlohmann::json::parse(alertJson(alert, "holdfast-resolver"));
  EXPECT_EQ(body["source"], "holdfast-resolver");
  EXPECT_EQ(body["status"], "resolved");
  EXPECT_EQ(body["time"], "1970-01-01T00:00:01.500Z");
}

}  // namespace
}  // namespace holdfast::probe
