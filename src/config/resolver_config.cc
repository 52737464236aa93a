// Reading the `resolver:` section: upstreams, allow list, cache, serve-stale, breakers and
// last-known-good patterns.
#include "config/resolver_config.h"

#include <fmt/format.h>

namespace holdfast::config {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Longest TTL bound accepted: a week is beyond any sensible cache lifetime for a forwarder.
constexpr milliseconds kMaxTtlSetting = std::chrono::hours(24 * 7);
// Longest stale window accepted (RFC 8767 section 5 suggests up to 3 days; a week leaves room).
constexpr milliseconds kMaxStaleWindow = std::chrono::hours(24 * 7);
// Longest client deadline: past it clients long gave up.
constexpr milliseconds kMaxClientDeadline = std::chrono::seconds(30);
// Longest probe delay ceiling: an hour, as dnsdist allows.
constexpr milliseconds kMaxProbeDelay = std::chrono::hours(1);
// Longest failure-recheck interval and breaker window: beyond an hour a dead upstream would
// be remembered long after it came back.
constexpr milliseconds kMaxRecheck = std::chrono::hours(1);
// Most retries per second the budget may allow regardless of traffic: past it a retry storm
// is no longer bounded in any useful sense.
constexpr std::int64_t kMaxRetriesPerSecond = 10000;

// Reads an optional duration into `out` and checks it against [min, max].
Status readDuration(const Reader& r,
                    const YAML::Node& node,
                    const std::string& field,
                    milliseconds min,
                    milliseconds max,
                    milliseconds& out) {
  if (!node) {
    return okStatus();
  }
  auto d = r.duration(node, field);
  if (!d.ok()) {
    return d.error();
  }
  if (*d < min || *d > max) {
    return r.error(node, field,
                   fmt::format("must be between {}ms and {}ms", min.count(), max.count()));
  }
  out = *d;
  return okStatus();
}

Status readSeconds(const Reader& r,
                   const YAML::Node& node,
                   const std::string& field,
                   milliseconds min,
                   seconds& out) {
  milliseconds value = out;
  if (auto s = readDuration(r, node, field, min, kMaxTtlSetting, value); !s.ok()) {
    return s;
  }
  if (value.count() % 1000 != 0) {
    return r.error(node, field, "must be whole seconds");
  }
  out = std::chrono::duration_cast<seconds>(value);
  return okStatus();
}

Status readBool(const Reader& r, const YAML::Node& node, const std::string& field, bool& out) {
  if (!node) {
    return okStatus();
  }
  auto text = r.text(node, field);
  if (!text.ok()) {
    return text.error();
  }
  if (*text == "true") {
    out = true;
  } else if (*text == "false") {
    out = false;
  } else {
    return r.error(node, field, "expected true or false");
  }
  return okStatus();
}

Result<std::vector<std::string>> readStrings(const Reader& r,
                                             const YAML::Node& node,
                                             const std::string& field) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.as<std::string>());
    return out;
  }
  if (!node.IsSequence() || node.size() == 0) {
    return r.error(node, field, "expected a value or a non-empty list");
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto text = r.text(node[i], fmt::format("{}[{}]", field, i));
    if (!text.ok()) {
      return text.error();
    }
    out.push_back(*text);
  }
  return out;
}

Status readUpstreams(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (!node.IsSequence() || node.size() == 0) {
    return r.error(node, "resolver.upstreams", "expected a non-empty list");
  }
  if (node.size() > resolver::kMaxUpstreams) {
    return r.error(node, "resolver.upstreams",
                   fmt::format("at most {} upstreams", resolver::kMaxUpstreams));
  }
  o.upstreams.clear();
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string field = fmt::format("resolver.upstreams[{}]", i);
    const YAML::Node item = node[i];
    YAML::Node address = item;
    bool tcp_only = false;
    if (item.IsMap()) {
      if (auto s = r.checkKeys(item, field, {"address", "tcp_only"}); !s.ok()) {
        return s;
      }
      if (!item["address"]) {
        return r.error(item, field, "address is required");
      }
      address.reset(item["address"]);  // reset: operator= would overwrite `item` itself
      if (auto s = readBool(r, item["tcp_only"], field + ".tcp_only", tcp_only); !s.ok()) {
        return s;
      }
    }
    auto text = r.text(address, field);
    if (!text.ok()) {
      return text.error();
    }
    auto upstream = resolver::parseUpstream(*text);
    if (!upstream.ok()) {
      return r.error(address, field, upstream.error().message);
    }
    upstream->tcp_only = tcp_only;
    o.upstreams.push_back(*upstream);
  }
  return okStatus();
}

Status readCache(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s = r.checkKeys(node, "resolver.cache",
                           {"max_bytes", "min_ttl", "max_ttl", "max_negative_ttl", "prefetch"});
      !s.ok()) {
    return s;
  }
  if (node["max_bytes"]) {
    auto n = r.integer(node["max_bytes"], "resolver.cache.max_bytes",
                       static_cast<std::int64_t>(resolver::kMinCacheBytes),
                       static_cast<std::int64_t>(resolver::kMaxCacheBytes));
    if (!n.ok()) {
      return n.error();
    }
    o.cache_bytes = static_cast<std::size_t>(*n);
  }
  resolver::TtlPolicy& ttl = o.forwarder.ttl;
  if (auto s =
          readSeconds(r, node["min_ttl"], "resolver.cache.min_ttl", milliseconds(0), ttl.min_ttl);
      !s.ok()) {
    return s;
  }
  if (auto s = readSeconds(r, node["max_ttl"], "resolver.cache.max_ttl", seconds(1), ttl.max_ttl);
      !s.ok()) {
    return s;
  }
  if (auto s = readSeconds(r, node["max_negative_ttl"], "resolver.cache.max_negative_ttl",
                           milliseconds(0), ttl.max_negative_ttl);
      !s.ok()) {
    return s;
  }
  if (ttl.min_ttl > ttl.max_ttl) {
    return r.error(node, "resolver.cache.min_ttl", "must not exceed max_ttl");
  }
  return readBool(r, node["prefetch"], "resolver.cache.prefetch", o.forwarder.prefetch);
}

Status readStale(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s =
          r.checkKeys(node, "resolver.serve_stale",
                      {"enabled", "window", "answer_ttl", "client_timeout", "failure_recheck"});
      !s.ok()) {
    return s;
  }
  resolver::ServeStaleOptions& stale = o.forwarder.stale;
  if (auto s = readBool(r, node["enabled"], "resolver.serve_stale.enabled", stale.enabled);
      !s.ok()) {
    return s;
  }
  if (auto s = readDuration(r, node["window"], "resolver.serve_stale.window", milliseconds(0),
                            kMaxStaleWindow, stale.window);
      !s.ok()) {
    return s;
  }
  if (auto s = readSeconds(r, node["answer_ttl"], "resolver.serve_stale.answer_ttl", seconds(1),
                           stale.answer_ttl);
      !s.ok()) {
    return s;
  }
  if (auto s = readDuration(r, node["client_timeout"], "resolver.serve_stale.client_timeout",
                            milliseconds(0), kMaxClientDeadline, stale.client_timeout);
      !s.ok()) {
    return s;
  }
  return readDuration(r, node["failure_recheck"], "resolver.serve_stale.failure_recheck",
                      milliseconds(0), kMaxRecheck, stale.failure_recheck);
}

Status readBreaker(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s = r.checkKeys(node, "resolver.breaker",
                           {"failures", "window", "probe_initial", "probe_max"});
      !s.ok()) {
    return s;
  }
  resolver::BreakerOptions& b = o.pool.breaker;
  if (node["failures"]) {
    auto n =
        r.integer(node["failures"], "resolver.breaker.failures", 1, resolver::kMaxBreakerThreshold);
    if (!n.ok()) {
      return n.error();
    }
    b.failure_threshold = static_cast<int>(*n);
  }
  if (auto s = readDuration(r, node["window"], "resolver.breaker.window", milliseconds(1),
                            kMaxRecheck, b.failure_window);
      !s.ok()) {
    return s;
  }
  if (auto s = readDuration(r, node["probe_initial"], "resolver.breaker.probe_initial",
                            milliseconds(1), kMaxProbeDelay, b.probe_initial);
      !s.ok()) {
    return s;
  }
  if (auto s = readDuration(r, node["probe_max"], "resolver.breaker.probe_max", milliseconds(1),
                            kMaxProbeDelay, b.probe_max);
      !s.ok()) {
    return s;
  }
  if (b.probe_max < b.probe_initial) {
    return r.error(node, "resolver.breaker.probe_max", "must not be below probe_initial");
  }
  return okStatus();
}

Status readLastKnownGood(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (!node.IsSequence()) {
    return r.error(node, "resolver.last_known_good", "expected a list of patterns");
  }
  o.last_known_good.clear();
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string field = fmt::format("resolver.last_known_good[{}]", i);
    const YAML::Node item = node[i];
    resolver::LkgRule rule;
    YAML::Node pattern = item;
    if (item.IsMap()) {
      if (auto s = r.checkKeys(item, field, {"pattern", "protect"}); !s.ok()) {
        return s;
      }
      if (!item["pattern"]) {
        return r.error(item, field, "pattern is required");
      }
      pattern.reset(item["pattern"]);  // reset: operator= would overwrite `item` itself
      if (auto s = readBool(r, item["protect"], field + ".protect", rule.protect); !s.ok()) {
        return s;
      }
    }
    auto text = r.text(pattern, field + ".pattern");
    if (!text.ok()) {
      return text.error();
    }
    rule.pattern = *text;
    if (auto compiled = resolver::LastKnownGood::compile({rule}); !compiled.ok()) {
      return r.error(pattern, field + ".pattern", compiled.error().message);
    }
    o.last_known_good.push_back(rule);
  }
  return okStatus();
}

Status readRetryBudget(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s = r.checkKeys(node, "resolver.retry_budget", {"percent", "min_per_second"}); !s.ok()) {
    return s;
  }
  if (node["percent"]) {
    auto n = r.integer(node["percent"], "resolver.retry_budget.percent", 0, 100);
    if (!n.ok()) {
      return n.error();
    }
    o.pool.retry_budget.ratio = static_cast<double>(*n) / 100.0;
  }
  if (node["min_per_second"]) {
    auto n = r.integer(node["min_per_second"], "resolver.retry_budget.min_per_second", 0,
                       kMaxRetriesPerSecond);
    if (!n.ok()) {
      return n.error();
    }
    o.pool.retry_budget.min_per_second = static_cast<double>(*n);
  }
  return okStatus();
}

Status readNetwork(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (node["listen"]) {
    auto listen = readStrings(r, node["listen"], "resolver.listen");
    if (!listen.ok()) {
      return listen.error();
    }
    for (const std::string& entry : *listen) {
      if (auto s = checkListen(entry); !s.ok()) {
        return r.error(node["listen"], "resolver.listen", s.error().message);
      }
    }
    o.listen = std::move(*listen);
  }
  if (node["threads"]) {
    auto n = r.integer(node["threads"], "resolver.threads", 1,
                       static_cast<std::int64_t>(resolver::kMaxResolverThreads));
    if (!n.ok()) {
      return n.error();
    }
    o.threads = static_cast<std::size_t>(*n);
  }
  if (node["allow"]) {
    auto allow = readStrings(r, node["allow"], "resolver.allow");
    if (!allow.ok()) {
      return allow.error();
    }
    if (auto parsed = resolver::AllowList::parse(*allow); !parsed.ok()) {
      return r.error(node["allow"], "resolver.allow", parsed.error().message);
    }
    o.allow = std::move(*allow);
  }
  if (!node["upstreams"]) {
    return r.error(node, "resolver.upstreams", "at least one upstream is required");
  }
  return readUpstreams(r, node["upstreams"], o);
}

}  // namespace

Status readResolver(const Reader& r, const YAML::Node& node, resolver::ResolverOptions& o) {
  if (auto s = r.checkKeys(node, "resolver",
                           {"listen", "threads", "allow", "upstreams", "client_deadline",
                            "max_attempts", "cache", "serve_stale", "breaker", "retry_budget",
                            "last_known_good", "metrics", "alerts", "probe", "data_dir"});
      !s.ok()) {
    return s;
  }
  if (auto s = readNetwork(r, node, o); !s.ok()) {
    return s;
  }
  if (auto s = readResolverOps(r, node, o); !s.ok()) {
    return s;
  }
  if (auto s = readDuration(r, node["client_deadline"], "resolver.client_deadline",
                            milliseconds(100), kMaxClientDeadline, o.forwarder.client_deadline);
      !s.ok()) {
    return s;
  }
  if (node["max_attempts"]) {
    // Bound: each attempt is a packet to an upstream; more than this only multiplies load.
    auto n = r.integer(node["max_attempts"], "resolver.max_attempts", 1, 10);
    if (!n.ok()) {
      return n.error();
    }
    o.forwarder.max_attempts = static_cast<int>(*n);
  }
  if (node["cache"]) {
    if (auto s = readCache(r, node["cache"], o); !s.ok()) {
      return s;
    }
  }
  if (node["serve_stale"]) {
    if (auto s = readStale(r, node["serve_stale"], o); !s.ok()) {
      return s;
    }
  }
  if (node["breaker"]) {
    if (auto s = readBreaker(r, node["breaker"], o); !s.ok()) {
      return s;
    }
  }
  if (node["retry_budget"]) {
    if (auto s = readRetryBudget(r, node["retry_budget"], o); !s.ok()) {
      return s;
    }
  }
  if (node["last_known_good"]) {
    return readLastKnownGood(r, node["last_known_good"], o);
  }
  return okStatus();
}

}  // namespace holdfast::config
