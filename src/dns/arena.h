// Arena: a bump allocator handed to libknot so that parsing and answering stay off the heap.
#pragma once

#include <cstddef>
#include <span>

#include "dns/knot.h"

namespace holdfast::dns {

// Serves libknot allocations (knot_mm_t) from a caller-provided buffer. Frees are no-ops; all
// memory comes back when the Arena is destroyed. When the buffer runs out, further blocks come
// from the heap and are released by the destructor, so an oversized packet costs speed, never
// correctness. One Arena per request and thread; not thread-safe.
class Arena {
public:
  // The buffer must outlive the Arena and everything allocated from it.
  explicit Arena(std::span<std::byte> buffer) noexcept;
  ~Arena();

  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // The libknot memory context; valid while this Arena lives.
  [[nodiscard]] knot_mm_t* mm() noexcept { return &mm_; }

  // Memory aligned for any type, or nullptr when even the heap fails.
  [[nodiscard]] void* allocate(std::size_t size) noexcept;

  // Bytes handed out from the buffer so far.
  [[nodiscard]] std::size_t used() const noexcept { return used_; }

  // Allocations that did not fit in the buffer and went to the heap.
  [[nodiscard]] std::size_t heapFallbacks() const noexcept { return heap_fallbacks_; }

private:
  static void* allocateForKnot(void* ctx, std::size_t size) noexcept;

  std::span<std::byte> buffer_;
  std::size_t used_ = 0;
  std::size_t heap_fallbacks_ = 0;
  void* heap_blocks_ = nullptr;  // singly linked through each block's first word
  knot_mm_t mm_{};
};

}  // namespace holdfast::dns
