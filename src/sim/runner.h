// Runner: one schedule from a seed, many seeds in parallel, and replays of saved schedules.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "sim/checker.h"
#include "sim/generator.h"
#include "sim/schedule.h"
#include "sim/world.h"

namespace holdfast::sim {

// What the command line fixes; everything else about a run is drawn from its seed.
struct SimConfig {
  Protocol protocol = Protocol::kHoldfast;
  int planners = 1;
  int enactors = 3;
  int endpoints = 1;
  int clients = 3;
  std::int64_t chaos_ms = 60000;           // faults stop after this much virtual time
  std::int64_t recovery_bound_ms = 30000;  // L1 bound after faults stop
};

// The outcome of one schedule.
struct RunResult {
  std::uint64_t seed = 0;
  std::size_t steps = 0;
  std::int64_t virtual_ms = 0;  // virtual time at the end
  std::vector<Violation> violations;
  ClientStats clients;
};

// The world options of `seed`: sizes from `config`, the rest (backends, retention, hysteresis,
// TTLs, the blast-radius policy) drawn from `rng`.
[[nodiscard]] WorldOptions optionsFor(const SimConfig& config, std::uint64_t seed, Rng& rng);

// Generates and runs the schedule of `seed`, then the recovery phase. With `schedule`, the
// chaos steps are kept there for shrinking and replay.
[[nodiscard]] RunResult simulateSeed(const SimConfig& config,
                                     std::uint64_t seed,
                                     Schedule* schedule = nullptr);

// Runs the steps of `schedule` exactly as written, then the recovery phase. `listener` sees
// every step, recovery included. With `stop_on`, the replay ends as soon as that property is
// broken (the rest of the run is not needed to know it fails).
[[nodiscard]] RunResult replaySchedule(const Schedule& schedule,
                                       const StepListener& listener = {},
                                       std::optional<Property> stop_on = std::nullopt);

// The most severe violation of a run (ties: the earliest).
[[nodiscard]] const Violation* worstViolation(const std::vector<Violation>& violations);

// A failing schedule and the violation that stands for it.
struct Failure {
  std::uint64_t seed = 0;
  Violation violation;
};

struct Summary {
  std::uint64_t schedules = 0;
  std::uint64_t steps = 0;
  std::uint64_t failing = 0;                                // schedules with at least one violation
  std::array<std::uint64_t, kPropertyCount> by_property{};  // schedules breaking each property
  std::uint64_t client_answers = 0;
  std::uint64_t empty_answers = 0;
  std::uint64_t clients_saw_empty = 0;
  std::optional<Failure> first;     // the lowest failing seed, with its earliest violation
  std::optional<Failure> worst;     // the lowest seed with the most severe violation found
  double first_found_seconds = -1;  // wall time until any thread found a failure; -1: none
  double elapsed_seconds = 0;
};

struct Progress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::uint64_t failing = 0;
  double elapsed_seconds = 0;
};

struct SweepOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 1000;
  int jobs = 1;
  std::uint64_t stop_after = 0;  // stop after this many failing schedules; 0: run every seed
  std::function<void(const Progress&)> progress;  // called about 5 times a second, if set
};

// Runs seeds first_seed .. first_seed + seeds - 1 on `jobs` threads. The totals do not depend
// on the number of threads (with stop_after 0).
[[nodiscard]] Summary runSweep(const SimConfig& config, const SweepOptions& options);

}  // namespace holdfast::sim
