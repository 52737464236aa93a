// Webhook alerts: conditions de-duplicated into "firing" and "resolved" events, delivered as
// JSON POSTs from a background thread with a bounded queue, timeouts and jittered retries.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/log.h"
#include "common/result.h"

namespace holdfast::probe {

// Alerts waiting for delivery; when full, new alerts are dropped (counted and logged), so a dead
// receiver can never make the process buffer without bound.
inline constexpr std::size_t kDefaultWebhookQueue = 256;

// Per POST: connect plus read, short enough that one dead receiver delays the rest of the
// queue by seconds, not minutes.
inline constexpr std::chrono::milliseconds kDefaultWebhookTimeout{2000};

// Attempts per alert and URL, and the first retry's delay ceiling (doubling, full jitter).
inline constexpr int kDefaultWebhookAttempts = 3;
inline constexpr std::chrono::milliseconds kDefaultWebhookRetryBase{250};

// A parsed http:// URL. Only plain HTTP: alert receivers sit on the local network or loopback.
struct WebhookUrl {
  std::string text;  // as configured, for logs
  std::string host;  // name or address, IPv6 without brackets
  std::uint16_t port = 80;
  std::string path = "/";
};

// Errors: kConfig naming what is wrong ("https is not supported", "missing host", ...).
[[nodiscard]] Result<WebhookUrl> parseWebhookUrl(const std::string& text);

enum class AlertStatus {
  kFiring,
  kResolved,
};

struct Alert {
  std::string name;     // what kind of condition ("upstream_breaker_open")
  std::string subject;  // what it is about ("127.0.0.1:53", "resolver")
  AlertStatus status = AlertStatus::kFiring;
  std::string summary;
  std::chrono::system_clock::time_point at{};
};

// The JSON body sent: {"source", "alert", "subject", "status", "summary", "time"}.
[[nodiscard]] std::string alertJson(const Alert& alert, const std::string& source);

struct WebhookOptions {
  std::vector<WebhookUrl> urls;
  std::string source = "holdfast";  // the "source" field of each body
  std::size_t queue_limit = kDefaultWebhookQueue;
  std::chrono::milliseconds timeout{kDefaultWebhookTimeout};
  int max_attempts = kDefaultWebhookAttempts;
  std::chrono::milliseconds retry_base{kDefaultWebhookRetryBase};
};

// Delivers alerts to every URL in order of arrival. A 2xx answer is delivered; anything else
// is retried up to max_attempts, then given up (logged). Thread-safe.
class WebhookSender {
public:
  explicit WebhookSender(WebhookOptions options);
  ~WebhookSender();

  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Queues `alert` and returns at once; false (and counted) when the queue is full.
  bool enqueue(Alert alert) noexcept;

  // Stops after the POST in progress; alerts still queued are dropped. Idempotent.
  void stop() noexcept;

  // Totals, over all URLs.
  [[nodiscard]] std::uint64_t delivered() const;
  [[nodiscard]] std::uint64_t failed() const;   // given up after every attempt
  [[nodiscard]] std::uint64_t dropped() const;  // the queue was full

private:
  void run();
  bool deliver(const WebhookUrl& url, const std::string& body);
  // Waits up to `delay` unless stopping; returns false when stopping.
  bool pause(std::chrono::milliseconds delay);

  WebhookOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Alert> queue_;      // guarded by mutex_
  bool stopping_ = false;        // guarded by mutex_
  std::uint64_t delivered_ = 0;  // guarded by mutex_
  std::uint64_t failed_ = 0;     // guarded by mutex_
  std::uint64_t dropped_ = 0;    // guarded by mutex_
  std::mt19937_64 jitter_;       // sender thread only
  log::Logger log_{"alerts"};
  std::thread thread_;
};

// De-duplicates conditions: one "firing" when a condition becomes active, one "resolved" when
// it clears, nothing while it stays as it was. Each change is logged (warn when firing, info
// when resolved) and handed to the sender, if any. Thread-safe.
class AlertTracker {
public:
  // `sender` may be null (alerts are then only logged); it must outlive the tracker.
  explicit AlertTracker(WebhookSender* sender) : sender_(sender) {}

  // Reports the current state of one condition.
  void update(const std::string& name,
              const std::string& subject,
              bool active,
              const std::string& summary);

  // Conditions firing now, as (name, subject).
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> firing() const;

private:
  WebhookSender* sender_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, bool> active_;  // guarded by mutex_
  log::Logger log_{"alerts"};
};

}  // namespace holdfast::probe
