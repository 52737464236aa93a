// Reads the end-to-end `connect:` check and the `failure_ratio:` rule of probe.yaml.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "config/probe_config_internal.h"

namespace holdfast::config {

namespace {

// Longest HTTP path accepted: the request line must stay well inside what servers read.
constexpr std::size_t kMaxHttpPath = 1024;

// A status code 100 to 599, or -1.
int statusCode(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 100 || value > 599) {
    return -1;
  }
  return value;
}

// "200" or "200-399".
Status readStatusRange(const Reader& r,
                       const YAML::Node& node,
                       const std::string& field,
                       control::HealthCheckConfig& health) {
  auto text = r.text(node, field);
  if (!text.ok()) {
    return text.error();
  }
  const std::string_view whole(*text);
  const std::size_t dash = whole.find('-');
  const int low = statusCode(whole.substr(0, dash));
  const int high = dash == std::string_view::npos ? low : statusCode(whole.substr(dash + 1));
  if (low < 0 || high < 0 || low > high) {
    return r.error(
        node, field,
        "expected a status or a range such as 200-399 (codes 100 to 599), got '" + *text + "'");
  }
  health.http_status_min = low;
  health.http_status_max = high;
  return okStatus();
}

// The path goes into the request line as it is, so it must hold no space or control character.
Status readHttpPath(const Reader& r,
                    const YAML::Node& node,
                    const std::string& field,
                    control::HealthCheckConfig& health) {
  auto text = r.text(node, field);
  if (!text.ok()) {
    return text.error();
  }
  const bool printable = std::all_of(text->begin(), text->end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (text->empty() || text->front() != '/' || !printable || text->size() > kMaxHttpPath) {
    return r.error(node, field,
                   fmt::format("expected a path such as /healthz: starting with /, at most {} "
                               "characters, no spaces or control characters",
                               kMaxHttpPath));
  }
  health.http_path = *text;
  return okStatus();
}

Status readPort(const Reader& r,
                const YAML::Node& node,
                const std::string& field,
                control::HealthCheckConfig& health) {
  auto port = r.integer(node, field, 1, 65535);
  if (!port.ok()) {
    return port.error();
  }
  health.port = static_cast<std::uint16_t>(*port);
  return okStatus();
}

Status readHttp(const Reader& r,
                const YAML::Node& node,
                const std::string& field,
                control::HealthCheckConfig& health) {
  if (auto s = r.checkKeys(node, field, {"port", "path", "expect_status"}); !s.ok()) {
    return s;
  }
  if (!node["port"]) {
    return r.error(node, field, "port is required");
  }
  health.kind = control::HealthCheckConfig::Kind::kHttp;
  health.http_status_min = 200;
  health.http_status_max = 399;  // a redirect still proves the server answers
  if (auto s = readPort(r, node["port"], field + ".port", health); !s.ok()) {
    return s;
  }
  if (const YAML::Node n = node["path"]) {
    if (auto s = readHttpPath(r, n, field + ".path", health); !s.ok()) {
      return s;
    }
  }
  if (const YAML::Node n = node["expect_status"]) {
    return readStatusRange(r, n, field + ".expect_status", health);
  }
  return okStatus();
}

}  // namespace

std::string durationText(std::chrono::milliseconds duration) {
  const std::int64_t ms = duration.count();
  if (ms != 0 && ms % 3'600'000 == 0) {
    return fmt::format("{}h", ms / 3'600'000);
  }
  if (ms != 0 && ms % 1000 == 0) {
    return fmt::format("{}s", ms / 1000);
  }
  return fmt::format("{}ms", ms);
}

Status readFailureRatio(const Reader& r,
                        const YAML::Node& node,
                        const std::string& field,
                        probe::FailureRatio& ratio) {
  if (auto s = r.checkKeys(node, field, {"above", "window"}); !s.ok()) {
    return s;
  }
  if (const YAML::Node n = node["above"]) {
    auto text = r.text(n, field + ".above");
    if (!text.ok()) {
      return text.error();
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || !(value > 0.0) || value > 1.0) {
      return r.error(n, field + ".above",
                     "expected a share of failed queries above 0 and at most 1 (1 turns the rule "
                     "off), got '" +
                         *text + "'");
    }
    ratio.above = value;
  }
  if (const YAML::Node n = node["window"]) {
    auto window = r.integer(n, field + ".window", static_cast<std::int64_t>(kMinFailureWindow),
                            static_cast<std::int64_t>(kMaxFailureWindow));
    if (!window.ok()) {
      return window.error();
    }
    ratio.window = static_cast<std::size_t>(*window);
  }
  return okStatus();
}

Status readConnect(const Reader& r,
                   const YAML::Node& node,
                   const std::string& field,
                   const probe::ProbeOptions& options,
                   probe::ConnectCheck& connect) {
  if (auto s = r.checkKeys(node, field, {"tcp", "http", "timeout", "max_addresses"}); !s.ok()) {
    return s;
  }
  if (static_cast<bool>(node["tcp"]) == static_cast<bool>(node["http"])) {
    return r.error(node, field, "expected exactly one of tcp (a port) or http (a mapping)");
  }
  control::HealthCheckConfig& health = connect.health;
  if (const YAML::Node n = node["tcp"]) {
    health.kind = control::HealthCheckConfig::Kind::kTcp;
    if (auto s = readPort(r, n, field + ".tcp", health); !s.ok()) {
      return s;
    }
  } else if (auto s = readHttp(r, node["http"], field + ".http", health); !s.ok()) {
    return s;
  }

  health.timeout = options.timeout;
  if (const YAML::Node n = node["timeout"]) {
    auto d = r.duration(n, field + ".timeout");
    if (!d.ok()) {
      return d.error();
    }
    if (*d < kMinProbeTimeout || *d > options.interval) {
      return r.error(n, field + ".timeout",
                     fmt::format("must be from {} to the interval ({}), got '{}'",
                                 durationText(kMinProbeTimeout), durationText(options.interval),
                                 n.as<std::string>()));
    }
    health.timeout = *d;
  }
  if (const YAML::Node n = node["max_addresses"]) {
    auto count = r.integer(n, field + ".max_addresses", 1,
                           static_cast<std::int64_t>(probe::kMaxConnectAddresses));
    if (!count.ok()) {
      return count.error();
    }
    connect.max_addresses = static_cast<std::size_t>(*count);
  }
  return okStatus();
}

}  // namespace holdfast::config
