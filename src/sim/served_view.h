// What the DNS server answers for an endpoint, read from the store, for either protocol.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/endpoint.h"
#include "control/records.h"
#include "sim/schedule.h"
#include "store/store.h"

namespace holdfast::sim {

struct ServedView {
  bool in_service = false;             // the endpoint has been published
  control::Generation generation = 0;  // the published (holdfast) or active (naive) one
  std::vector<std::string> addresses;  // what clients get; empty in service breaks S1
  std::uint32_t ttl = 0;
  // naive: the active generation its writer's newer-than check saw (S3)
  std::optional<control::Generation> checked_against;
  std::string detail;  // why nothing is served, for messages

  [[nodiscard]] bool sameAnswer(const ServedView& other) const {
    return in_service == other.in_service && addresses == other.addresses;
  }
};

// Limitation: the answer is read from the store at the moment of the lookup; the publisher's
// delay between a commit and the next snapshot is not modelled.
//
// holdfast: published/<e> alone, decoded as the publisher decodes it (S4: plans are never read).
// naive: naive/active/<e> names a plan, whose addresses are served; a missing or unreadable plan
// serves nothing, the NOERROR-with-no-answer of October 2025.
[[nodiscard]] ServedView readServed(Protocol protocol,
                                    store::Store& store,
                                    const control::EndpointConfig& endpoint);

// The key whose writes publish the endpoint: published/<e> or naive/active/<e>.
[[nodiscard]] std::string publishKey(Protocol protocol, const control::EndpointConfig& endpoint);

}  // namespace holdfast::sim
