// Replacements of the global allocation functions that count per thread; linked only into test
// binaries that check a path does not allocate.
#include "common/alloc_counting.h"

#include <cstdlib>
#include <new>

namespace {

thread_local std::size_t allocations = 0;

}  // namespace

namespace holdfast::testing {

std::size_t allocationCount() noexcept {
  return allocations;
}

}  // namespace holdfast::testing

void* operator new(std::size_t size) {
  ++allocations;
  if (void* block = std::malloc(size == 0 ? 1 : size); block != nullptr) {
    return block;
  }
  throw std::bad_alloc();
}

// The nothrow forms too (std::stable_sort and std::inplace_merge take their temporary buffers
// with them): every allocation function a binary uses must pair with the deletes below.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}

void* operator new[](std::size_t size) {
  return operator new(size);
}

void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}

void operator delete(void* block) noexcept {
  std::free(block);
}

void operator delete(void* block, std::size_t) noexcept {
  std::free(block);
}

void operator delete(void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}

void operator delete[](void* block) noexcept {
  std::free(block);
}

void operator delete[](void* block, std::size_t) noexcept {
  std::free(block);
}

void operator delete[](void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}
