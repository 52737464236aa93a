// Validation of endpoint configuration, with messages that name the offending field.
#include "control/endpoint.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "control/ip_address.h"

namespace holdfast::control {

namespace {

// RFC 1035 section 2.3.4: 63 octets per label, 255 octets on the wire (253 characters of text
// without the trailing dot).
constexpr std::size_t kMaxLabelLength = 63;
constexpr std::size_t kMaxNameLength = 254;

// RFC 2181 section 8: a TTL is a 31-bit unsigned value.
constexpr std::uint32_t kMaxTtlSeconds = 2147483647;

Status configError(std::string_view field, const std::string& problem) {
  return makeError(Errc::kConfig, std::string(field) + ": " + problem);
}

bool isLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Returns an empty string if `label` is a valid lowercase host label, else what is wrong.
std::string labelProblem(std::string_view label) {
  if (label.empty()) {
    return "has an empty label";
  }
  if (label.size() > kMaxLabelLength) {
    return "has a label longer than 63 characters";
  }
  for (const char c : label) {
    if (c >= 'A' && c <= 'Z') {
      return "must be lowercase";
    }
    if (!isLabelChar(c)) {
      return "contains '" + std::string(1, c) + "'; use letters, digits, '-' and '_'";
    }
  }
  if (label.front() == '-' || label.back() == '-') {
    return "has a label that starts or ends with '-'";
  }
  return {};
}

// Checks a fully qualified lowercase name with a trailing dot; "." (the root) is allowed.
Status validateName(std::string_view field, std::string_view name) {
  const std::string quoted = "'" + std::string(name) + "' ";
  if (name.empty()) {
    return configError(field, "is empty");
  }
  if (name.back() != '.') {
    return configError(field, quoted + "must be fully qualified, ending with '.'");
  }
  if (name.size() > kMaxNameLength) {
    return configError(field, quoted + "is longer than 253 characters");
  }
  if (name == ".") {
    return okStatus();
  }
  std::string_view rest = name.substr(0, name.size() - 1);
  while (true) {
    const std::size_t dot = rest.find('.');
    if (const std::string problem = labelProblem(rest.substr(0, dot)); !problem.empty()) {
      return configError(field, quoted + problem);
    }
    if (dot == std::string_view::npos) {
      return okStatus();
    }
    rest.remove_prefix(dot + 1);
  }
}

bool isInZone(std::string_view name, std::string_view zone) {
  if (zone == "." || name == zone) {
    return true;
  }
  return name.size() > zone.size() && name.ends_with(zone) &&
         name[name.size() - zone.size() - 1] == '.';
}

Status validateBackends(const EndpointConfig& endpoint) {
  if (endpoint.backends.empty()) {
    return configError("backends", "needs at least one backend (S1: an endpoint is never empty)");
  }
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < endpoint.backends.size(); ++i) {
    const std::string field = "backends[" + std::to_string(i) + "].address";
    const std::string& address = endpoint.backends[i].address;
    auto canonical = canonicalAddress(address, endpoint.rrtype);
    if (!canonical.ok()) {
      return configError(
          field, canonical.error().message + " (rrtype " + std::to_string(endpoint.rrtype) + ")");
    }
    if (*canonical != address) {
      return configError(field,
                         "'" + address + "' is not in canonical form; write '" + *canonical + "'");
    }
    if (const std::string unusable = unusableBackendReason(address); !unusable.empty()) {
      return configError(field,
                         "'" + address + "' is " + unusable + ", which clients cannot connect to");
    }
    if (const auto [it, inserted] = seen.emplace(address, i); !inserted) {
      return configError(
          field, "'" + address + "' duplicates backends[" + std::to_string(it->second) + "]");
    }
  }
  return okStatus();
}

bool isPathChar(char c) {
  return c > ' ' && c < 0x7f;
}

Status validateCheck(const HealthCheckConfig& check) {
  if (check.port == 0) {
    return configError("check.port", "must be set (1-65535)");
  }
  if (check.http_path.empty() || check.http_path.front() != '/') {
    return configError("check.http_path", "must start with '/'");
  }
  for (const char c : check.http_path) {
    if (!isPathChar(c)) {
      return configError("check.http_path", "must be printable ASCII without spaces");
    }
  }
  if (check.interval.count() <= 0) {
    return configError("check.interval", "must be positive");
  }
  if (check.timeout.count() <= 0) {
    return configError("check.timeout", "must be positive");
  }
  if (check.timeout > check.interval) {
    return configError("check.timeout", "must not exceed check.interval");
  }
  if (check.rise < 1) {
    return configError("check.rise", "must be at least 1");
  }
  if (check.fall < 1) {
    return configError("check.fall", "must be at least 1");
  }
  return okStatus();
}

Status validatePolicy(const EndpointPolicy& policy, std::size_t backends) {
  if (policy.max_remove.value == 0) {
    return configError("policy.max_remove", "must allow at least one address (1 or 1%)");
  }
  if (policy.max_remove.unit == ChangeBudget::Unit::kPercent && policy.max_remove.value > 100) {
    return configError("policy.max_remove", "must be at most 100%");
  }
  if (policy.min_healthy > backends) {
    return configError("policy.min_healthy",
                       "must not exceed the number of backends (" + std::to_string(backends) + ")");
  }
  if (policy.panic_percent > 100) {
    return configError("policy.panic_threshold", "must be at most 100%");
  }
  return okStatus();
}

}  // namespace

std::size_t ChangeBudget::allowed(std::size_t published_count) const {
  std::size_t limit = value;
  if (unit == Unit::kPercent) {
    limit = published_count * value / 100;
  }
  return std::min(std::max<std::size_t>(limit, 1), std::max<std::size_t>(published_count, 1));
}

Status validate(const EndpointConfig& endpoint) {
  if (auto status = validateName("name", endpoint.name); !status.ok()) {
    return status;
  }
  if (auto status = validateName("zone", endpoint.zone); !status.ok()) {
    return status;
  }
  if (!isInZone(endpoint.name, endpoint.zone)) {
    return configError("name",
                       "'" + endpoint.name + "' is not inside zone '" + endpoint.zone + "'");
  }
  if (endpoint.rrtype != kTypeA && endpoint.rrtype != kTypeAaaa) {
    return configError(
        "rrtype", std::to_string(endpoint.rrtype) + " is not supported; use 1 (A) or 28 (AAAA)");
  }
  if (endpoint.ttl_seconds > kMaxTtlSeconds) {
    return configError("ttl_seconds", "must be at most 2147483647 (RFC 2181 section 8)");
  }
  if (auto status = validateBackends(endpoint); !status.ok()) {
    return status;
  }
  if (auto status = validatePolicy(endpoint.policy, endpoint.backends.size()); !status.ok()) {
    return status;
  }
  return validateCheck(endpoint.check);
}

Status validate(const std::vector<EndpointConfig>& endpoints) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const std::string prefix = "endpoints[" + std::to_string(i) + "].";
    if (auto status = validate(endpoints[i]); !status.ok()) {
      return makeError(Errc::kConfig, prefix + status.error().message);
    }
    if (const auto [it, inserted] = seen.emplace(endpoints[i].name, i); !inserted) {
      return configError(prefix + "name", "'" + endpoints[i].name +
                                              "' is already configured by endpoints[" +
                                              std::to_string(it->second) + "]");
    }
  }
  return okStatus();
}

Status validate(const ControlOptions& options) {
  if (options.enactors < 1) {
    return configError("enactors", "must be at least 1");
  }
  if (options.keep_plans < 0) {
    return configError("keep_plans", "must not be negative");
  }
  if (options.janitor_interval.count() <= 0) {
    return configError("janitor_interval", "must be positive");
  }
  return okStatus();
}

}  // namespace holdfast::control
