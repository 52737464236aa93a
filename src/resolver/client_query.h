// ClientQuery: what the resolver keeps of a client's query to answer it later, after the
// receive buffer has been reused.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/result.h"
#include "resolver/message.h"

namespace holdfast::resolver {

// Our EDNS UDP payload size, offered to clients and upstreams alike: the 2020 DNS flag day value,
// small enough to avoid IP fragmentation on common paths (RFC 9715).
inline constexpr std::uint16_t kEdnsPayload = 1232;

// The largest UDP answer to a client without EDNS (RFC 1035 section 4.2.1).
inline constexpr std::size_t kPlainUdpBytes = 512;

// Bytes of an OPT record without options: root owner, type, class, TTL, RDLENGTH.
inline constexpr std::size_t kOptBytes = 11;

enum class ClientTransport {
  kUdp,
  kTcp,
};

// The parts of a client's query that its answer needs. Trivially copyable, no heap.
struct ClientQuery {
  std::uint16_t id = 0;
  std::uint8_t opcode = 0;
  bool recursion_desired = false;
  bool checking_disabled = false;

  // The question section exactly as the client sent it (name in the client's case, type,
  // class), copied into answers so the client sees its own spelling.
  std::array<std::uint8_t, 255 + 4> question{};
  std::uint16_t question_size = 0;

  bool edns = false;
  std::uint8_t edns_version = 0;
  bool dnssec_ok = false;

  // The largest answer this client can take on its transport: 512 without EDNS on UDP, its EDNS
  // size (between 512 and kEdnsPayload) with it, kMaxMessageBytes on TCP.
  std::size_t max_reply_bytes = kPlainUdpBytes;

  [[nodiscard]] std::span<const std::uint8_t> questionWire() const noexcept {
    return {question.data(), question_size};
  }
};

// Builds a ClientQuery from a scanned query. Returns kParse when there is no single question or
// the question name is compressed (a client never needs to, and answers copy it verbatim).
[[nodiscard]] Result<ClientQuery> makeClientQuery(std::span<const std::uint8_t> wire,
                                                  const MessageInfo& info,
                                                  ClientTransport transport);

}  // namespace holdfast::resolver
