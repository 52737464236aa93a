// Name: a domain name held in uncompressed wire form, with RFC 4034 canonical comparison.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace holdfast::dns {

// An absolute domain name. Owns its wire form in an inline buffer, so copies never touch the heap
// and a Name can be built on the answer path. Comparisons ignore ASCII case (RFC 4343); the
// stored case is kept for display and for writing answers.
class Name {
public:
  // The longest wire form of a name (RFC 1035 section 2.3.4).
  static constexpr std::size_t kMaxWireSize = 255;

  // The root name ".".
  Name() noexcept { wire_[0] = 0; }

  // Copies move only the octets in use: a Name is built and copied on the answer path, and its
  // buffer is never zero-filled.
  Name(const Name& other) noexcept : size_(other.size_) {
    std::memcpy(wire_.data(), other.wire_.data(), size_);
  }

  Name& operator=(const Name& other) noexcept {
    if (this != &other) {
      size_ = other.size_;
      std::memcpy(wire_.data(), other.wire_.data(), size_);
    }
    return *this;
  }

  // Parses presentation form ("www.example.test." or "www.example.test"; both are absolute).
  // Accepts RFC 1035 escapes (\. and \DDD). Returns kParse for an empty name, an empty label, a
  // label over 63 octets or a name over 255 octets.
  [[nodiscard]] static Result<Name> fromText(std::string_view text);

  // Takes an uncompressed wire name that fills `wire` exactly. Returns kParse if `wire` is not
  // one well-formed name (compression pointers are rejected).
  [[nodiscard]] static Result<Name> fromWire(std::span<const std::uint8_t> wire);

  // Presentation form with a trailing dot ("www.example.test."), escaping as RFC 1035 does.
  [[nodiscard]] std::string toText() const;

  // The wire form, valid while this Name lives and is not modified.
  [[nodiscard]] std::span<const std::uint8_t> wire() const noexcept {
    return {wire_.data(), size_};
  }

  // Pointer to the wire form for libknot calls (a knot_dname_t).
  [[nodiscard]] const std::uint8_t* data() const noexcept { return wire_.data(); }

  // Number of labels, not counting the root label ("www.example.test." has 3).
  [[nodiscard]] std::size_t labelCount() const noexcept;

  [[nodiscard]] bool isRoot() const noexcept { return size_ == 1; }

  // True when this name equals `ancestor` or lies below it (RFC 1034 section 3.1), ignoring case.
  [[nodiscard]] bool isSubdomainOf(const Name& ancestor) const noexcept;

  // The name with its first label removed. REQUIRES: !isRoot().
  [[nodiscard]] Name parent() const noexcept;

  // The same name with ASCII letters lowercased, as used for lookup keys.
  [[nodiscard]] Name toLower() const noexcept;

  // True when the first label is the single octet "*" (RFC 4592 section 2.1.1).
  [[nodiscard]] bool isWildcard() const noexcept;

  // This name with its suffix `old_suffix` replaced by `new_suffix`, as DNAME substitution does
  // (RFC 6672 section 2.2), or nullopt when the result would exceed 255 octets. The labels kept
  // keep their case. REQUIRES: isSubdomainOf(old_suffix).
  [[nodiscard]] std::optional<Name> replaceSuffix(const Name& old_suffix,
                                                  const Name& new_suffix) const noexcept;

  // Equality ignoring ASCII case.
  friend bool operator==(const Name& a, const Name& b) noexcept;

  // Canonical DNS name order (RFC 4034 section 6.1), ignoring ASCII case.
  friend std::strong_ordering operator<=>(const Name& a, const Name& b) noexcept;

private:
  std::array<std::uint8_t, kMaxWireSize> wire_;  // only the first size_ octets are set
  std::uint16_t size_ = 1;
};

// Labels of a well-formed uncompressed wire name, not counting the root label.
[[nodiscard]] std::size_t wireLabelCount(std::span<const std::uint8_t> wire) noexcept;

// A well-formed uncompressed wire name without its first label. REQUIRES: not the root name.
[[nodiscard]] inline std::span<const std::uint8_t> wireParent(
    std::span<const std::uint8_t> wire) noexcept {
  return wire.subspan(1 + wire[0]);
}

// Whether two wire names are the same octets but for ASCII case (RFC 4343).
[[nodiscard]] bool wireEqualIgnoringCase(std::span<const std::uint8_t> a,
                                         std::span<const std::uint8_t> b) noexcept;

// Whether the well-formed uncompressed wire name `wire` equals `ancestor` or lies below it,
// ignoring case; Name::isSubdomainOf for raw wire bytes.
[[nodiscard]] bool wireIsSubdomainOf(std::span<const std::uint8_t> wire,
                                     std::span<const std::uint8_t> ancestor) noexcept;

// Writes `wire` with ASCII letters lowercased to `out`, which must have room for wire.size()
// octets.
void lowerWire(std::span<const std::uint8_t> wire, std::uint8_t* out) noexcept;

// Canonical order of two well-formed uncompressed wire names (RFC 4034 section 6.1), ignoring
// ASCII case. Exposed for containers keyed by raw wire bytes.
[[nodiscard]] std::strong_ordering compareCanonical(std::span<const std::uint8_t> a,
                                                    std::span<const std::uint8_t> b) noexcept;

}  // namespace holdfast::dns
