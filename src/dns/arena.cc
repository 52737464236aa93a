// Arena: bump allocation from a fixed buffer with a heap fallback.
#include "dns/arena.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace holdfast::dns {

namespace {

constexpr std::size_t kAlignment = alignof(std::max_align_t);

constexpr std::size_t alignUp(std::size_t value) noexcept {
  return (value + kAlignment - 1) & ~(kAlignment - 1);
}

}  // namespace

Arena::Arena(std::span<std::byte> buffer) noexcept : buffer_(buffer) {
  mm_.ctx = this;
  mm_.alloc = &Arena::allocateForKnot;
  mm_.free = nullptr;  // libknot treats a null free as "the context reclaims everything"

  // Start at an aligned address inside the buffer.
  const auto address = reinterpret_cast<std::uintptr_t>(buffer_.data());
  const std::size_t skip = alignUp(address) - address;
  used_ = skip <= buffer_.size() ? skip : buffer_.size();
}

Arena::~Arena() {
  while (heap_blocks_ != nullptr) {
    void* next = nullptr;
    std::memcpy(&next, heap_blocks_, sizeof(next));
    std::free(heap_blocks_);
    heap_blocks_ = next;
  }
}

void* Arena::allocate(std::size_t size) noexcept {
  const std::size_t rounded = alignUp(size == 0 ? 1 : size);
  if (rounded <= buffer_.size() - used_) {
    void* block = buffer_.data() + used_;
    used_ += rounded;
    return block;
  }

  // Heap fallback: a header word links the block into the list the destructor frees.
  void* block = std::malloc(kAlignment + rounded);
  if (block == nullptr) {
    return nullptr;
  }
  std::memcpy(block, &heap_blocks_, sizeof(heap_blocks_));
  heap_blocks_ = block;
  ++heap_fallbacks_;
  return static_cast<std::byte*>(block) + kAlignment;
}

void* Arena::allocateForKnot(void* ctx, std::size_t size) noexcept {
  return static_cast<Arena*>(ctx)->allocate(size);
}

}  // namespace holdfast::dns
