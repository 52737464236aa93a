// How many processors this process may run on, for "one worker thread per core" defaults.
#pragma once

#include <cstddef>

namespace holdfast {

// The processors in this process's CPU affinity mask (so `taskset -c 0` gives 1), at least 1.
[[nodiscard]] std::size_t availableCores() noexcept;

}  // namespace holdfast
