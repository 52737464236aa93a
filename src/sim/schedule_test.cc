// Tests of the schedule text format: every field round-trips; errors name the line.
#include "sim/schedule.h"

#include <gtest/gtest.h>

namespace holdfast::sim {
namespace {

Step fullStep() {
  Step step;
  step.at_ms = 12345;
  step.actor = ActorId{ActorKind::kEnactor, 2};
  step.action = Action::kCommit;
  step.endpoint = 1;
  step.generation = 17;
  step.address = "10.0.1.3";
  step.number = -3500;
  step.faults = {{OpFault::Kind::kLag, 0, 3},        {OpFault::Kind::kFail, 1, 0},
                 {OpFault::Kind::kAmbiguous, 2, 0},  {OpFault::Kind::kConflict, 2, 0},
                 {OpFault::Kind::kCrashAfter, 3, 0}, {OpFault::Kind::kCrashBefore, -1, 0}};
  step.note = "published plan 17";
  return step;
}

TEST(ScheduleTest, AStepRoundTrips) {
  const Step step = fullStep();
  const std::string line = formatStep(step);
  EXPECT_EQ(line,
            "@12.345 enactor-2 commit e=1 g=17 a=10.0.1.3 n=-3500 lag@0=3 fail@1 ambig@2 "
            "conflict@2 crash@3+ crash@end  # published plan 17");
  auto parsed = parseStep(line);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(parsed->sameAs(step));
  EXPECT_TRUE(parsed->note.empty());
}

TEST(ScheduleTest, EveryActionAndActorHasAName) {
  for (int a = 0; a <= static_cast<int>(Action::kFaultsStop); ++a) {
    const auto action = static_cast<Action>(a);
    EXPECT_EQ(parseAction(actionName(action)), action) << actionName(action);
  }
  for (const ActorId id : {ActorId{ActorKind::kPlanner, 1}, ActorId{ActorKind::kEnactor, 12},
                           ActorId{ActorKind::kJanitor, 0}, ActorId{ActorKind::kHealth, 0},
                           ActorId{ActorKind::kOperator, 0}, ActorId{ActorKind::kClient, 3},
                           ActorId{ActorKind::kSim, 0}}) {
    EXPECT_EQ(parseActor(actorName(id)), id) << actorName(id);
  }
  EXPECT_FALSE(parseActor("enactor-0"));
  EXPECT_FALSE(parseActor("enactor"));
}

TEST(ScheduleTest, AScheduleRoundTripsWithItsOptions) {
  Schedule schedule;
  schedule.options.protocol = Protocol::kNaive;
  schedule.options.seed = 99;
  schedule.options.enactors = 5;
  schedule.options.backends = 6;
  schedule.options.endpoints = 2;  // the full step names e=1 and 10.0.1.3
  schedule.options.negative_ttl_ms = 12000;
  schedule.options.policy.max_remove = {control::ChangeBudget::Unit::kCount, 2};
  schedule.options.policy.over_budget = control::OverBudget::kHold;
  schedule.options.policy.fail_open = false;
  schedule.options.policy.panic_percent = 40;
  Step pause{1000, ActorId{ActorKind::kOperator, 0}, Action::kPause, -1};
  Step stop{60000, ActorId{ActorKind::kSim, 0}, Action::kFaultsStop};
  stop.address = "10.0.0.2";
  stop.number = 2;
  schedule.steps = {pause, fullStep(), stop};

  auto parsed = parseSchedule(formatSchedule(schedule));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->options.protocol, Protocol::kNaive);
  EXPECT_EQ(parsed->options.seed, 99U);
  EXPECT_EQ(parsed->options.enactors, 5);
  EXPECT_EQ(parsed->options.backends, 6);
  EXPECT_EQ(parsed->options.negative_ttl_ms, 12000);
  EXPECT_EQ(parsed->options.policy, schedule.options.policy);
  ASSERT_EQ(parsed->steps.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(parsed->steps[i].sameAs(schedule.steps[i])) << formatStep(parsed->steps[i]);
  }
}

TEST(ScheduleTest, ErrorsNameTheLine) {
  auto bad = parseSchedule("protocol holdfast\nseed 1\n@1.000 enactor-1 fly\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("schedule:3: ", 0), 0U) << bad.error().message;

  auto unknown = parseSchedule("colour blue\n@1.000 sim faults-stop\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown option 'colour'"), std::string::npos);

  auto unfinished = parseSchedule("protocol naive\n@1.000 health probe\n");
  ASSERT_FALSE(unfinished.ok());
  EXPECT_NE(unfinished.error().message.find("faults-stop"), std::string::npos);

  EXPECT_FALSE(parseStep("@1.5 health probe").ok());  // exactly three decimals
  EXPECT_FALSE(parseStep("@1.500 health probe lag@x=1").ok());
  EXPECT_FALSE(parseStep("@1.500 health probe zz=1").ok());
}

// A hand-edited schedule that names something the world does not have, or asks for sizes it
// was never meant to run, is refused with its line rather than silently replayed differently.
TEST(ScheduleTest, StepsAndOptionsOutsideTheWorldAreRefusedWithTheirLine) {
  const std::string header = "protocol naive\nseed 3\nenactors 3\nendpoints 1\nbackends 5\n";

  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {header + "@1.000 enactor-9 check\n@2.000 sim faults-stop\n", "f:6: no actor enactor-9"},
      {header + "@1.000 planner-1 plan e=7\n@2.000 sim faults-stop\n", "f:6: no endpoint e=7"},
      {header + "@1.000 health set-health a=10.9.9.9 up=1\n@2.000 sim faults-stop\n",
       "f:6: a=10.9.9.9 is not a backend"},
      {header + "@3.000 health probe\n@2.000 sim faults-stop\n", "f:7: steps must be in time"},
      {header + "seed 4\n@2.000 sim faults-stop\n", "f:6: option 'seed' is given twice"},
      {header + "keep-plans 0\n@2.000 sim faults-stop\n", "f:6: keep-plans must be from 1"},
      {header + "ttl 99999999999\n@2.000 sim faults-stop\n", "f:6: ttl is out of range"},
      {header + "recovery-bound-ms 99999999999999\n@2.000 sim faults-stop\n",
       "f:6: recovery-bound-ms must be from 1000 to 86400000"},
      {header + "clients 65\n@2.000 sim faults-stop\n", "f:6: clients must be from 0 to 64"},
  };

  for (const auto& c : cases) {
    auto parsed = parseSchedule(c.text, "f");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.error().message.rfind(c.message, 0), 0U) << parsed.error().message;
  }
  auto good = parseSchedule(header +
                                "@1.000 health set-health a=10.0.0.5 up=0\n"
                                "@1.000 enactor-3 check\n@2.000 sim faults-stop\n",
                            "f");
  EXPECT_TRUE(good.ok()) << good.error().message;
}

}  // namespace
}  // namespace holdfast::sim
