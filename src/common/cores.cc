// Counting the processors a process may run on.
#include "common/cores.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace holdfast {

std::size_t availableCores() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    return std::max<std::size_t>(1, static_cast<std::size_t>(CPU_COUNT(&set)));
  }
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

}  // namespace holdfast
