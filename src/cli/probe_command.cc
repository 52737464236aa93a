// `holdfast probe`: asks names of resolvers as a client would, and alerts (log and webhooks)
// when an answer breaks its check's expectations.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/log.h"
#include "config/probe_config.h"
#include "probe/dns_query.h"
#include "probe/probe_rules.h"
#include "probe/webhook.h"

namespace holdfast::cli {

namespace {

const log::Logger& logger() {
  static const log::Logger instance("probe");
  return instance;
}

// Waits up to `delay` for SIGINT or SIGTERM (blocked in every thread); true when one came.
bool waitForStop(const sigset_t& set, std::chrono::milliseconds delay) {
  if (delay.count() <= 0) {
    delay = std::chrono::milliseconds(1);
  }
  const timespec timeout{static_cast<time_t>(delay.count() / 1000),
                         static_cast<long>((delay.count() % 1000) * 1000000)};
  return sigtimedwait(&set, nullptr, &timeout) > 0;
}

void runRound(const probe::ProbeOptions& options, probe::ProbeRules& rules) {
  for (const probe::ProbeCheck& check : options.checks) {
    for (const probe::ResolverTarget& resolver : check.resolvers) {
      const probe::Observation seen =
          probe::askResolver(resolver, check.name, check.rrtype, options.timeout);
      logger().debug(
          "probe answer",
          {{"query.name", check.name},
           {"upstream.address", resolver.text},
           {"probe.answered", seen.answered},
           {"probe.rcode", seen.rcode},
           {"probe.addresses", seen.addresses.size()},
           {"duration.ms",
            std::chrono::duration_cast<std::chrono::milliseconds>(seen.latency).count()}});
      rules.observe(check, resolver, seen, std::chrono::steady_clock::now());
    }
  }
}

}  // namespace

CLI::App* addProbeCommand(CLI::App& app, ProbeFlags& flags) {
  CLI::App* command = app.add_subcommand(
      "probe", "watch names through resolvers as a client would; alert when answers go wrong");
  command->add_option("-c,--config", flags.config_path, "probe configuration (YAML)")->required();
  command->add_option("--rounds", flags.rounds,
                      "stop after this many rounds (0: run until stopped)");
  return command;
}

int runProbe(const ProbeFlags& flags) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto loaded = config::loadProbeConfig(flags.config_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", loaded.error().message.c_str());
    return kExitConfig;
  }
  log::configure(loaded->log_level, loaded->log_format);
  const probe::ProbeOptions& options = loaded->options;

  probe::WebhookOptions webhook;
  webhook.urls = options.webhooks;
  webhook.source = options.source;
  probe::WebhookSender sender(webhook);
  probe::AlertTracker alerts(options.webhooks.empty() ? nullptr : &sender);
  probe::ProbeRules rules(options.for_duration, alerts);
  std::size_t pairs = 0;
  for (const probe::ProbeCheck& check : options.checks) {
    pairs += check.resolvers.size();
  }
  logger().info("probe started", {{"probe.checks", options.checks.size()},
                                  {"probe.queries_per_round", pairs},
                                  {"probe.webhooks", options.webhooks.size()}});

  for (std::uint64_t round = 1;; ++round) {
    const auto started = std::chrono::steady_clock::now();
    runRound(options, rules);
    if (flags.rounds != 0 && round >= flags.rounds) {
      break;
    }
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (waitForStop(set, options.interval - spent)) {
      break;
    }
  }
  logger().info("probe stopped");
  sender.stop();
  return kExitOk;
}

}  // namespace holdfast::cli
