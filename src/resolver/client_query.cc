// Extracting what an answer needs from a client's query.
#include "resolver/client_query.h"

#include <algorithm>
#include <cstring>

namespace holdfast::resolver {

Result<ClientQuery> makeClientQuery(std::span<const std::uint8_t> wire,
                                    const MessageInfo& info,
                                    ClientTransport transport) {
  if (info.qdcount != 1) {
    return makeError(Errc::kParse, "a query needs exactly one question");
  }
  const std::size_t question_size = info.question_end - kHeaderBytes;
  if (question_size != std::size_t{info.qname_size} + 4) {
    return makeError(Errc::kParse, "compressed question name");
  }
  ClientQuery client;
  client.id = info.id;
  client.opcode = info.opcode();
  client.recursion_desired = info.recursionDesired();
  client.checking_disabled = info.checkingDisabled();
  std::memcpy(client.question.data(), wire.data() + kHeaderBytes, question_size);
  client.question_size = static_cast<std::uint16_t>(question_size);
  client.edns = info.edns.present;
  client.edns_version = info.edns.version;
  client.dnssec_ok = info.edns.dnssec_ok;
  if (transport == ClientTransport::kTcp) {
    client.max_reply_bytes = kMaxMessageBytes;
  } else if (client.edns) {
    // RFC 6891 section 6.2.5: sizes below 512 are treated as 512.
    client.max_reply_bytes =
        std::clamp<std::size_t>(info.edns.payload, kPlainUdpBytes, kEdnsPayload);
  } else {
    client.max_reply_bytes = kPlainUdpBytes;
  }
  return client;
}

}  // namespace holdfast::resolver
