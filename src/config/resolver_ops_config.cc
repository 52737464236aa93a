// Reading the operations parts of the `resolver:` section: data_dir, metrics (and the cache
// API's token), webhook alerts and active probes.
#include <fmt/format.h>

#include "admin/http_listener.h"
#include "config/resolver_config.h"
#include "probe/webhook.h"

namespace holdfast::config {

namespace {

using std::chrono::milliseconds;

// Alerts cannot clear faster than the loop looks, nor wait longer than a day to say so.
constexpr milliseconds kMinResolveAfter = resolver::kAlertCheckInterval;
constexpr milliseconds kMaxResolveAfter = std::chrono::hours(24);

// Webhook URLs per resolver: each alert is posted to every one in turn.
constexpr std::size_t kMaxWebhooks = 8;

Status readMetrics(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s = r.checkKeys(node, "resolver.metrics", {"listen", "token_file"}); !s.ok()) {
    return s;
  }
  if (!node["listen"]) {
    return r.error(node, "resolver.metrics.listen", "required (address:port)");
  }
  auto text = r.text(node["listen"], "resolver.metrics.listen");
  if (!text.ok()) {
    return text.error();
  }
  if (auto parsed = admin::parseHostPort(*text); !parsed.ok()) {
    return r.error(node["listen"], "resolver.metrics.listen", parsed.error().message);
  }
  o.ops.metrics_listen = *text;
  if (node["token_file"]) {
    auto file = r.text(node["token_file"], "resolver.metrics.token_file");
    if (!file.ok()) {
      return file.error();
    }
    if (file->empty()) {
      return r.error(node["token_file"], "resolver.metrics.token_file", "must not be empty");
    }
    o.ops.token_file = *file;
  }
  return okStatus();
}

Status readAlerts(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s = r.checkKeys(node, "resolver.alerts", {"webhooks", "resolve_after"}); !s.ok()) {
    return s;
  }
  if (const YAML::Node hooks = node["webhooks"]; hooks) {
    if (!hooks.IsSequence()) {
      return r.error(hooks, "resolver.alerts.webhooks", "expected a list of http:// URLs");
    }
    if (hooks.size() > kMaxWebhooks) {
      return r.error(hooks, "resolver.alerts.webhooks", fmt::format("at most {}", kMaxWebhooks));
    }
    for (std::size_t i = 0; i < hooks.size(); ++i) {
      const std::string field = fmt::format("resolver.alerts.webhooks[{}]", i);
      auto text = r.text(hooks[i], field);
      if (!text.ok()) {
        return text.error();
      }
      if (auto url = probe::parseWebhookUrl(*text); !url.ok()) {
        return r.error(hooks[i], field, url.error().message);
      }
      o.ops.webhooks.push_back(*text);
    }
  }
  if (const YAML::Node after = node["resolve_after"]; after) {
    auto d = r.duration(after, "resolver.alerts.resolve_after");
    if (!d.ok()) {
      return d.error();
    }
    if (*d < kMinResolveAfter || *d > kMaxResolveAfter) {
      return r.error(after, "resolver.alerts.resolve_after",
                     fmt::format("must be between {}ms and {}ms", kMinResolveAfter.count(),
                                 kMaxResolveAfter.count()));
    }
    o.ops.alert_resolve_after = *d;
  }
  return okStatus();
}

Result<std::uint16_t> probeType(const std::string& text) {
  static const std::vector<std::pair<std::string, std::uint16_t>> types{
      {"A", 1}, {"NS", 2}, {"SOA", 6}, {"TXT", 16}, {"AAAA", 28}};
  for (const auto& [name, value] : types) {
    if (text == name) {
      return value;
    }
  }
  return makeError(Errc::kConfig, "expected A, NS, SOA, TXT or AAAA");
}

Status readProbe(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s = r.checkKeys(node, "resolver.probe", {"interval", "name", "type"}); !s.ok()) {
    return s;
  }
  if (!node["interval"]) {
    return r.error(node, "resolver.probe.interval", "required (for example 5s)");
  }
  auto interval = r.duration(node["interval"], "resolver.probe.interval");
  if (!interval.ok()) {
    return interval.error();
  }
  if (*interval < resolver::kMinActiveProbeInterval ||
      *interval > resolver::kMaxActiveProbeInterval) {
    return r.error(
        node["interval"], "resolver.probe.interval",
        fmt::format("must be between {}ms and {}ms", resolver::kMinActiveProbeInterval.count(),
                    resolver::kMaxActiveProbeInterval.count()));
  }
  o.active_probe.interval = *interval;
  if (node["name"]) {
    auto name = r.text(node["name"], "resolver.probe.name");
    if (!name.ok()) {
      return name.error();
    }
    if (auto wire = resolver::encodeName(*name); !wire.ok()) {
      return r.error(node["name"], "resolver.probe.name", wire.error().message);
    }
    o.active_probe.name = *name;
  }
  if (node["type"]) {
    auto text = r.text(node["type"], "resolver.probe.type");
    if (!text.ok()) {
      return text.error();
    }
    auto type = probeType(*text);
    if (!type.ok()) {
      return r.error(node["type"], "resolver.probe.type", type.error().message);
    }
    o.active_probe.qtype = *type;
  }
  return okStatus();
}

}  // namespace

Status readResolverOps(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (node["data_dir"]) {
    auto dir = r.text(node["data_dir"], "resolver.data_dir");
    if (!dir.ok()) {
      return dir.error();
    }
    if (dir->empty()) {
      return r.error(node["data_dir"], "resolver.data_dir", "must not be empty");
    }
    o.ops.data_dir = *dir;
  }
  if (node["metrics"]) {
    if (auto s = readMetrics(r, node["metrics"], o); !s.ok()) {
      return s;
    }
  }
  if (node["alerts"]) {
    if (auto s = readAlerts(r, node["alerts"], o); !s.ok()) {
      return s;
    }
  }
  if (node["probe"]) {
    return readProbe(r, node["probe"], o);
  }
  return okStatus();
}

}  // namespace holdfast::config
