// Finding the plan an enactor should publish: the newest plan that is valid for the endpoint.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "control/endpoint.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

// A plan is usable for `endpoint` only if it decodes (which checks S1: at least one valid
// address), names the endpoint and its rrtype, and carries the generation of its key.
// Errors: kParse, naming what is wrong.
[[nodiscard]] Result<Plan> usablePlan(std::string_view value,
                                      Generation key_generation,
                                      const EndpointConfig& endpoint);

// Called for each plan skipped because it is unusable: its generation and why.
using SkippedPlan = std::function<void(Generation, const Error&)>;

// The plan named by plans/<e>/latest if it is usable; otherwise (pointer missing, unreadable,
// or naming a missing or unusable plan) the newest usable plan under plans/<e>/ (L1). nullopt
// if there is none. Errors: store failures only.
[[nodiscard]] Result<std::optional<Plan>> findNewestValidPlan(store::Store& store,
                                                              const EndpointConfig& endpoint,
                                                              const SkippedPlan& on_skip = {});

}  // namespace holdfast::control
