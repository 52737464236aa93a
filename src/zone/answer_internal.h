// The parts of answerQuery that fill a response once header, question and EDNS are checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/arena.h"
#include "dns/query.h"
#include "dns/response.h"
#include "zone/answer.h"
#include "zone/snapshot.h"

namespace holdfast::zone {

// The fast path of answerQuery: a plain class IN query (no EDNS option, at most a bare OPT
// record) whose name and type have an answer precomputed in the snapshot, and whose reply fits
// the size limit, gets that answer with ID, RD, CD, the question and the OPT record patched in.
// Returns the length written, or 0 when the query is not one it answers; the caller then runs
// answerFull, which would write the same bytes for every query answered here. No allocation, no
// locks.
[[nodiscard]] std::size_t answerPrecomputed(const Snapshot& snapshot,
                                            std::span<const std::uint8_t> query,
                                            std::span<std::uint8_t> out,
                                            Transport transport) noexcept;

// answerQuery without the fast path: libknot parses the query and the answer algorithm writes
// the reply. Used to build the precomputed answers and by tests comparing both paths.
[[nodiscard]] std::size_t answerFull(const Snapshot& snapshot,
                                     std::span<const std::uint8_t> query,
                                     std::span<std::uint8_t> out,
                                     Transport transport,
                                     dns::Arena& arena) noexcept;

// Class IN: RFC 1034 section 4.3.2 over every zone of the snapshot, with referrals, wildcards
// (RFC 4592), CNAME and DNAME chains (RFC 6672), negative answers (RFC 2308) and additional
// section processing; ANY per RFC 8482 section 4.1.
void answerInternet(const Snapshot& snapshot,
                    const dns::Query& query,
                    Transport transport,
                    dns::Response& response) noexcept;

// Class CH: TXT for id.server., hostname.bind., version.server. and version.bind. when the
// snapshot has them; everything else REFUSED. Never authoritative.
void answerChaos(const Snapshot& snapshot,
                 const dns::Query& query,
                 dns::Response& response) noexcept;

}  // namespace holdfast::zone
