// Loads probe.yaml: names × resolvers × expectations, alert timing and notification targets.
#include "config/probe_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "config/config_reader_internal.h"
#include "config/probe_config_internal.h"

namespace holdfast::config {

namespace {

// Bounds: each check asks every resolver once per round on the probe's one thread, so the
// product must stay small enough for a round to finish within the interval.
constexpr std::size_t kMaxChecks = 256;
constexpr std::size_t kMaxResolvers = 16;

// What every check reads against: the probe-wide settings read before the checks.
struct CheckContext {
  const std::filesystem::path& resolv_conf;
  const probe::ProbeOptions& options;        // interval and timeout
  const probe::FailureRatio& failure_ratio;  // the default of checks that set none
};

bool isAddress(const std::string& text, bool v6) {
  unsigned char buffer[16];
  return inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), buffer) == 1;
}

// "a.b.c.d", "a.b.c.d:port", "[v6]:port" or a bare IPv6 address; port 53 by default.
Result<probe::ResolverTarget> parseResolver(const std::string& text) {
  probe::ResolverTarget out{text, text, 53};
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) {
      return makeError(Errc::kConfig, "expected [v6-address]:port");
    }
    out.host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        return makeError(Errc::kConfig, "expected [v6-address]:port");
      }
      port_text = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    out.host = text.substr(0, text.find(':'));
    port_text = text.substr(text.find(':') + 1);
  }
  if (!isAddress(out.host, out.host.find(':') != std::string::npos)) {
    return makeError(Errc::kConfig, "'" + out.host + "' is not an IP address");
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return makeError(Errc::kConfig, "port must be 1 to 65535, got '" + port_text + "'");
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

// The nameservers of resolv.conf, in order.
Result<std::vector<probe::ResolverTarget>> systemResolvers(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return makeError(Errc::kConfig, path.string() + ": cannot read the system's resolvers");
  }
  std::vector<probe::ResolverTarget> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key;
    std::string address;
    if (words >> key >> address && key == "nameserver") {
      auto target = parseResolver(address);
      if (target.ok()) {
        out.push_back(*std::move(target));
      }
    }
  }
  if (out.empty()) {
    return makeError(Errc::kConfig, path.string() + ": no nameserver lines");
  }
  return out;
}

Status readExpect(const Reader& r,
                  const YAML::Node& node,
                  const std::string& field,
                  const CheckContext& context,
                  probe::ProbeCheck& check) {
  if (auto s =
          r.checkKeys(node, field,
                      {"non_empty", "contains", "max_latency", "latency_anomaly", "failure_ratio"});
      !s.ok()) {
    return s;
  }
  if (const YAML::Node n = node["failure_ratio"]) {
    if (auto s = readFailureRatio(r, n, field + ".failure_ratio", check.failure_ratio); !s.ok()) {
      return s;
    }
  }
  if (const YAML::Node n = node["non_empty"]) {
    auto text = r.text(n, field + ".non_empty");
    if (!text.ok()) {
      return text.error();
    }
    if (*text != "true" && *text != "false") {
      return r.error(n, field + ".non_empty", "expected true or false, got '" + *text + "'");
    }
    check.non_empty = *text == "true";
  }
  if (const YAML::Node n = node["contains"]) {
    if (!n.IsSequence()) {
      return r.error(n, field + ".contains", "expected a list of addresses");
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string at = fmt::format("{}.contains[{}]", field, i);
      auto text = r.text(n[i], at);
      if (!text.ok()) {
        return text.error();
      }
      if (!isAddress(*text, check.rrtype == 28)) {
        return r.error(
            n[i], at,
            fmt::format("'{}' is not an {} address", *text, check.rrtype == 28 ? "IPv6" : "IPv4"));
      }
      check.contains.push_back(*text);
    }
  }
  if (const YAML::Node n = node["latency_anomaly"]) {
    // A factor of 1.5 or more: below that, ordinary variation would fire it.
    auto text = r.text(n, field + ".latency_anomaly");
    if (!text.ok()) {
      return text.error();
    }
    double factor = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), factor);
    if (ec != std::errc() || end != text->data() + text->size() || factor < 1.5 || factor > 1000) {
      return r.error(
          n, field + ".latency_anomaly",
          "expected a factor from 1.5 to 1000 over the median latency, got '" + *text + "'");
    }
    check.anomaly_factor = factor;
  }
  if (const YAML::Node n = node["max_latency"]) {
    auto d = r.duration(n, field + ".max_latency");
    if (!d.ok()) {
      return d.error();
    }
    // Zero would fire on every answer; above the timeout it could never fire at all.
    if (d->count() == 0 || *d > context.options.timeout) {
      return r.error(n, field + ".max_latency",
                     fmt::format("must be greater than zero and not longer than the timeout "
                                 "({}), got '{}'",
                                 durationText(context.options.timeout), n.as<std::string>()));
    }
    check.max_latency = *d;
  }
  return okStatus();
}

Status readCheck(const Reader& r,
                 const YAML::Node& node,
                 std::size_t index,
                 const CheckContext& context,
                 probe::ProbeCheck& check) {
  const std::string field = fmt::format("checks[{}]", index);
  if (auto s = r.checkKeys(node, field, {"name", "type", "resolvers", "expect", "connect"});
      !s.ok()) {
    return s;
  }
  check.failure_ratio = context.failure_ratio;
  if (!node["name"] || !node["resolvers"]) {
    return r.error(node, field, "name and resolvers are required");
  }
  check.where = r.where(node);
  auto name = r.text(node["name"], field + ".name");
  if (!name.ok()) {
    return name.error();
  }
  auto normalized = normalizeName(*name);
  if (!normalized.ok()) {
    return r.error(node["name"], field + ".name", normalized.error().message);
  }
  check.name = *normalized;
  if (const YAML::Node n = node["type"]) {
    auto type = r.text(n, field + ".type");
    if (!type.ok()) {
      return type.error();
    }
    if (*type != "A" && *type != "AAAA") {
      return r.error(n, field + ".type", "expected A or AAAA, got '" + *type + "'");
    }
    check.rrtype = *type == "A" ? 1 : 28;
  }
  const YAML::Node resolvers = node["resolvers"];
  if (!resolvers.IsSequence() || resolvers.size() == 0) {
    return r.error(resolvers, field + ".resolvers", "expected a list of address[:port] or system");
  }
  for (std::size_t i = 0; i < resolvers.size(); ++i) {
    const std::string at = fmt::format("{}.resolvers[{}]", field, i);
    auto text = r.text(resolvers[i], at);
    if (!text.ok()) {
      return text.error();
    }
    if (*text == "system") {
      auto system = systemResolvers(context.resolv_conf);
      if (!system.ok()) {
        return r.error(resolvers[i], at, system.error().message);
      }
      check.resolvers.insert(check.resolvers.end(), system->begin(), system->end());
      continue;
    }
    auto target = parseResolver(*text);
    if (!target.ok()) {
      return r.error(resolvers[i], at, target.error().message);
    }
    check.resolvers.push_back(*std::move(target));
  }
  if (check.resolvers.size() > kMaxResolvers) {
    return r.error(resolvers, field + ".resolvers",
                   fmt::format("at most {} resolvers per check", kMaxResolvers));
  }
  if (const YAML::Node n = node["connect"]) {
    probe::ConnectCheck connect;
    if (auto s = readConnect(r, n, field + ".connect", context.options, connect); !s.ok()) {
      return s;
    }
    check.connect = std::move(connect);
  }
  if (const YAML::Node n = node["expect"]) {
    return readExpect(r, n, field + ".expect", context, check);
  }
  return okStatus();
}

Status readNotify(const Reader& r, const YAML::Node& node, probe::ProbeOptions& options) {
  if (auto s = r.checkKeys(node, "notify", {"webhooks", "source"}); !s.ok()) {
    return s;
  }
  if (const YAML::Node n = node["webhooks"]) {
    if (!n.IsSequence()) {
      return r.error(n, "notify.webhooks", "expected a list of http:// URLs");
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string at = fmt::format("notify.webhooks[{}]", i);
      auto text = r.text(n[i], at);
      if (!text.ok()) {
        return text.error();
      }
      auto url = probe::parseWebhookUrl(*text);
      if (!url.ok()) {
        return r.error(n[i], at, url.error().message);
      }
      options.webhooks.push_back(*std::move(url));
    }
  }
  if (const YAML::Node n = node["source"]) {
    auto text = r.text(n, "notify.source");
    if (!text.ok()) {
      return text.error();
    }
    options.source = *text;
  }
  return okStatus();
}

Status readDurations(const Reader& r, const YAML::Node& root, probe::ProbeOptions& options) {
  for (const auto& [key, target] :
       {std::pair<const char*, std::chrono::milliseconds*>{"interval", &options.interval},
        {"timeout", &options.timeout},
        {"for", &options.for_duration}}) {
    if (const YAML::Node n = root[key]) {
      auto d = r.duration(n, key);
      if (!d.ok()) {
        return d.error();
      }
      *target = *d;
    }
  }
  if (!root["timeout"]) {
    options.timeout = std::min(options.timeout, options.interval);  // a short interval's default
  }
  const auto given = [&](const char* key) {
    return root[key] ? fmt::format(", got '{}'", root[key].as<std::string>()) : std::string();
  };
  if (options.interval < kMinProbeInterval || options.interval > kMaxProbeInterval) {
    return r.error(root["interval"], "interval",
                   fmt::format("must be from {} to {}{}", durationText(kMinProbeInterval),
                               durationText(kMaxProbeInterval), given("interval")));
  }
  if (options.timeout < kMinProbeTimeout || options.timeout > options.interval) {
    return r.error(root["timeout"] ? root["timeout"] : root, "timeout",
                   fmt::format("must be from {} and not longer than the interval ({}){}",
                               durationText(kMinProbeTimeout), durationText(options.interval),
                               given("timeout")));
  }
  if (options.for_duration > kMaxProbeFor) {
    return r.error(root["for"], "for",
                   fmt::format("must be at most {}{}", durationText(kMaxProbeFor), given("for")));
  }
  return okStatus();
}

Status readLogSettings(const Reader& r, const YAML::Node& node, ProbeConfig& config) {
  if (auto s = r.checkKeys(node, "log", {"level", "format"}); !s.ok()) {
    return s;
  }
  if (const YAML::Node n = node["level"]) {
    auto level = log::parseLevel(n.as<std::string>());
    if (!level.ok()) {
      return r.error(n, "log.level", level.error().message);
    }
    config.log_level = *level;
  }
  if (const YAML::Node n = node["format"]) {
    const std::string text = n.as<std::string>();
    if (text != "json" && text != "text") {
      return r.error(n, "log.format", "expected json or text, got '" + text + "'");
    }
    config.log_format = text == "json" ? log::Format::kJson : log::Format::kText;
  }
  return okStatus();
}

}  // namespace

Result<ProbeConfig> parseProbeConfig(const std::string& text,
                                     const std::string& name,
                                     const std::filesystem::path& resolv_conf) {
  const Reader r(name);
  auto loaded = loadTopMapping(text, name);
  if (!loaded.ok()) {
    return loaded.error();
  }
  const YAML::Node root = *loaded;
  if (auto s = r.checkKeys(
          root, "", {"interval", "timeout", "for", "failure_ratio", "checks", "notify", "log"});
      !s.ok()) {
    return s.error();
  }
  ProbeConfig config;
  if (auto s = readDurations(r, root, config.options); !s.ok()) {
    return s.error();
  }
  probe::FailureRatio failure_ratio;
  if (const YAML::Node n = root["failure_ratio"]) {
    if (auto s = readFailureRatio(r, n, "failure_ratio", failure_ratio); !s.ok()) {
      return s.error();
    }
  }
  const CheckContext context{resolv_conf, config.options, failure_ratio};
  const YAML::Node checks = root["checks"];
  if (!checks || !checks.IsSequence() || checks.size() == 0) {
    return r.error(checks ? checks : root, "checks", "expected a non-empty list of checks");
  }
  if (checks.size() > kMaxChecks) {
    return r.error(checks, "checks", fmt::format("at most {} checks", kMaxChecks));
  }
  for (std::size_t i = 0; i < checks.size(); ++i) {
    probe::ProbeCheck check;
    if (auto s = readCheck(r, checks[i], i, context, check); !s.ok()) {
      return s.error();
    }
    config.options.checks.push_back(std::move(check));
  }
  if (root["notify"]) {
    if (auto s = readNotify(r, root["notify"], config.options); !s.ok()) {
      return s.error();
    }
  }
  if (root["log"]) {
    if (auto s = readLogSettings(r, root["log"], config); !s.ok()) {
      return s.error();
    }
  }
  return config;
}

Result<ProbeConfig> loadProbeConfig(const std::filesystem::path& file,
                                    const std::filesystem::path& resolv_conf) {
  std::ifstream in(file);
  if (!in) {
    return makeError(Errc::kConfig, file.string() + ": cannot open");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parseProbeConfig(buffer.str(), file.string(), resolv_conf);
}

}  // namespace holdfast::config
