// LastKnownGood: which names keep their last positive answer when upstreams suddenly say the
// name is empty or gone.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace holdfast::resolver {

// One configured pattern: "api.example.test" (that name only), "*.example.test" (every name
// below example.test, not the name itself) or "*" (every name). `protect` false exempts names a
// later, broader pattern would cover: the first matching pattern decides.
struct LkgRule {
  std::string pattern;
  bool protect = true;
};

// Compiled rules. Immutable after construction; thread-safe to share.
class LastKnownGood {
public:
  // Returns kConfig naming the pattern when one is not a valid name or wildcard.
  [[nodiscard]] static Result<LastKnownGood> compile(const std::vector<LkgRule>& rules);

  LastKnownGood() = default;

  // Whether `qname` (uncompressed wire, any case) is protected.
  [[nodiscard]] bool protects(std::span<const std::uint8_t> qname) const noexcept;

  [[nodiscard]] bool empty() const noexcept { return rules_.empty(); }

private:
  struct Compiled {
    std::vector<std::uint8_t> suffix;  // lowercase wire name; empty for "*"
    bool wildcard = false;
    bool protect = true;
  };

  std::vector<Compiled> rules_;
};

}  // namespace holdfast::resolver
