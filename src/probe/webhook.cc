// Webhook delivery and alert de-duplication.
#include "probe/webhook.h"

#include <httplib.h>

#include <charconv>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace holdfast::probe {

namespace {

constexpr std::string_view kScheme = "http://";

const char* statusName(AlertStatus status) {
  return status == AlertStatus::kFiring ? "firing" : "resolved";
}

}  // namespace

Result<WebhookUrl> parseWebhookUrl(const std::string& text) {
  if (text.rfind("https://", 0) == 0) {
    return makeError(Errc::kConfig, fmt::format("'{}': https is not supported; use http://", text));
  }
  if (text.rfind(kScheme, 0) != 0) {
    return makeError(Errc::kConfig, fmt::format("'{}': expected an http:// URL", text));
  }
  WebhookUrl url;
  url.text = text;
  const std::string rest = text.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  url.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.find('@') != std::string::npos) {
    return makeError(Errc::kConfig,
                     fmt::format("'{}': credentials in URLs are not supported", text));
  }

  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) {
      return makeError(Errc::kConfig, fmt::format("'{}': unclosed '[' in the host", text));
    }
    url.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return makeError(Errc::kConfig, fmt::format("'{}': expected ':' after ']'", text));
      }
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (url.host.empty()) {
    return makeError(Errc::kConfig, fmt::format("'{}': missing host", text));
  }
  if (!port_text.empty() || authority.find(':') != std::string::npos) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        port == 0 || port > 65535) {
      return makeError(Errc::kConfig, fmt::format("'{}': port must be 1 to 65535", text));
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  return url;
}

std::string alertJson(const Alert& alert, const std::string& source) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(alert.at.time_since_epoch()).count();
  const nlohmann::json body{
      {"source", source},
      {"alert", alert.name},
      {"subject", alert.subject},
      {"status", statusName(alert.status)},
      {"summary", alert.summary},
      {"time", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                           std::chrono::floor<std::chrono::seconds>(alert.at), ms % 1000)},
  };
  return body.dump();
}

WebhookSender::WebhookSender(WebhookOptions options)
    : options_(std::move(options)), jitter_(std::random_device{}()) {
  thread_ = std::thread([this] { run(); });
}

WebhookSender::~WebhookSender() {
  stop();
}

bool WebhookSender::enqueue(Alert alert) noexcept {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.queue_limit) {
      // Logged for the first drop and every 100th after it: a dead receiver must not flood
      // the log either.
      if (dropped_++ % 100 == 0) {
        log_.warn("alert dropped: webhook queue full", {{"alert.name", alert.name},
                                                        {"alert.subject", alert.subject},
                                                        {"alert.dropped", dropped_}});
      }
      return false;
    }
    queue_.push_back(std::move(alert));
  }
  wake_.notify_one();
  return true;
}

void WebhookSender::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

std::uint64_t WebhookSender::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

std::uint64_t WebhookSender::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

std::uint64_t WebhookSender::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

bool WebhookSender::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

bool WebhookSender::deliver(const WebhookUrl& url, const std::string& body) {
  httplib::Client client(url.host, url.port);
  const auto timeout = options_.timeout;
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  const auto res = client.Post(url.path, body, "application/json");
  return res && res->status >= 200 && res->status < 300;
}

void WebhookSender::run() {
  while (true) {
    Alert alert;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      alert = std::move(queue_.front());
      queue_.pop_front();
    }
    const std::string body = alertJson(alert, options_.source);
    for (const WebhookUrl& url : options_.urls) {
      bool ok = false;
      for (int attempt = 0; attempt < std::max(1, options_.max_attempts) && !ok; ++attempt) {
        // Full jitter below a doubling ceiling, so many senders do not retry in step.
        if (attempt > 0) {
          const auto ceiling = options_.retry_base.count() << std::min(attempt - 1, 10);
          const auto delay = std::chrono::milliseconds(
              static_cast<std::int64_t>(jitter_() % static_cast<std::uint64_t>(ceiling + 1)));
          if (!pause(delay)) {
            return;
          }
        }
        ok = deliver(url, body);
      }
      std::lock_guard lock(mutex_);
      if (ok) {
        ++delivered_;
      } else {
        ++failed_;
        log_.warn("webhook delivery failed", {{"webhook.url", url.text},
                                              {"alert.name", alert.name},
                                              {"alert.subject", alert.subject}});
      }
    }
  }
}

void AlertTracker::update(const std::string& name,
                          const std::string& subject,
                          bool active,
                          const std::string& summary) {
  {
    std::lock_guard lock(mutex_);
    const auto key = std::make_pair(name, subject);
    const auto it = active_.find(key);
    const bool was = it != active_.end() && it->second;
    if (was == active) {
      return;
    }
    if (active) {
      active_[key] = true;
    } else {
      active_.erase(key);
    }
  }
  const Alert alert{name, subject, active ? AlertStatus::kFiring : AlertStatus::kResolved, summary,
                    std::chrono::system_clock::now()};
  if (active) {
    log_.warn("alert firing",
              {{"alert.name", name}, {"alert.subject", subject}, {"alert.summary", summary}});
  } else {
    log_.info("alert resolved",
              {{"alert.name", name}, {"alert.subject", subject}, {"alert.summary", summary}});
  }
  if (sender_ != nullptr) {
    sender_->enqueue(alert);
  }
}

std::vector<std::pair<std::string, std::string>> AlertTracker::firing() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, on] : active_) {
    out.push_back(key);
  }
  return out;
}

}  // namespace holdfast::probe
