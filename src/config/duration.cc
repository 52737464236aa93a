// Duration parsing for configuration values.
#include "config/duration.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace holdfast::config {

Result<std::chrono::milliseconds> parseDuration(std::string_view text) {
  const auto bad = [&] {
    return makeError(Errc::kConfig, "expected a duration such as 500ms, 2s or 1m, got '" +
                                        std::string(text) + "'");
  };
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0) {
    return bad();
  }
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  // Bound: a day is far beyond any sensible interval or timeout and keeps arithmetic safe.
  constexpr std::int64_t kMaxMs = 24LL * 3600 * 1000;
  if (value > kMaxMs) {
    return makeError(Errc::kConfig, "duration '" + std::string(text) + "' is longer than a day");
  }
  std::int64_t ms = 0;
  if (unit == "ms") {
    ms = value;
  } else if (unit == "s") {
    ms = value * 1000;
  } else if (unit == "m") {
    ms = value * 60 * 1000;
  } else if (unit == "h") {
    ms = value * 3600 * 1000;
  } else {
    return bad();
  }
  if (ms > kMaxMs) {
    return makeError(Errc::kConfig, "duration '" + std::string(text) + "' is longer than a day");
  }
  return std::chrono::milliseconds(ms);
}

}  // namespace holdfast::config
