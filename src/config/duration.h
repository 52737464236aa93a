// Parsing of durations written as "250ms", "2s", "1m" or "1h" in configuration files.
#pragma once

#include <chrono>
#include <string_view>

#include "common/result.h"

namespace holdfast::config {

// Accepts a non-negative integer followed by ms, s, m or h. Errors say what was expected.
[[nodiscard]] Result<std::chrono::milliseconds> parseDuration(std::string_view text);

}  // namespace holdfast::config
