// A single self-overwriting progress line on a terminal, for long CLI operations.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace holdfast::cli {

// Whether progress should be shown: stderr is a terminal and the output is not for a script.
enum class ProgressMode {
  kOff,
  kOn,
};

// kOn only when stderr is a terminal and `json` output was not asked for.
[[nodiscard]] ProgressMode progressModeFor(bool json);

// Rewrites one line of `out` ("\r" + text, padded over the previous text) at most once per
// kMinInterval, so a fast loop does not flood a slow terminal. With kOff it writes nothing at
// all. finish() wipes the line, leaving the cursor at its start. The stream and clock are
// borrowed. Not thread-safe.
class ProgressLine {
public:
  // Redrawing faster than this cannot be read and only costs terminal bandwidth.
  static constexpr std::chrono::milliseconds kMinInterval{200};

  ProgressLine(std::FILE* out, ProgressMode mode, const Clock& clock);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Shows `text` unless the last redraw was less than kMinInterval ago.
  void update(std::string_view text);

  // Wipes the line if anything was drawn; idempotent.
  void finish();

  // Seconds since construction, for "waited 3s" style texts.
  [[nodiscard]] double elapsedSeconds() const;

private:
  std::FILE* out_;
  const ProgressMode mode_;
  const Clock& clock_;
  const Clock::TimePoint started_;
  Clock::TimePoint last_draw_{};
  bool drawn_ = false;
  std::size_t width_ = 0;  // characters of the text on screen now
};

}  // namespace holdfast::cli
