// Matching names against last-known-good patterns.
#include "resolver/last_known_good.h"

#include <cctype>

#include <fmt/format.h>

namespace holdfast::resolver {

namespace {

// Presentation to lowercase uncompressed wire; no escapes (patterns are plain host names).
Result<std::vector<std::uint8_t>> toWire(std::string_view text) {
  std::vector<std::uint8_t> wire;
  if (!text.empty() && text.back() == '.') {
    text.remove_suffix(1);
  }
  while (!text.empty()) {
    const auto dot = text.find('.');
    const std::string_view label = text.substr(0, dot);
    if (label.empty() || label.size() > 63) {
      return makeError(Errc::kConfig, "empty label or label over 63 octets");
    }
    wire.push_back(static_cast<std::uint8_t>(label.size()));
    for (const char c : label) {
      wire.push_back(static_cast<std::uint8_t>(std::tolower(static_cast<unsigned char>(c))));
    }
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  }
  wire.push_back(0);
  if (wire.size() > 255) {
    return makeError(Errc::kConfig, "name longer than 255 octets");
  }
  return wire;
}

bool endsWith(std::span<const std::uint8_t> name, const std::vector<std::uint8_t>& suffix) {
  // Walk label boundaries so "xexample.test" never matches "example.test".
  std::size_t pos = 0;
  while (pos < name.size()) {
    if (name.size() - pos == suffix.size()) {
      bool equal = true;
      for (std::size_t i = 0; i < suffix.size() && equal; ++i) {
        equal = std::tolower(name[pos + i]) == suffix[i];
      }
      return equal;
    }
    if (name[pos] == 0) {
      break;
    }
    pos += name[pos] + 1;
  }
  return false;
}

}  // namespace

Result<LastKnownGood> LastKnownGood::compile(const std::vector<LkgRule>& rules) {
  LastKnownGood lkg;
  for (const LkgRule& rule : rules) {
    Compiled compiled;
    compiled.protect = rule.protect;
    std::string_view text = rule.pattern;
    if (text == "*") {
      compiled.wildcard = true;
      lkg.rules_.push_back(std::move(compiled));
      continue;
    }
    if (text.starts_with("*.")) {
      compiled.wildcard = true;
      text.remove_prefix(2);
    }
    if (text.find('*') != std::string_view::npos || text.empty()) {
      return makeError(Errc::kConfig,
                       fmt::format("'{}': expected a name, *.name or *", rule.pattern));
    }
    auto wire = toWire(text);
    if (!wire.ok()) {
      return makeError(Errc::kConfig, fmt::format("'{}': {}", rule.pattern, wire.error().message));
    }
    compiled.suffix = std::move(*wire);
    lkg.rules_.push_back(std::move(compiled));
  }
  return lkg;
}

bool LastKnownGood::protects(std::span<const std::uint8_t> qname) const noexcept {
  for (const Compiled& rule : rules_) {
    bool match = false;
    if (rule.suffix.empty()) {
      match = true;
    } else if (rule.wildcard) {
      match = qname.size() > rule.suffix.size() && endsWith(qname, rule.suffix);
    } else {
      match = qname.size() == rule.suffix.size() && endsWith(qname, rule.suffix);
    }
    if (match) {
      return rule.protect;
    }
  }
  return false;
}

}  // namespace holdfast::resolver
