// `holdfast probe`: asks names of resolvers as a client would, and alerts (log and webhooks)
// when an answer breaks its check's expectations.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/log.h"
#include "config/probe_config.h"
#include "control/prober.h"
#include "probe/address_checks.h"
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

// Asks every resolver of `check` once; returns the addresses of every answer, first seen first,
// and whether any resolver gave a usable answer (NOERROR or NXDOMAIN: a timeout, SERVFAIL or
// REFUSED says nothing about which addresses the name has).
std::pair<std::vector<std::string>, bool> askResolvers(const probe::ProbeOptions& options,
                                                       const probe::ProbeCheck& check,
                                                       probe::ProbeRules& rules) {
  std::vector<std::string> addresses;
  bool answered = false;
  for (const probe::ResolverTarget& resolver : check.resolvers) {
    const probe::Observation seen =
        probe::askResolver(resolver, check.name, check.rrtype, options.timeout);
    logger().debug("probe answer",
                   {{"query.name", check.name},
                    {"upstream.address", resolver.text},
                    {"probe.answered", seen.answered},
                    {"probe.rcode", seen.rcode},
                    {"probe.addresses", seen.addresses.size()},
                    {"duration.ms",
                     std::chrono::duration_cast<std::chrono::milliseconds>(seen.latency).count()}});
    rules.observe(check, resolver, seen, std::chrono::steady_clock::now());
    answered = answered || (seen.answered && (seen.rcode == 0 || seen.rcode == 3));
    for (const std::string& address : seen.addresses) {
      if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
        addresses.push_back(address);
      }
    }
  }
  return {std::move(addresses), answered};
}

// Connects to what `check` resolved to, all addresses at once, within the connect timeout.
void connectAddresses(const probe::ProbeCheck& check,
                      const std::vector<std::string>& addresses,
                      control::Prober& prober,
                      probe::ProbeRules& rules) {
  // Limitation: only the first max_addresses addresses are connected to; the rest are not
  // judged that round (a debug line says how many were left out).
  if (addresses.size() > check.connect->max_addresses) {
    logger().debug("probe addresses left out",
                   {{"query.name", check.name},
                    {"probe.addresses", addresses.size()},
                    {"probe.max_addresses", check.connect->max_addresses}});
  }
  const std::vector<probe::AddressResult> results =
      probe::probeAddresses(*check.connect, addresses, prober);
  for (const probe::AddressResult& result : results) {
    logger().debug("probe connect", {{"query.name", check.name},
                                     {"peer.address", result.target},
                                     {"probe.reachable", result.reachable},
                                     {"probe.reason", result.reason}});
  }
  rules.observeConnects(check, results, std::chrono::steady_clock::now());
}

void runRound(const probe::ProbeOptions& options,
              control::Prober& prober,
              probe::ProbeRules& rules) {
  for (const probe::ProbeCheck& check : options.checks) {
    const auto [addresses, answered] = askResolvers(options, check, rules);
    // Without a usable answer nothing is known of the addresses: their conditions keep their
    // state.
    if (check.connect && answered) {
      connectAddresses(check, addresses, prober, rules);
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
  control::SocketProber prober;
  std::size_t pairs = 0;
  for (const probe::ProbeCheck& check : options.checks) {
    pairs += check.resolvers.size();
  }
  logger().info("probe started", {{"probe.checks", options.checks.size()},
                                  {"probe.queries_per_round", pairs},
                                  {"probe.webhooks", options.webhooks.size()}});

  for (std::uint64_t round = 1;; ++round) {
    const auto started = std::chrono::steady_clock::now();
    runRound(options, prober, rules);
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
