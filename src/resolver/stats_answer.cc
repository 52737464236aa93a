// Writing the stats TXT answer.
#include "resolver/stats_answer.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "resolver/reply.h"

namespace holdfast::resolver {

namespace {

constexpr std::array<std::uint8_t, 16> kStatsName = {5,   's', 't', 'a', 't', 's', 8,   'h',
                                                     'o', 'l', 'd', 'f', 'a', 's', 't', 0};

// Owner (pointer to the question), type, class, TTL, RDLENGTH.
constexpr std::size_t kTxtHeaderBytes = 2 + 2 + 2 + 4 + 2;

}  // namespace

bool isStatsQuestion(const MessageInfo& info) noexcept {
  return info.qclass == kClassCh && info.qtype == kTypeTxt &&
         std::equal(kStatsName.begin(), kStatsName.end(), info.qname.begin(),
                    info.qname.begin() + info.qname_size);
}

std::size_t writeStatsAnswer(const ClientQuery& client,
                             const std::vector<std::string>& lines,
                             std::span<std::uint8_t> out) {
  std::size_t size = kHeaderBytes + client.question_size + (client.edns ? kOptBytes : 0);
  for (const std::string& line : lines) {
    size += kTxtHeaderBytes + 1 + std::min<std::size_t>(line.size(), 255);
  }
  if (size > client.max_reply_bytes || lines.size() > 0xffff) {
    std::size_t length = writeErrorReply(client, kRcodeNoError, out);
    if (length > 0) {
      out[2] |= 0x02;  // TC
    }
    return length;
  }
  if (size > out.size()) {
    return 0;
  }

  // Header and question as for any reply, then the records before the OPT record.
  std::size_t at = writeErrorReply(client, kRcodeNoError, out) - (client.edns ? kOptBytes : 0);
  writeU16(out, 6, static_cast<std::uint16_t>(lines.size()));
  for (const std::string& line : lines) {
    const std::size_t n = std::min<std::size_t>(line.size(), 255);
    writeU16(out, at, 0xc000 | kHeaderBytes);
    writeU16(out, at + 2, kTypeTxt);
    writeU16(out, at + 4, kClassCh);
    writeU32(out, at + 6, 0);
    writeU16(out, at + 10, static_cast<std::uint16_t>(n + 1));
    out[at + 12] = static_cast<std::uint8_t>(n);
    std::memcpy(out.data() + at + 13, line.data(), n);
    at += kTxtHeaderBytes + 1 + n;
  }
  if (client.edns) {
    // Re-write the OPT record after the answers.
    out[at] = 0;
    writeU16(out, at + 1, kTypeOpt);
    writeU16(out, at + 3, kEdnsPayload);
    writeU32(out, at + 5, client.dnssec_ok ? 0x8000u : 0u);
    writeU16(out, at + 9, 0);
    at += kOptBytes;
  }
  return at;
}

}  // namespace holdfast::resolver
