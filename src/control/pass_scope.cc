// Mapping changed store keys to the endpoints a pass must visit.
#include "control/pass_scope.h"

#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

namespace {

// The text between `prefix` and the last '/' of `key` (health/ and plans/ keys end in an
// address or a generation, neither of which holds a '/'); nullopt if there is none.
std::optional<std::string> beforeLastSlash(std::string_view key, std::string_view prefix) {
  const std::string_view rest = key.substr(prefix.size());
  const std::size_t slash = rest.rfind('/');
  if (slash == std::string_view::npos || slash == 0) {
    return std::nullopt;
  }
  return std::string(rest.substr(0, slash));
}

}  // namespace

std::optional<std::string> endpointOfKey(std::string_view key) {
  if (store::hasPrefix(key, kHealthPrefix)) {
    return beforeLastSlash(key, kHealthPrefix);
  }
  if (store::hasPrefix(key, kPlansPrefix)) {
    return beforeLastSlash(key, kPlansPrefix);
  }
  for (const std::string_view prefix : {kPublishedPrefix, std::string_view("control/paused/")}) {
    if (store::hasPrefix(key, prefix) && key.size() > prefix.size()) {
      return std::string(key.substr(prefix.size()));
    }
  }
  return std::nullopt;
}

std::optional<std::set<std::string>> endpointsOf(const PassScope& scope) {
  if (scope.full) {
    return std::nullopt;
  }
  std::set<std::string> names;
  for (const std::string& key : scope.keys) {
    auto name = endpointOfKey(key);
    if (!name) {
      return std::nullopt;
    }
    names.insert(std::move(*name));
  }
  return names;
}

}  // namespace holdfast::control
