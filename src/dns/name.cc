// Name: parsing, printing and canonical comparison of domain names.
#include "dns/name.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "dns/knot.h"

namespace holdfast::dns {

namespace {

// A name has at most 127 labels plus the root (RFC 1035 section 2.3.4).
constexpr std::size_t kMaxLabels = 128;

constexpr std::uint8_t lowerAscii(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
}

// Offsets of each label's length octet, not counting the root label. Returns the label count.
std::size_t labelOffsets(std::span<const std::uint8_t> wire,
                         std::array<std::uint8_t, kMaxLabels>& offsets) noexcept {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0 && count < kMaxLabels) {
    offsets[count++] = static_cast<std::uint8_t>(pos);
    pos += 1 + wire[pos];
  }
  return count;
}

// Orders two labels as RFC 4034 section 6.1 does: lowercased octets, shorter first on a tie.
std::strong_ordering compareLabel(const std::uint8_t* a, const std::uint8_t* b) noexcept {
  const std::size_t common = std::min(a[0], b[0]);
  for (std::size_t i = 1; i <= common; ++i) {
    const auto ca = lowerAscii(a[i]);
    const auto cb = lowerAscii(b[i]);
    if (ca != cb) {
      return ca <=> cb;
    }
  }
  return a[0] <=> b[0];
}

}  // namespace

Result<Name> Name::fromText(std::string_view text) {
  if (text.empty() || text.find('\0') != std::string_view::npos) {
    return makeError(Errc::kParse, "invalid domain name '" + std::string(text) + "'");
  }
  const std::string terminated(text);
  knot_dname_storage_t storage;
  if (knot_dname_from_str(storage, terminated.c_str(), sizeof(storage)) == nullptr) {
    return makeError(Errc::kParse, "invalid domain name '" + terminated + "'");
  }
  Name name;
  name.size_ = static_cast<std::uint16_t>(knot_dname_size(storage));
  std::memcpy(name.wire_.data(), storage, name.size_);
  return name;
}

Result<Name> Name::fromWire(std::span<const std::uint8_t> wire) {
  if (wire.empty() || wire.size() > kMaxWireSize) {
    return makeError(Errc::kParse, "invalid wire domain name");
  }
  const int size = knot_dname_wire_check(wire.data(), wire.data() + wire.size(), nullptr);
  if (size <= 0 || static_cast<std::size_t>(size) != wire.size()) {
    return makeError(Errc::kParse, "invalid wire domain name");
  }
  Name name;
  name.size_ = static_cast<std::uint16_t>(wire.size());
  std::memcpy(name.wire_.data(), wire.data(), wire.size());
  return name;
}

std::string Name::toText() const {
  knot_dname_txt_storage_t text;
  if (knot_dname_to_str(text, wire_.data(), sizeof(text)) == nullptr) {
    return "<invalid name>";
  }
  return std::string(text);
}

std::size_t Name::labelCount() const noexcept {
  std::array<std::uint8_t, kMaxLabels> offsets;
  return labelOffsets(wire(), offsets);
}

bool Name::isSubdomainOf(const Name& ancestor) const noexcept {
  return wireIsSubdomainOf(wire(), ancestor.wire());
}

Name Name::parent() const noexcept {
  Name result;
  if (isRoot()) {
    return result;
  }
  const std::size_t skip = 1 + wire_[0];
  result.size_ = static_cast<std::uint16_t>(size_ - skip);
  std::memcpy(result.wire_.data(), wire_.data() + skip, result.size_);
  return result;
}

Name Name::toLower() const noexcept {
  Name result;
  result.size_ = size_;
  lowerWire(wire(), result.wire_.data());
  return result;
}

bool Name::isWildcard() const noexcept {
  return size_ >= 3 && wire_[0] == 1 && wire_[1] == '*';
}

std::optional<Name> Name::replaceSuffix(const Name& old_suffix,
                                        const Name& new_suffix) const noexcept {
  // The kept prefix is everything before the old suffix; both end with the root label.
  if (old_suffix.size_ > size_) {
    return std::nullopt;
  }
  const std::size_t prefix = size_ - old_suffix.size_;
  const std::size_t size = prefix + new_suffix.size_;
  if (size > kMaxWireSize) {
    return std::nullopt;
  }
  Name result;
  std::memcpy(result.wire_.data(), wire_.data(), prefix);
  std::memcpy(result.wire_.data() + prefix, new_suffix.wire_.data(), new_suffix.size_);
  result.size_ = static_cast<std::uint16_t>(size);
  return result;
}

bool operator==(const Name& a, const Name& b) noexcept {
  return wireEqualIgnoringCase(a.wire(), b.wire());
}

std::strong_ordering operator<=>(const Name& a, const Name& b) noexcept {
  return compareCanonical(a.wire(), b.wire());
}

bool wireEqualIgnoringCase(std::span<const std::uint8_t> a,
                           std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

bool wireIsSubdomainOf(std::span<const std::uint8_t> wire,
                       std::span<const std::uint8_t> ancestor) noexcept {
  if (ancestor.size() > wire.size()) {
    return false;
  }
  // Skip labels until both names have the same length, then the rest must match exactly.
  std::size_t pos = 0;
  while (wire.size() - pos > ancestor.size()) {
    pos += 1 + wire[pos];
  }
  if (wire.size() - pos != ancestor.size()) {
    return false;
  }
  return wireEqualIgnoringCase(wire.subspan(pos), ancestor);
}

void lowerWire(std::span<const std::uint8_t> wire, std::uint8_t* out) noexcept {
  std::transform(wire.begin(), wire.end(), out, lowerAscii);
}

std::size_t wireLabelCount(std::span<const std::uint8_t> wire) noexcept {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0; pos += 1 + wire[pos]) {
    ++count;
  }
  return count;
}

std::strong_ordering compareCanonical(std::span<const std::uint8_t> a,
                                      std::span<const std::uint8_t> b) noexcept {
  std::array<std::uint8_t, kMaxLabels> offsets_a;
  std::array<std::uint8_t, kMaxLabels> offsets_b;
  const std::size_t count_a = labelOffsets(a, offsets_a);
  const std::size_t count_b = labelOffsets(b, offsets_b);

  // Compare from the rightmost label; the name that runs out of labels first sorts first.
  for (std::size_t i = 1; i <= std::min(count_a, count_b); ++i) {
    const auto order =
        compareLabel(a.data() + offsets_a[count_a - i], b.data() + offsets_b[count_b - i]);
    if (order != std::strong_ordering::equal) {
      return order;
    }
  }
  return count_a <=> count_b;
}

}  // namespace holdfast::dns
