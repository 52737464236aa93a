// Tests for the logging facade's line formats and level threshold.
#include "common/log.h"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace holdfast::log {
namespace {

class LogTest : public ::testing::Test {
protected:
  void SetUp() override { redirectForTesting(&out_); }

  void TearDown() override {
    redirectForTesting(nullptr);
    configure(Level::kInfo, Format::kJson);
  }

  std::ostringstream out_;
};

TEST_F(LogTest, JsonLineCarriesFields) {
  configure(Level::kInfo, Format::kJson);
  Logger("control.planner")
      .info("plan created", {{"endpoint.name", "api.\"x\""}, {"plan.generation", 7}});
  const auto line = nlohmann::json::parse(out_.str());
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["logger"], "control.planner");
  EXPECT_EQ(line["msg"], "plan created");
  EXPECT_EQ(line["endpoint.name"], "api.\"x\"");
  EXPECT_EQ(line["plan.generation"], 7);
}

TEST_F(LogTest, BelowThresholdIsDropped) {
  configure(Level::kWarn, Format::kJson);
  Logger("x").info("quiet");
  EXPECT_TRUE(out_.str().empty());
  Logger("x").warn("loud");
  EXPECT_NE(out_.str().find("loud"), std::string::npos);
}

TEST_F(LogTest, TextFormat) {
  configure(Level::kDebug, Format::kText);
  Logger("server").debug("bound", {{"listen.address", "127.0.0.1:53"}});
  // "<timestamp> debug server bound listen.address=127.0.0.1:53"
  const std::string line = out_.str();
  ASSERT_GT(line.size(), 25U);
  EXPECT_EQ(line[10], 'T');
  EXPECT_EQ(line.substr(line.find(' ') + 1), "debug server bound listen.address=127.0.0.1:53\n");
}

TEST(ParseLevelTest, KnownAndUnknown) {
  EXPECT_EQ(*parseLevel("debug"), Level::kDebug);
  EXPECT_FALSE(parseLevel("verbose").ok());
}

}  // namespace
}  // namespace holdfast::log
