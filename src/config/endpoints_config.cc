// Reads the `endpoints:` section: managed names, their backends and health checks.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <set>
#include <string>

#include <fmt/format.h>

#include "config/config.h"
#include "config/config_reader_internal.h"

namespace holdfast::config {

namespace {

constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kTypeAaaa = 28;

// Largest TTL RFC 2181 section 8 allows.
constexpr std::int64_t kMaxTtl = 2147483647;

// Bound on consecutive results for rise/fall: beyond this a state change would take too long
// to mean anything.
constexpr std::int64_t kMaxRiseFall = 100;

// Finds the most specific configured zone that encloses `name`.
const ZoneConfig* findZone(const Config& config, std::string_view name) {
  const ZoneConfig* best = nullptr;
  for (const ZoneConfig& zone : config.zones) {
    if (isSubdomain(name, zone.name) && (best == nullptr || zone.name.size() > best->name.size())) {
      best = &zone;
    }
  }
  return best;
}

Status readCheck(const Reader& r,
                 const YAML::Node& node,
                 const std::string& field,
                 control::HealthCheckConfig& check) {
  if (auto s =
          r.checkKeys(node, field, {"kind", "port", "path", "interval", "timeout", "rise", "fall"});
      !s.ok()) {
    return s;
  }
  if (!node["kind"] || !node["port"]) {
    return r.error(node, field, "kind and port are required");
  }
  auto kind = r.text(node["kind"], field + ".kind");
  if (!kind.ok()) {
    return kind.error();
  }
  if (*kind == "tcp") {
    check.kind = control::HealthCheckConfig::Kind::kTcp;
  } else if (*kind == "http") {
    check.kind = control::HealthCheckConfig::Kind::kHttp;
  } else {
    return r.error(node["kind"], field + ".kind", "expected tcp or http, got '" + *kind + "'");
  }
  auto port = r.integer(node["port"], field + ".port", 1, 65535);
  if (!port.ok()) {
    return port.error();
  }
  check.port = static_cast<std::uint16_t>(*port);
  if (node["path"]) {
    auto path = r.text(node["path"], field + ".path");
    if (!path.ok()) {
      return path.error();
    }
    if (path->empty() || path->front() != '/' ||
        path->find_first_of(" \r\n") != std::string::npos) {
      return r.error(node["path"], field + ".path", "expected an absolute HTTP path like /health");
    }
    check.http_path = *path;
  }
  for (const auto& [key, target] :
       {std::pair{"interval", &check.interval}, std::pair{"timeout", &check.timeout}}) {
    if (node[key]) {
      auto d = r.duration(node[key], field + "." + key);
      if (!d.ok()) {
        return d.error();
      }
      if (d->count() == 0) {
        return r.error(node[key], field + "." + key, "must be greater than zero");
      }
      *target = *d;
    }
  }
  if (check.timeout > check.interval) {
    return r.error(node, field + ".timeout", "must not be longer than the interval");
  }
  for (const auto& [key, target] :
       {std::pair{"rise", &check.rise}, std::pair{"fall", &check.fall}}) {
    if (node[key]) {
      auto n = r.integer(node[key], field + "." + key, 1, kMaxRiseFall);
      if (!n.ok()) {
        return n.error();
      }
      *target = static_cast<int>(*n);
    }
  }
  return okStatus();
}

Status readBackends(const Reader& r,
                    const YAML::Node& node,
                    const std::string& field,
                    control::EndpointConfig& endpoint) {
  if (!node.IsSequence() || node.size() == 0) {
    return r.error(node, field, "expected a non-empty list of backend addresses");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_field = fmt::format("{}[{}]", field, i);
    auto address = r.text(node[i], item_field);
    if (!address.ok()) {
      return address.error();
    }
    unsigned char buf[sizeof(in6_addr)];
    const int family = endpoint.rrtype == kTypeA ? AF_INET : AF_INET6;
    if (inet_pton(family, address->c_str(), buf) != 1) {
      return r.error(node[i], item_field,
                     fmt::format("'{}' is not an {} address", *address,
                                 endpoint.rrtype == kTypeA ? "IPv4" : "IPv6"));
    }
    if (!seen.insert(*address).second) {
      return r.error(node[i], item_field, "backend " + *address + " is listed twice");
    }
    endpoint.backends.push_back(control::BackendConfig{*address});
  }
  return okStatus();
}

Status readEndpoint(const Reader& r,
                    const YAML::Node& node,
                    const std::string& field,
                    const Config& config,
                    control::EndpointConfig& endpoint) {
  if (auto s = r.checkKeys(node, field, {"name", "type", "ttl", "backends", "check", "policy"});
      !s.ok()) {
    return s;
  }
  for (const char* key : {"name", "backends", "check"}) {
    if (!node[key]) {
      return r.error(node, field, std::string(key) + " is required");
    }
  }
  auto name_text = r.text(node["name"], field + ".name");
  if (!name_text.ok()) {
    return name_text.error();
  }
  auto name = normalizeName(*name_text);
  if (!name.ok()) {
    return r.error(node["name"], field + ".name", name.error().message);
  }
  endpoint.name = *name;
  const ZoneConfig* zone = findZone(config, endpoint.name);
  if (zone == nullptr) {
    return r.error(node["name"], field + ".name",
                   endpoint.name + " is not inside any zone listed under zones");
  }
  endpoint.zone = zone->name;

  endpoint.rrtype = kTypeA;
  if (node["type"]) {
    auto type = r.text(node["type"], field + ".type");
    if (!type.ok()) {
      return type.error();
    }
    if (*type == "AAAA") {
      endpoint.rrtype = kTypeAaaa;
    } else if (*type != "A") {
      return r.error(node["type"], field + ".type", "expected A or AAAA, got '" + *type + "'");
    }
  }
  endpoint.ttl_seconds = 30;
  if (node["ttl"]) {
    auto ttl = r.integer(node["ttl"], field + ".ttl", 0, kMaxTtl);
    if (!ttl.ok()) {
      return ttl.error();
    }
    endpoint.ttl_seconds = static_cast<std::uint32_t>(*ttl);
  }
  if (auto s = readBackends(r, node["backends"], field + ".backends", endpoint); !s.ok()) {
    return s;
  }
  endpoint.policy = config.control.policy;
  if (node["policy"]) {
    if (auto s = readPolicy(r, node["policy"], field + ".policy", endpoint.policy); !s.ok()) {
      return s;
    }
  }
  return readCheck(r, node["check"], field + ".check", endpoint.check);
}

}  // namespace

Result<control::EndpointConfig> readEndpointEntry(const Reader& r,
                                                  const YAML::Node& node,
                                                  const std::string& field,
                                                  const Config& config) {
  control::EndpointConfig endpoint;
  if (auto s = readEndpoint(r, node, field, config, endpoint); !s.ok()) {
    return s.error();
  }
  return endpoint;
}

Status readEndpoints(const Reader& r, const YAML::Node& node, Config& config) {
  if (!node.IsSequence()) {
    return r.error(node, "endpoints", "expected a list of endpoints");
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string field = fmt::format("endpoints[{}]", i);
    control::EndpointConfig endpoint;
    if (auto s = readEndpoint(r, node[i], field, config, endpoint); !s.ok()) {
      return s;
    }
    for (const control::EndpointConfig& other : config.endpoints) {
      if (other.name == endpoint.name) {
        return r.error(node[i]["name"], field + ".name",
                       "endpoint " + endpoint.name + " is listed twice");
      }
    }
    if (auto s = control::validate(endpoint); !s.ok()) {
      return r.error(node[i], field, s.error().message);
    }
    config.endpoints.push_back(std::move(endpoint));
  }
  return okStatus();
}

}  // namespace holdfast::config
