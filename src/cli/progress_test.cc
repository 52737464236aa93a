// Tests of ProgressLine on a memory stream with a hand-driven clock.
#include "cli/progress.h"

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

namespace holdfast::cli {
namespace {

class FakeClock final : public Clock {
public:
  [[nodiscard]] TimePoint now() const override { return now_; }

  [[nodiscard]] std::chrono::system_clock::time_point wallNow() const override { return {}; }

  void advance(std::chrono::milliseconds by) { now_ += by; }

private:
  TimePoint now_{std::chrono::seconds(100)};
};

// Everything written to a memory stream.
class Captured {
public:
  Captured() : stream_(open_memstream(&buffer_, &size_)) {}

  ~Captured() {
    std::fclose(stream_);
    std::free(buffer_);  // NOLINT(cppcoreguidelines-no-malloc): open_memstream's buffer
  }

  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;

  [[nodiscard]] std::FILE* stream() const { return stream_; }

  [[nodiscard]] std::string text() {
    std::fflush(stream_);
    return std::string(buffer_, size_);
  }

private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* stream_;
};

TEST(ProgressLine, RewritesOneLineAndWipesItAtTheEnd) {
  Captured out;
  FakeClock clock;
  ProgressLine line(out.stream(), ProgressMode::kOn, clock);
  line.update("3/10 seeds");
  clock.advance(std::chrono::milliseconds(250));
  line.update("4/10");
  EXPECT_EQ(out.text(), "\r3/10 seeds\r4/10      ");
  EXPECT_DOUBLE_EQ(line.elapsedSeconds(), 0.25);
  line.finish();
  EXPECT_EQ(out.text(), "\r3/10 seeds\r4/10      \r    \r");
  line.finish();
  EXPECT_EQ(out.text(), "\r3/10 seeds\r4/10      \r    \r");
}

TEST(ProgressLine, DrawsAtMostOncePerInterval) {
  Captured out;
  FakeClock clock;
  ProgressLine line(out.stream(), ProgressMode::kOn, clock);
  line.update("a");
  clock.advance(std::chrono::milliseconds(100));
  line.update("b");
  clock.advance(std::chrono::milliseconds(99));
  line.update("c");
  EXPECT_EQ(out.text(), "\ra");
  clock.advance(std::chrono::milliseconds(1));
  line.update("d");
  EXPECT_EQ(out.text(), "\ra\rd");
}

TEST(ProgressLine, PrintsNothingWhenOff) {
  Captured out;
  FakeClock clock;
  {
    ProgressLine line(out.stream(), ProgressMode::kOff, clock);
    line.update("1/2");
    clock.advance(std::chrono::seconds(1));
    line.update("2/2");
    line.finish();
  }
  EXPECT_EQ(out.text(), "");
}

TEST(ProgressLine, JsonOutputNeverShowsProgress) {
  EXPECT_EQ(progressModeFor(true), ProgressMode::kOff);
}

}  // namespace
}  // namespace holdfast::cli
