// One DNS question over UDP, as a client would ask it, with the time the answer took.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "probe/probe_options.h"

namespace holdfast::probe {

struct Observation {
  bool answered = false;  // false: timeout or network error (`error` says which)
  std::uint16_t rcode = 0;
  std::vector<std::string> addresses;  // A or AAAA of the question's type, as text
  std::chrono::microseconds latency{0};
  std::string error;
};

// The query message (RD set, no EDNS) for `name` and `rrtype`, with `id`.
// Errors: kInvalidArgument for a name that is not a valid domain name.
[[nodiscard]] Result<std::vector<std::uint8_t>> buildQuery(const std::string& name,
                                                           std::uint16_t rrtype,
                                                           std::uint16_t id);

// Reads the addresses and rcode of `response` to the query with `id`. Errors: kParse for a
// malformed message or one that does not answer that query.
[[nodiscard]] Result<Observation> readAnswer(std::span<const std::uint8_t> response,
                                             std::uint16_t id,
                                             std::uint16_t rrtype);

// Sends one query to `resolver` and waits up to `timeout` for the matching answer (answers
// with another id or from another address are ignored). Never throws; a timeout or socket
// error is an Observation with answered = false.
[[nodiscard]] Observation askResolver(const ResolverTarget& resolver,
                                      const std::string& name,
                                      std::uint16_t rrtype,
                                      std::chrono::milliseconds timeout);

}  // namespace holdfast::probe
