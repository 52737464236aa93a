// Scanning DNS messages: header, question, and the position of every record.
#include "resolver/message.h"

#include <fmt/format.h>

namespace holdfast::resolver {

namespace {

// DNS names compare without regard to ASCII case only (RFC 4343 section 3); octets outside A-Z
// stay as they are, whatever the C library's locale says.
std::uint8_t asciiLower(std::uint8_t c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
}

// Compression pointers followed per name. Each must point strictly backwards, so a name can
// never loop; the bound stops a long backwards chain from costing more than a name's worth.
constexpr int kMaxPointerHops = 127;

struct NameRead {
  std::size_t next = 0;  // offset just past the name where it started
  std::uint8_t size = 0;
};

// Reads the (possibly compressed) name at `at`. When `out` is given, the uncompressed name is
// written there lowercased. Errors for labels past the end, bad label types, forward or looping
// pointers and names over 255 octets (RFC 1035 section 4.1.4).
Result<NameRead> readName(std::span<const std::uint8_t> wire,
                          std::size_t at,
                          std::array<std::uint8_t, 255>* out) {
  NameRead read;
  std::size_t pos = at;
  std::size_t size = 0;
  int hops = 0;
  bool jumped = false;
  while (true) {
    if (pos >= wire.size()) {
      return makeError(Errc::kParse, "name runs past the end of the message");
    }
    const std::uint8_t length = wire[pos];
    if ((length & 0xc0) == 0xc0) {
      if (pos + 1 >= wire.size()) {
        return makeError(Errc::kParse, "compression pointer runs past the end");
      }
      const std::size_t target = static_cast<std::size_t>((length & 0x3f) << 8) | wire[pos + 1];
      if (target >= pos || ++hops > kMaxPointerHops) {
        return makeError(Errc::kParse, "compression pointer does not point backwards");
      }
      if (!jumped) {
        read.next = pos + 2;
        jumped = true;
      }
      pos = target;
      continue;
    }
    if ((length & 0xc0) != 0) {
      return makeError(Errc::kParse, "unknown label type");
    }
    if (size + length + 1 > 255) {
      return makeError(Errc::kParse, "name longer than 255 octets");
    }
    if (pos + 1 + length > wire.size()) {
      return makeError(Errc::kParse, "label runs past the end of the message");
    }
    if (out != nullptr) {
      (*out)[size] = length;
      for (std::size_t i = 0; i < length; ++i) {
        (*out)[size + 1 + i] = asciiLower(wire[pos + 1 + i]);
      }
    }
    size += length + 1;
    pos += length + 1;
    if (length == 0) {
      break;
    }
  }
  if (!jumped) {
    read.next = pos;
  }
  read.size = static_cast<std::uint8_t>(size);
  return read;
}

Status scanRecords(std::span<const std::uint8_t> wire,
                   std::size_t pos,
                   MessageInfo& info,
                   bool keep) {
  const std::size_t total = std::size_t{info.ancount} + info.nscount + info.arcount;
  if (total > kMaxRecords) {
    return makeError(Errc::kParse, fmt::format("{} records exceed the limit", total));
  }
  if (keep) {
    info.records.reserve(total);
  }
  for (std::size_t i = 0; i < total; ++i) {
    RecordInfo record;
    record.section = i < info.ancount                               ? SectionId::kAnswer
                     : i < std::size_t{info.ancount} + info.nscount ? SectionId::kAuthority
                                                                    : SectionId::kAdditional;
    record.start = static_cast<std::uint16_t>(pos);
    auto name = readName(wire, pos, nullptr);
    if (!name.ok()) {
      return name.error();
    }
    pos = name->next;
    if (pos + 10 > wire.size()) {
      return makeError(Errc::kParse, "record header runs past the end of the message");
    }
    record.type = readU16(wire, pos);
    record.rclass = readU16(wire, pos + 2);
    record.ttl_offset = static_cast<std::uint16_t>(pos + 4);
    record.ttl = readU32(wire, pos + 4);
    record.rdlength = readU16(wire, pos + 8);
    record.rdata_offset = static_cast<std::uint16_t>(pos + 10);
    pos += 10 + record.rdlength;
    if (pos > wire.size()) {
      return makeError(Errc::kParse, "record data runs past the end of the message");
    }
    record.end = static_cast<std::uint16_t>(pos);

    if (record.type == kTypeOpt) {
      if (record.section != SectionId::kAdditional || info.edns.present || name->size != 1) {
        return makeError(Errc::kParse, "misplaced or repeated OPT record");
      }
      info.edns.present = true;
      info.edns.payload = record.rclass;
      info.edns.extended_rcode = static_cast<std::uint8_t>(record.ttl >> 24);
      info.edns.version = static_cast<std::uint8_t>(record.ttl >> 16);
      info.edns.dnssec_ok = (record.ttl & 0x8000) != 0;
      info.opt_start = record.start;
    }
    if (keep) {
      info.records.push_back(record);
    }
  }
  return okStatus();
}

}  // namespace

Result<MessageInfo> scanMessage(std::span<const std::uint8_t> wire, ScanDepth depth) {
  if (wire.size() < kHeaderBytes) {
    return makeError(Errc::kParse, "message shorter than a header");
  }
  if (wire.size() > kMaxMessageBytes) {
    return makeError(Errc::kParse, "message longer than 65535 octets");
  }
  MessageInfo info;
  info.id = readU16(wire, 0);
  info.flags = readU16(wire, 2);
  info.qdcount = readU16(wire, 4);
  info.ancount = readU16(wire, 6);
  info.nscount = readU16(wire, 8);
  info.arcount = readU16(wire, 10);
  if (info.qdcount > 1) {
    return makeError(Errc::kParse, "more than one question");
  }

  std::size_t pos = kHeaderBytes;
  if (info.qdcount == 1) {
    auto name = readName(wire, pos, &info.qname);
    if (!name.ok()) {
      return name.error();
    }
    pos = name->next;
    if (pos + 4 > wire.size()) {
      return makeError(Errc::kParse, "question runs past the end of the message");
    }
    info.qname_size = name->size;
    info.qtype = readU16(wire, pos);
    info.qclass = readU16(wire, pos + 2);
    pos += 4;
  }
  info.question_end = static_cast<std::uint16_t>(pos);

  if (depth == ScanDepth::kQuestion) {
    return info;
  }
  if (auto s = scanRecords(wire, pos, info, depth == ScanDepth::kRecords); !s.ok()) {
    return s.error();
  }
  return info;
}

bool namesEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) {
      return false;
    }
  }
  return true;
}

std::string nameToText(std::span<const std::uint8_t> wire) {
  std::string text;
  std::size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    const std::size_t length = wire[pos];
    for (std::size_t i = 1; i <= length && pos + i < wire.size(); ++i) {
      const unsigned char c = wire[pos + i];
      if (c == '.' || c == '\\') {
        text += '\\';
        text += static_cast<char>(c);
      } else if (c > 0x20 && c < 0x7f) {
        text += static_cast<char>(c);
      } else {
        text += fmt::format("\\{:03}", c);
      }
    }
    text += '.';
    pos += length + 1;
  }
  return text.empty() ? "." : text;
}

}  // namespace holdfast::resolver
