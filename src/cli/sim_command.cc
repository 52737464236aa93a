// `holdfast sim`: sweeps seeds through the simulator, shrinks and saves a failure, replays files.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "common/clock.h"
#include "common/log.h"
#include "sim/report.h"
#include "sim/runner.h"
#include "sim/shrink.h"

namespace holdfast::cli {

namespace {

// Seeds and counts beyond this are typing mistakes (and would wrap around).
constexpr std::uint64_t kMaxSeeds = std::uint64_t{1} << 48;

int fail(int status, const std::string& message) {
  std::fprintf(stderr, "holdfast sim: %s\n", message.c_str());
  return status;
}

Result<std::string> readFile(const std::string& path) {
  std::stringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(path);
  if (!in) {
    return makeError(Errc::kIo, path + ": cannot open: " + std::strerror(errno));
  }
  buffer << in.rdbuf();
  return buffer.str();
}

// The violations judged after the last step (L1), which no step listener saw.
std::span<const sim::Violation> lateViolations(const sim::RunResult& run) {
  std::size_t first = run.violations.size();
  while (first > 0 && run.violations[first - 1].step >= run.steps) {
    --first;
  }
  return std::span<const sim::Violation>(run.violations).subspan(first);
}

// Replays `schedule` with a trace; the trace text goes to `text`.
sim::RunResult replayTraced(const sim::Schedule& schedule, std::string& text) {
  sim::TraceWriter trace;
  const sim::RunResult run = sim::replaySchedule(
      schedule,
      [&trace](const sim::Step& step, std::span<const sim::Commit> commits,
               std::span<const sim::Violation> found) { trace.onStep(step, commits, found); });
  trace.finish(lateViolations(run));
  text = trace.text();
  return run;
}

void printViolations(const sim::RunResult& run) {
  if (run.violations.empty()) {
    std::printf("no violation: every invariant held after every step, and it converged\n");
    return;
  }
  std::printf("%zu violation(s):\n", run.violations.size());
  for (const sim::Violation& violation : run.violations) {
    std::printf("  %s\n", sim::formatViolation(violation).c_str());
  }
}

int replay(const SimFlags& flags) {
  auto text = readFile(flags.replay);
  if (!text.ok()) {
    return fail(kExitConfig, text.error().message);
  }
  auto schedule = sim::parseSchedule(*text, flags.replay);
  if (!schedule.ok()) {
    return fail(kExitConfig, schedule.error().message);
  }
  std::string trace;
  const sim::RunResult run = replayTraced(*schedule, trace);
  std::printf("replaying %s: protocol %s, seed %llu, %zu scheduled steps\n\n%s\n",
              flags.replay.c_str(),
              std::string(sim::protocolName(schedule->options.protocol)).c_str(),
              static_cast<unsigned long long>(schedule->options.seed), schedule->steps.size(),
              trace.c_str());
  printViolations(run);
  return run.violations.empty() ? kExitOk : kExitViolations;
}

// Shrinks the schedule of the lowest failing seed, prints it with its trace and saves it.
void explainFailure(const sim::SimConfig& config, const SimFlags& flags, std::uint64_t seed) {
  sim::Schedule schedule;
  const sim::RunResult run = sim::simulateSeed(config, seed, &schedule);
  const sim::Violation* worst = sim::worstViolation(run.violations);
  if (worst == nullptr) {
    return;
  }
  std::printf("\nshrinking seed %llu (%zu steps) to the fewest that still break %s...\n",
              static_cast<unsigned long long>(seed), schedule.steps.size(),
              std::string(sim::propertyName(worst->property)).c_str());
  const sim::ShrinkResult shrunk = sim::shrinkSchedule(schedule, worst->property);

  std::string trace;
  (void)replayTraced(shrunk.schedule, trace);
  const std::string text = sim::formatSchedule(shrunk.schedule);
  std::printf(
      "\nVIOLATION %s\nseed %llu; shrunk schedule: %zu steps (from %zu, %d replays)\n\n"
      "%s\ntrace:\n%s",
      sim::formatViolation(shrunk.violation).c_str(), static_cast<unsigned long long>(seed),
      shrunk.schedule.steps.size(), schedule.steps.size(), shrunk.replays, text.c_str(),
      trace.c_str());

  const std::string path = !flags.save.empty()
                               ? flags.save
                               : fmt::format("holdfast-sim-{}-seed{}.schedule",
                                             sim::protocolName(config.protocol), seed);
  std::ofstream out(path);
  out << text;
  if (out.good()) {
    std::printf("\nsaved %s; replay it with: holdfast sim --replay %s\n", path.c_str(),
                path.c_str());
  } else {
    std::fprintf(stderr,
                 "holdfast sim: could not save the shrunk schedule to %s: %s (it is printed "
                 "above)\n",
                 path.c_str(), std::strerror(errno));
  }
}

void traceSeed(const sim::SimConfig& config, std::uint64_t seed) {
  sim::Schedule schedule;
  (void)sim::simulateSeed(config, seed, &schedule);
  std::string trace;
  const sim::RunResult run = replayTraced(schedule, trace);
  std::printf("%s\ntrace of seed %llu:\n%s\n", sim::formatSchedule(schedule).c_str(),
              static_cast<unsigned long long>(seed), trace.c_str());
  printViolations(run);
}

}  // namespace

CLI::App* addSimCommand(CLI::App& app, SimFlags& flags) {
  CLI::App* sim = app.add_subcommand(
      "sim", "deterministic simulation of the plan/enact protocol with fault injection");
  std::vector<CLI::Option*> world;
  world.push_back(sim->add_option("--protocol", flags.protocol,
                                  "holdfast (the real control classes) or naive "
                                  "(the October 2025 design)")
                      ->check(CLI::IsMember({"holdfast", "naive"})));
  world.push_back(sim->add_option("--seeds", flags.seeds, "number of schedules (one per seed)")
                      ->check(CLI::Range(std::uint64_t{1}, kMaxSeeds)));
  world.push_back(sim->add_option("--first-seed", flags.first_seed, "seed of the first schedule")
                      ->check(CLI::Range(std::uint64_t{0}, kMaxSeeds)));
  world.push_back(sim->add_option("-j,--jobs", flags.jobs, "threads")->check(CLI::Range(1, 256)));
  world.push_back(
      sim->add_option("--planners", flags.planners, "planners")->check(CLI::Range(1, 8)));
  world.push_back(
      sim->add_option("--enactors", flags.enactors, "enactors")->check(CLI::Range(1, 16)));
  world.push_back(sim->add_option("--endpoints", flags.endpoints, "managed endpoints")
                      ->check(CLI::Range(1, 8)));
  world.push_back(sim->add_option("--clients", flags.clients, "resolving clients with TTL caches")
                      ->check(CLI::Range(0, 64)));
  world.push_back(sim->add_option("--duration", flags.duration_seconds,
                                  "virtual seconds of faults per schedule")
                      ->check(CLI::Range(1.0, 86400.0)));
  world.push_back(
      sim->add_option("--bound", flags.bound_seconds,
                      "virtual seconds after faults stop within which every endpoint must converge "
                      "(L1)")
          ->check(CLI::Range(1.0, 86400.0)));
  world.push_back(sim->add_option("--stop-after", flags.stop_after,
                                  "stop after this many failing schedules (0: run every seed)")
                      ->check(CLI::Range(std::uint64_t{0}, kMaxSeeds)));
  CLI::Option* replay = sim->add_option(
      "--replay", flags.replay,
      "replay a saved schedule step by step ('-': stdin); the file says the world and seed");
  world.push_back(sim->add_option("--save", flags.save,
                                  "where to save the shrunk failing schedule (default: "
                                  "holdfast-sim-<protocol>-seed<N>.schedule)"));
  world.push_back(
      sim->add_flag("--trace", flags.trace, "print the whole trace of --first-seed and stop"));
  // A replay's world, seed and steps come from its file: a flag that would set them is refused
  // rather than silently ignored.
  for (CLI::Option* option : world) {
    replay->excludes(option);
  }
  sim->add_flag("-q,--quiet", flags.quiet, "no progress line");
  sim->add_option("--log-level", flags.log_level,
                  "log level of the control-plane code under test (default off)");
  return sim;
}

int runSim(const SimFlags& flags) {
  auto level = log::parseLevel(flags.log_level);
  if (!level.ok()) {
    return fail(kExitConfig, level.error().message);
  }
  log::configure(*level, log::Format::kText);
  // CLI11's range checks let NaN through (every comparison with it is false).
  if (!std::isfinite(flags.duration_seconds) || !std::isfinite(flags.bound_seconds)) {
    return fail(kExitConfig, "--duration and --bound must be numbers of seconds");
  }
  if (!flags.replay.empty()) {
    return replay(flags);
  }

  sim::SimConfig config;
  config.protocol = flags.protocol == "naive" ? sim::Protocol::kNaive : sim::Protocol::kHoldfast;
  config.planners = flags.planners;
  config.enactors = flags.enactors;
  config.endpoints = flags.endpoints;
  config.clients = flags.clients;
  config.chaos_ms = static_cast<std::int64_t>(flags.duration_seconds * 1000);
  config.recovery_bound_ms = static_cast<std::int64_t>(flags.bound_seconds * 1000);
  if (flags.trace) {
    traceSeed(config, flags.first_seed);
    return kExitOk;
  }

  sim::SweepOptions sweep;
  sweep.first_seed = flags.first_seed;
  sweep.seeds = flags.seeds;
  sweep.jobs = flags.jobs;
  sweep.stop_after = flags.stop_after;
  // Seeds done of the total and failing schedules so far, on one line of a terminal.
  const ProgressMode mode = flags.quiet ? ProgressMode::kOff : progressModeFor(false);
  ProgressLine line(stderr, mode, SystemClock::instance());
  if (mode == ProgressMode::kOn) {
    sweep.progress = [&line](const sim::Progress& p) {
      const double rate =
          p.elapsed_seconds > 0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0.0;
      const double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0.0;
      line.update(fmt::format("  {}/{} schedules, {} failing, {:.0f}/s, {:.0f}s, eta {:.0f}s",
                              p.done, p.total, p.failing, rate, p.elapsed_seconds, eta));
    };
  }
  const sim::Summary summary = sim::runSweep(config, sweep);
  line.finish();
  std::printf("%s", sim::formatSummary(config, sweep, summary).c_str());
  if (summary.worst) {
    explainFailure(config, flags, summary.worst->seed);
  }
  return summary.failing == 0 ? kExitOk : kExitViolations;
}

}  // namespace holdfast::cli
