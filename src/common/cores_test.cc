// availableCores follows the CPU affinity mask.
#include "common/cores.h"

#include <sched.h>

#include <thread>

#include <gtest/gtest.h>

namespace holdfast {
namespace {

TEST(CoresTest, CountsTheProcessorsOfTheAffinityMask) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
  EXPECT_EQ(availableCores(), static_cast<std::size_t>(CPU_COUNT(&all)));

  // A thread pinned to one processor sees one.
  std::size_t pinned = 0;
  std::thread thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &all)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    if (sched_setaffinity(0, sizeof(one), &one) == 0) {
      pinned = availableCores();
    }
  });
  thread.join();
  EXPECT_EQ(pinned, 1u);
}

}  // namespace
}  // namespace holdfast
