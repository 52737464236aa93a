// Test support: counts allocations through the global operator new of the test binary that
// links alloc_counting.cc, so tests can check that a hot path allocates nothing.
#pragma once

#include <cstddef>

namespace holdfast::testing {

// Allocations made by the calling thread so far (operator new in all its forms).
[[nodiscard]] std::size_t allocationCount() noexcept;

}  // namespace holdfast::testing
