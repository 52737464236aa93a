// ProgressLine: "\r"-rewritten status text on stderr, only on a terminal.
#include "cli/progress.h"

#include <unistd.h>

namespace holdfast::cli {

ProgressMode progressModeFor(bool json) {
  return !json && isatty(STDERR_FILENO) == 1 ? ProgressMode::kOn : ProgressMode::kOff;
}

ProgressLine::ProgressLine(std::FILE* out, ProgressMode mode, const Clock& clock)
    : out_(out), mode_(mode), clock_(clock), started_(clock.now()) {}

ProgressLine::~ProgressLine() {
  finish();
}

void ProgressLine::update(std::string_view text) {
  if (mode_ == ProgressMode::kOff) {
    return;
  }
  const Clock::TimePoint now = clock_.now();
  if (drawn_ && now - last_draw_ < kMinInterval) {
    return;
  }
  // Spaces over what is left of a longer previous text, then back to the end of this one.
  const std::size_t pad = width_ > text.size() ? width_ - text.size() : 0;
  std::fprintf(out_, "\r%.*s%*s", static_cast<int>(text.size()), text.data(), static_cast<int>(pad),
               "");
  std::fflush(out_);
  last_draw_ = now;
  drawn_ = true;
  width_ = text.size();
}

void ProgressLine::finish() {
  if (!drawn_) {
    return;
  }
  std::fprintf(out_, "\r%*s\r", static_cast<int>(width_), "");
  std::fflush(out_);
  drawn_ = false;
  width_ = 0;
}

double ProgressLine::elapsedSeconds() const {
  return std::chrono::duration<double>(clock_.now() - started_).count();
}

}  // namespace holdfast::cli
