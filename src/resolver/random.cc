// SystemRandom over arc4random.
#include "resolver/random.h"

#include <stdlib.h>

namespace holdfast::resolver {

std::uint64_t SystemRandom::next() {
  std::uint64_t value = 0;
  arc4random_buf(&value, sizeof(value));
  return value;
}

}  // namespace holdfast::resolver
