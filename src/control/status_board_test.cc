// Tests of the enactors' status board.
#include "control/status_board.h"

#include <gtest/gtest.h>

namespace holdfast::control {
namespace {

TEST(StatusBoard, KeepsTheLastPublishAndCountsPerEnactor) {
  StatusBoard board;
  board.recordApplied("enactor-2", "a.test.", 4, 1000);
  board.recordApplied("enactor-2", "b.test.", 7, 2000);
  board.recordStaleRefused("enactor-1");
  board.recordHeld("enactor-1");
  board.recordHeld("enactor-1");
  board.recordPass("enactor-1", 3000, "store: busy");

  const auto all = board.enactors();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].id, "enactor-1");
  EXPECT_EQ(all[0].stale_refused, 1U);
  EXPECT_EQ(all[0].held, 2U);
  EXPECT_EQ(all[0].errors, 1U);
  EXPECT_EQ(all[0].last_error, "store: busy");
  EXPECT_EQ(all[0].last_applied_generation, 0U);
  EXPECT_EQ(all[1].id, "enactor-2");
  EXPECT_EQ(all[1].applied, 2U);
  EXPECT_EQ(all[1].last_applied_endpoint, "b.test.");
  EXPECT_EQ(all[1].last_applied_generation, 7U);
  EXPECT_EQ(all[1].last_applied_at_ms, 2000);
}

TEST(StatusBoard, ACleanPassClearsTheLastError) {
  StatusBoard board;
  board.recordPass("enactor-1", 1, "boom");
  board.recordPass("enactor-1", 2, "");
  const auto all = board.enactors();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].last_error, "");
  EXPECT_EQ(all[0].errors, 1U);
  EXPECT_EQ(all[0].last_pass_at_ms, 2);
}

}  // namespace
}  // namespace holdfast::control
