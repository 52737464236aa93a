// Reads a blast-radius `policy:` mapping (under control: as the default, or per endpoint).
#include <charconv>
#include <cstdint>
#include <string>

#include "config/config_reader_internal.h"

namespace holdfast::config {

namespace {

// "30%" -> 30 with `percent` set; "3" -> 3.
Result<std::uint32_t> readShare(const Reader& r,
                                const YAML::Node& node,
                                const std::string& field,
                                bool& percent) {
  auto text = r.text(node, field);
  if (!text.ok()) {
    return text.error();
  }
  std::string digits = *text;
  percent = !digits.empty() && digits.back() == '%';
  if (percent) {
    digits.pop_back();
  }
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      (percent && value > 100)) {
    return r.error(node, field,
                   "expected a count such as 3 or a share such as 30%, got '" + *text + "'");
  }
  return value;
}

Result<bool> readBool(const Reader& r, const YAML::Node& node, const std::string& field) {
  auto text = r.text(node, field);
  if (!text.ok()) {
    return text.error();
  }
  if (*text == "true" || *text == "false") {
    return *text == "true";
  }
  return r.error(node, field, "expected true or false, got '" + *text + "'");
}

}  // namespace

Status readPolicy(const Reader& r,
                  const YAML::Node& node,
                  const std::string& field,
                  control::EndpointPolicy& policy) {
  if (auto s =
          r.checkKeys(node, field,
                      {"max_remove", "over_budget", "fail_open", "min_healthy", "panic_threshold"});
      !s.ok()) {
    return s;
  }
  if (node["max_remove"]) {
    bool percent = false;
    auto value = readShare(r, node["max_remove"], field + ".max_remove", percent);
    if (!value.ok()) {
      return value.error();
    }
    if (*value == 0) {
      return r.error(node["max_remove"], field + ".max_remove",
                     "must allow at least one address (1 or 1%)");
    }
    policy.max_remove = {
        percent ? control::ChangeBudget::Unit::kPercent : control::ChangeBudget::Unit::kCount,
        *value};
  }
  if (node["over_budget"]) {
    auto text = r.text(node["over_budget"], field + ".over_budget");
    if (!text.ok()) {
      return text.error();
    }
    if (*text != "step" && *text != "hold") {
      return r.error(node["over_budget"], field + ".over_budget",
                     "expected step or hold, got '" + *text + "'");
    }
    policy.over_budget = *text == "hold" ? control::OverBudget::kHold : control::OverBudget::kStep;
  }
  if (node["fail_open"]) {
    auto value = readBool(r, node["fail_open"], field + ".fail_open");
    if (!value.ok()) {
      return value.error();
    }
    policy.fail_open = *value;
  }
  if (node["min_healthy"]) {
    // Bound: no endpoint has more backends than this in practice; min_healthy above the
    // endpoint's own count is refused when the endpoint is checked.
    auto value = r.integer(node["min_healthy"], field + ".min_healthy", 1, 10000);
    if (!value.ok()) {
      return value.error();
    }
    policy.min_healthy = static_cast<std::uint32_t>(*value);
  }
  if (node["panic_threshold"]) {
    const YAML::Node threshold = node["panic_threshold"];
    if (threshold.IsScalar() && threshold.as<std::string>() == "off") {
      policy.panic_percent = 0;
    } else {
      bool percent = false;
      auto value = readShare(r, threshold, field + ".panic_threshold", percent);
      if (!value.ok() || !percent || *value == 0) {
        return r.error(threshold, field + ".panic_threshold",
                       "expected a share from 1% to 100% such as 50%, or off");
      }
      policy.panic_percent = *value;
    }
  }
  return okStatus();
}

}  // namespace holdfast::config
