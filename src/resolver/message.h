// Message: a bounds-checked scan of a DNS message's wire form (RFC 1035 section 4.1), enough
// for a forwarder to match, classify, cache and rewrite answers without a full parse.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace holdfast::resolver {

// Wire constants the resolver uses by name (RFC 1035 section 4.1.1, RFC 6891 section 6.1).
inline constexpr std::size_t kHeaderBytes = 12;
inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeSoa = 6;
inline constexpr std::uint16_t kTypeTxt = 16;
inline constexpr std::uint16_t kTypeAaaa = 28;
inline constexpr std::uint16_t kTypeOpt = 41;
inline constexpr std::uint16_t kTypeTsig = 250;
inline constexpr std::uint16_t kClassIn = 1;
inline constexpr std::uint16_t kClassCh = 3;
inline constexpr std::uint8_t kOpcodeQuery = 0;
inline constexpr std::uint16_t kRcodeNoError = 0;
inline constexpr std::uint16_t kRcodeFormErr = 1;
inline constexpr std::uint16_t kRcodeServFail = 2;
inline constexpr std::uint16_t kRcodeNxDomain = 3;
inline constexpr std::uint16_t kRcodeNotImp = 4;
inline constexpr std::uint16_t kRcodeRefused = 5;
inline constexpr std::uint16_t kRcodeBadVers = 16;  // extended, carried in OPT (RFC 6891)

// Largest message the resolver reads or writes: a 16-bit TCP length prefix (RFC 1035 4.2.2).
inline constexpr std::size_t kMaxMessageBytes = 65535;

// Records scanned per message. A 64 KiB message holds at most about 5,000 minimal records; the
// bound keeps the per-message record table small and rejects absurd counts in the header.
inline constexpr std::size_t kMaxRecords = 4096;

enum class SectionId : std::uint8_t {
  kAnswer,
  kAuthority,
  kAdditional,
};

// Where one resource record sits in the wire and what the forwarder needs from it.
struct RecordInfo {
  SectionId section = SectionId::kAnswer;
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::uint32_t ttl = 0;
  std::uint16_t start = 0;       // offset of the owner name
  std::uint16_t ttl_offset = 0;  // offset of the 32-bit TTL field
  std::uint16_t rdata_offset = 0;
  std::uint16_t rdlength = 0;
  std::uint16_t end = 0;  // offset just past the record
};

// The EDNS(0) OPT record of a message (RFC 6891 section 6.1.3).
struct EdnsInfo {
  bool present = false;
  std::uint16_t payload = 0;
  std::uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit response code
  std::uint8_t version = 0;
  bool dnssec_ok = false;
};

// A scanned message. Offsets refer to the buffer that was scanned; the question name is copied
// out lowercased, so it survives the buffer.
struct MessageInfo {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;  // header bytes 2-3: QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;

  // The question (only when qdcount is 1): its name lowercased, uncompressed.
  std::array<std::uint8_t, 255> qname{};
  std::uint8_t qname_size = 0;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  std::uint16_t question_end = kHeaderBytes;  // offset just past the question section

  std::vector<RecordInfo> records;  // answer, authority, additional, in wire order
  EdnsInfo edns;
  std::uint16_t opt_start = 0;  // offset of the OPT record when edns.present

  [[nodiscard]] bool isResponse() const noexcept { return (flags & 0x8000) != 0; }

  [[nodiscard]] std::uint8_t opcode() const noexcept { return (flags >> 11) & 0x0f; }

  [[nodiscard]] bool truncated() const noexcept { return (flags & 0x0200) != 0; }

  [[nodiscard]] bool recursionDesired() const noexcept { return (flags & 0x0100) != 0; }

  [[nodiscard]] bool checkingDisabled() const noexcept { return (flags & 0x0010) != 0; }

  // The full response code: header bits plus the OPT extension (RFC 6891 section 6.1.3).
  [[nodiscard]] std::uint16_t rcode() const noexcept {
    return static_cast<std::uint16_t>((edns.extended_rcode << 4) | (flags & 0x000f));
  }

  [[nodiscard]] std::span<const std::uint8_t> qnameWire() const noexcept {
    return {qname.data(), qname_size};
  }
};

// What to scan: only the header and question; every record, checked but not kept in
// MessageInfo::records (for client queries, whose only record of interest is the OPT, read into
// MessageInfo::edns; scanning allocates nothing); or every record, kept.
enum class ScanDepth {
  kQuestion,
  kChecked,
  kRecords,
};

// Scans `wire`. Returns kParse naming the problem when the message is shorter than a header,
// has more than one question, a malformed or looping name, a record that runs past the end,
// more than kMaxRecords records, more than one OPT record, or an OPT record outside the
// additional section. Bytes after the last counted record are ignored (RFC 1035 does not
// forbid padding). With kQuestion, records are neither scanned nor checked. Never reads outside
// `wire`; safe on any input.
[[nodiscard]] Result<MessageInfo> scanMessage(std::span<const std::uint8_t> wire, ScanDepth depth);

// Reads a 16/32-bit big-endian field. REQUIRES: the bytes are inside `wire`.
[[nodiscard]] inline std::uint16_t readU16(std::span<const std::uint8_t> wire,
                                           std::size_t at) noexcept {
  return static_cast<std::uint16_t>((wire[at] << 8) | wire[at + 1]);
}

[[nodiscard]] inline std::uint32_t readU32(std::span<const std::uint8_t> wire,
                                           std::size_t at) noexcept {
  return (static_cast<std::uint32_t>(wire[at]) << 24) |
         (static_cast<std::uint32_t>(wire[at + 1]) << 16) |
         (static_cast<std::uint32_t>(wire[at + 2]) << 8) | wire[at + 3];
}

inline void writeU16(std::span<std::uint8_t> wire, std::size_t at, std::uint16_t value) noexcept {
  wire[at] = static_cast<std::uint8_t>(value >> 8);
  wire[at + 1] = static_cast<std::uint8_t>(value);
}

inline void writeU32(std::span<std::uint8_t> wire, std::size_t at, std::uint32_t value) noexcept {
  wire[at] = static_cast<std::uint8_t>(value >> 24);
  wire[at + 1] = static_cast<std::uint8_t>(value >> 16);
  wire[at + 2] = static_cast<std::uint8_t>(value >> 8);
  wire[at + 3] = static_cast<std::uint8_t>(value);
}

// True when the two uncompressed wire names are equal ignoring ASCII case (RFC 4343).
[[nodiscard]] bool namesEqual(std::span<const std::uint8_t> a,
                              std::span<const std::uint8_t> b) noexcept;

// Presentation form of an uncompressed wire name ("www.example.test."), for logs.
[[nodiscard]] std::string nameToText(std::span<const std::uint8_t> wire);

}  // namespace holdfast::resolver
