// The stats query: "stats.holdfast." class CH type TXT answers the resolver's counters, one
// "key=value" string per record, to allowed clients (like the CHAOS "*.bind" names of peers).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "resolver/client_query.h"
#include "resolver/message.h"

namespace holdfast::resolver {

// Whether the scanned query asks for the stats.
[[nodiscard]] bool isStatsQuestion(const MessageInfo& info) noexcept;

// Writes one TXT record per line (each cut to 255 octets). Returns the length, 0 when `out` is
// too small; when the answer exceeds client.max_reply_bytes it is truncated (TC, no records).
[[nodiscard]] std::size_t writeStatsAnswer(const ClientQuery& client,
                                           const std::vector<std::string>& lines,
                                           std::span<std::uint8_t> out);

}  // namespace holdfast::resolver
