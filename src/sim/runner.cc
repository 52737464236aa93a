// Runner: seeds to worlds, sweeps over threads, replays.
#include "sim/runner.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace holdfast::sim {

namespace {

// Seeds a thread takes at a time: large enough to keep the shared counter cold.
constexpr std::uint64_t kSeedsPerClaim = 16;

// Limitation: schedules use over_budget: step only; hold waits for an operator's approval,
// which no simulated actor gives (the unit and system tests cover it).
control::EndpointPolicy drawPolicy(Rng& rng, int backends) {
  control::EndpointPolicy policy;
  const std::uint64_t budget = rng.below(4);
  if (budget == 1) {
    policy.max_remove = {control::ChangeBudget::Unit::kCount,
                         static_cast<std::uint32_t>(rng.between(1, backends))};
  } else if (budget == 2) {
    policy.max_remove = {control::ChangeBudget::Unit::kPercent,
                         static_cast<std::uint32_t>(rng.between(20, 60))};
  }
  policy.fail_open = rng.chance(0.9);
  policy.min_healthy = static_cast<std::uint32_t>(rng.between(1, std::min(2, backends)));
  policy.panic_percent = rng.chance(0.5) ? 0 : static_cast<std::uint32_t>(rng.between(30, 80));
  return policy;
}

RunResult finish(World& world, const Step& stop, std::uint64_t seed) {
  world.recover(stop);
  return RunResult{seed, world.stepsExecuted(), world.now(), world.checker().violations(),
                   world.clientStats()};
}

// Orders failures for the report: the more severe property first, then the lower seed.
bool moreSevere(const Violation& violation, std::uint64_t seed, const Failure& than) {
  const int a = severity(violation.property);
  const int b = severity(than.violation.property);
  return a != b ? a < b : seed < than.seed;
}

void add(Summary& total, const RunResult& run) {
  ++total.schedules;
  total.steps += run.steps;
  total.client_answers += run.clients.answers + run.clients.cached;
  total.empty_answers += run.clients.empty_answers;
  total.clients_saw_empty += run.clients.clients_saw_empty;
  if (run.violations.empty()) {
    return;
  }
  ++total.failing;
  std::array<bool, kPropertyCount> seen{};
  for (const Violation& violation : run.violations) {
    seen[static_cast<std::size_t>(violation.property)] = true;
  }
  for (std::size_t p = 0; p < kPropertyCount; ++p) {
    total.by_property[p] += seen[p] ? 1 : 0;
  }
}

}  // namespace

WorldOptions optionsFor(const SimConfig& config, std::uint64_t seed, Rng& rng) {
  WorldOptions o;
  o.protocol = config.protocol;
  o.seed = seed;
  o.planners = config.planners;
  o.enactors = config.enactors;
  o.endpoints = config.endpoints;
  o.clients = config.clients;
  o.backends = static_cast<int>(rng.between(2, 6));
  o.keep_plans = static_cast<int>(rng.between(1, 4));
  o.rise = static_cast<int>(rng.between(1, 2));
  o.fall = static_cast<int>(rng.between(1, 2));
  o.ttl_seconds = static_cast<std::uint32_t>(rng.between(1, 30));
  o.negative_ttl_ms = rng.between(5000, 60000);
  o.recovery_bound_ms = config.recovery_bound_ms;
  if (config.protocol == Protocol::kHoldfast) {
    o.policy = drawPolicy(rng, o.backends);
  }
  return o;
}

RunResult simulateSeed(const SimConfig& config, std::uint64_t seed, Schedule* schedule) {
  Rng rng(seed);
  World world(optionsFor(config, seed, rng));
  const FaultRates rates = drawRates(rng, config.protocol);
  GeneratorOptions generator_options;
  generator_options.chaos_ms = config.chaos_ms;
  Generator generator(world, rng, rates, generator_options);
  std::vector<Step> steps;
  generator.run(steps);
  RunResult result = finish(world, steps.back(), seed);
  if (schedule != nullptr) {
    schedule->options = world.options();
    schedule->steps = std::move(steps);
  }
  return result;
}

RunResult replaySchedule(const Schedule& schedule,
                         const StepListener& listener,
                         std::optional<Property> stop_on) {
  World world(schedule.options);
  world.setListener(listener);
  auto result = [&world, &schedule] {
    return RunResult{schedule.options.seed, world.stepsExecuted(), world.now(),
                     world.checker().violations(), world.clientStats()};
  };
  for (Step step : schedule.steps) {
    (void)world.execute(step, nullptr);
    if (stop_on && world.broken(*stop_on)) {
      return result();
    }
  }
  if (stop_on) {
    world.stopRecoveryOn(*stop_on);
  }
  world.recover(schedule.steps.back());
  return result();
}

const Violation* worstViolation(const std::vector<Violation>& violations) {
  const Violation* worst = nullptr;
  for (const Violation& violation : violations) {
    if (worst == nullptr || severity(violation.property) < severity(worst->property)) {
      worst = &violation;
    }
  }
  return worst;
}

namespace {

// One sweep over threads: each claims seeds in blocks, sums its share locally and merges it
// under the lock when done.
class Sweep {
public:
  Sweep(const SimConfig& config, const SweepOptions& options)
      : config_(config), options_(options), started_(std::chrono::steady_clock::now()) {}

  // One thread's share of the seeds.
  void work() {
    Summary share;
    while (!stopping()) {
      const std::uint64_t begin = next_.fetch_add(kSeedsPerClaim);
      if (begin >= options_.seeds) {
        break;
      }
      const std::uint64_t end = std::min(begin + kSeedsPerClaim, options_.seeds);
      for (std::uint64_t i = begin; i < end && !stopping(); ++i) {
        const std::uint64_t seed = options_.first_seed + i;
        record(seed, simulateSeed(config_, seed), share);
      }
    }
    merge(share);
  }

  // Calls the progress callback about five times a second until finish().
  void report(const std::atomic<bool>& finished) const {
    while (!finished.load()) {
      options_.progress(progress());
      for (int i = 0; i < 20 && !finished.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }

  [[nodiscard]] Progress progress() const {
    return Progress{done_.load(), options_.seeds, failing_.load(), elapsed()};
  }

  Summary finish() {
    const std::lock_guard lock(mu_);
    total_.elapsed_seconds = elapsed();
    return total_;
  }

private:
  [[nodiscard]] double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

  [[nodiscard]] bool stopping() const {
    return options_.stop_after > 0 && failing_.load() >= options_.stop_after;
  }

  void record(std::uint64_t seed, const RunResult& run, Summary& share) {
    add(share, run);
    done_.fetch_add(1);
    if (run.violations.empty()) {
      return;
    }
    failing_.fetch_add(1);
    if (share.first_found_seconds < 0) {
      share.first_found_seconds = elapsed();
    }
    if (!share.first || seed < share.first->seed) {
      share.first = Failure{seed, run.violations.front()};
    }
    const Violation& bad = *worstViolation(run.violations);
    if (!share.worst || moreSevere(bad, seed, *share.worst)) {
      share.worst = Failure{seed, bad};
    }
  }

  void merge(const Summary& part) {
    const std::lock_guard lock(mu_);
    total_.schedules += part.schedules;
    total_.steps += part.steps;
    total_.failing += part.failing;
    for (std::size_t p = 0; p < kPropertyCount; ++p) {
      total_.by_property[p] += part.by_property[p];
    }
    total_.client_answers += part.client_answers;
    total_.empty_answers += part.empty_answers;
    total_.clients_saw_empty += part.clients_saw_empty;
    if (part.first_found_seconds >= 0 &&
        (total_.first_found_seconds < 0 || part.first_found_seconds < total_.first_found_seconds)) {
      total_.first_found_seconds = part.first_found_seconds;
    }
    if (part.first && (!total_.first || part.first->seed < total_.first->seed)) {
      total_.first = part.first;
    }
    if (part.worst &&
        (!total_.worst || moreSevere(part.worst->violation, part.worst->seed, *total_.worst))) {
      total_.worst = part.worst;
    }
  }

  const SimConfig& config_;
  const SweepOptions& options_;
  const std::chrono::steady_clock::time_point started_;
  std::atomic<std::uint64_t> next_{0};
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> failing_{0};
  std::mutex mu_;
  Summary total_;  // guarded by mu_
};

}  // namespace

Summary runSweep(const SimConfig& config, const SweepOptions& options) {
  Sweep sweep(config, options);
  std::atomic<bool> finished{false};
  std::jthread reporter;
  if (options.progress) {
    reporter = std::jthread([&] { sweep.report(finished); });
  }
  {
    std::vector<std::jthread> threads;
    for (int j = 1; j < options.jobs; ++j) {
      threads.emplace_back([&] { sweep.work(); });
    }
    sweep.work();
  }
  finished.store(true);
  if (reporter.joinable()) {
    reporter.join();
    options.progress(sweep.progress());
  }
  return sweep.finish();
}

}  // namespace holdfast::sim
