// Reader: typed access to YAML nodes whose errors carry file, line, column and field path.
#pragma once

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "config/duration.h"
#include "control/endpoint.h"

namespace holdfast::config {

// Carries the file name so that every error can say where it is. With an empty file name the
// input is a request body (src/config/endpoint_definition.cc): errors carry no position.
class Reader {
public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[nodiscard]] Error error(const YAML::Node& node,
                            std::string_view field,
                            std::string_view what) const {
    if (file_.empty()) {
      // A request body rather than a file: "field: what", the field as a path from the body's
      // top ("check.port"), "body" for the body itself.
      if (field.starts_with('.')) {
        field.remove_prefix(1);
      }
      return makeError(Errc::kConfig, fmt::format("{}: {}", field.empty() ? "body" : field, what));
    }
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) {
      return makeError(Errc::kConfig, fmt::format("{}: {}: {}", file_, field, what));
    }
    return makeError(Errc::kConfig, fmt::format("{}:{}:{}: {}: {}", file_, mark.line + 1,
                                                mark.column + 1, field, what));
  }

  [[nodiscard]] std::string where(const YAML::Node& node) const {
    return fmt::format("{}:{}", file_, node.Mark().line + 1);
  }

  // Fails on any key of `map` not in `allowed`: a typo must not be silently ignored.
  [[nodiscard]] Status checkKeys(const YAML::Node& map,
                                 std::string_view field,
                                 std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) {
      return error(map, field, "expected a mapping");
    }
    std::vector<std::string> seen;
    for (const auto& item : map) {
      const std::string key = item.first.as<std::string>();
      // yaml-cpp keeps the first of two equal keys and drops the other without a word.
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        return error(item.first, join(field, key), "key given twice in one mapping");
      }
      seen.push_back(key);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (const auto a : allowed) {
          list += list.empty() ? "" : ", ";
          list += a;
        }
        return error(item.first, join(field, key), "unknown key (expected one of: " + list + ")");
      }
    }
    return okStatus();
  }

  [[nodiscard]] Result<std::string> text(const YAML::Node& node, std::string_view field) const {
    if (!node.IsScalar()) {
      return error(node, field, "expected a string");
    }
    return node.as<std::string>();
  }

  [[nodiscard]] Result<std::int64_t> integer(const YAML::Node& node,
                                             std::string_view field,
                                             std::int64_t min,
                                             std::int64_t max) const {
    if (!node.IsScalar()) {
      return error(node, field, "expected an integer");
    }
    const std::string s = node.as<std::string>();
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) {
      return error(node, field, fmt::format("{} is out of range [{}, {}]", s, min, max));
    }
    if (ec != std::errc() || end != s.data() + s.size()) {
      return error(node, field, fmt::format("expected an integer, got '{}'", s));
    }
    if (v < min || v > max) {
      return error(node, field, fmt::format("{} is out of range [{}, {}]", v, min, max));
    }
    return v;
  }

  [[nodiscard]] Result<std::chrono::milliseconds> duration(const YAML::Node& node,
                                                           std::string_view field) const {
    if (!node.IsScalar()) {
      return error(node, field, "expected a duration such as 500ms, 2s or 1m");
    }
    auto d = parseDuration(node.as<std::string>());
    if (!d.ok()) {
      return error(node, field, d.error().message);
    }
    return *d;
  }

  [[nodiscard]] static std::string join(std::string_view parent, std::string_view child) {
    return parent.empty() ? std::string(child) : fmt::format("{}.{}", parent, child);
  }

private:
  std::string file_;
};

}  // namespace holdfast::config

namespace holdfast::config {

struct Config;

// Lowercases a domain name and adds the trailing dot; checks label syntax (RFC 1035 2.3.4).
[[nodiscard]] Result<std::string> normalizeName(std::string_view text);

// True if `name` equals `zone` or lies below it (both normalized).
[[nodiscard]] bool isSubdomain(std::string_view name, std::string_view zone);

// Checks "address:port" or "[address]:port".
[[nodiscard]] Status checkListen(std::string_view listen);

// Reads one entry of the endpoints list at `field` ("endpoints[0]", or "" for a request body),
// finding its zone among config.zones and its default policy in config.control.policy.
[[nodiscard]] Result<control::EndpointConfig> readEndpointEntry(const Reader& r,
                                                                const YAML::Node& node,
                                                                const std::string& field,
                                                                const Config& config);

// Reads the endpoints list; zones must already be read, since each endpoint finds its zone.
[[nodiscard]] Status readEndpoints(const Reader& r, const YAML::Node& node, Config& config);

// Reads a `policy:` mapping at `field` ("control.policy", "endpoints[0].policy") over `policy`:
// keys it does not set keep their value.
[[nodiscard]] Status readPolicy(const Reader& r,
                                const YAML::Node& node,
                                const std::string& field,
                                control::EndpointPolicy& policy);

// Parses YAML `text` from the file `name` and checks that its top level is a mapping.
// Errors: kConfig with "name:line:col: what" (src/config/config.cc).
[[nodiscard]] Result<YAML::Node> loadTopMapping(const std::string& text, const std::string& name);

// Reads the `admin:` mapping (src/config/admin_config.cc).
[[nodiscard]] Status readAdmin(const Reader& r, const YAML::Node& node, Config& config);

}  // namespace holdfast::config
