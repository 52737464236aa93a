// Reloading a running `holdfast up`: what may change without a restart, and in which order.
#include "cli/up_reload.h"

#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/up_endpoints.h"
#include "common/log.h"

namespace holdfast::cli {

namespace {

const log::Logger& logger() {
  static const log::Logger instance("cli.reload");
  return instance;
}

bool sameCheck(const control::HealthCheckConfig& a, const control::HealthCheckConfig& b) {
  return a.kind == b.kind && a.port == b.port && a.http_path == b.http_path &&
         a.interval == b.interval && a.timeout == b.timeout && a.rise == b.rise && a.fall == b.fall;
}

bool sameEndpoint(const control::EndpointConfig& a, const control::EndpointConfig& b) {
  if (a.name != b.name || a.zone != b.zone || a.rrtype != b.rrtype ||
      a.ttl_seconds != b.ttl_seconds || !sameCheck(a.check, b.check) || !(a.policy == b.policy) ||
      a.backends.size() != b.backends.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.backends.size(); ++i) {
    if (a.backends[i].address != b.backends[i].address) {
      return false;
    }
  }
  return true;
}

// True if the control plane must restart to run `next`: its endpoints or settings changed.
bool controlChanged(const config::Config& current, const config::Config& next) {
  const control::ControlOptions& a = current.control;
  const control::ControlOptions& b = next.control;
  if (a.enactors != b.enactors || a.keep_plans != b.keep_plans ||
      a.janitor_interval != b.janitor_interval || !(a.policy == b.policy) ||
      current.endpoints.size() != next.endpoints.size()) {
    return true;
  }
  for (std::size_t i = 0; i < current.endpoints.size(); ++i) {
    if (!sameEndpoint(current.endpoints[i], next.endpoints[i])) {
      return true;
    }
  }
  return false;
}

// Warns about every restart-only setting that differs and puts the running value back into
// `next`, so that the applied configuration says what really runs.
void keepRestartOnly(const config::Config& current, config::Config& next) {
  const auto warn = [](std::string_view field) {
    logger().warn("setting changed, but it takes a restart; the running value stays",
                  {{"config.field", std::string(field)}});
  };
  if (next.data_dir != current.data_dir) {
    warn("data_dir");
    next.data_dir = current.data_dir;
  }
  if (next.store.backend != current.store.backend) {
    warn("store.backend");
    next.store.backend = current.store.backend;
  }
  if (next.server.listen != current.server.listen) {
    warn("server.listen");
    next.server.listen = current.server.listen;
  }
  if (next.server.threads != current.server.threads) {
    warn("server.threads");
    next.server.threads = current.server.threads;
  }
}

std::unique_ptr<control::ControlPlane> makeControl(store::Store& store,
                                                   const config::Config& config) {
  return std::make_unique<control::ControlPlane>(store, config.endpoints, config.control);
}

// Restarts the control plane with `next`'s endpoints and publishes `sources`. Validation comes
// first, so that a configuration the control plane would refuse stops nothing. The old control
// plane stops before the publisher drops a removed endpoint, and the new one starts after the
// publisher knows an added one.
Status swapControl(UpState& state, const config::Config& next, server::PublisherSources sources) {
  if (auto s = control::validate(next.control); !s.ok()) {
    return makeError(Errc::kConfig,
                     fmt::format("{}: control.{}", next.source.string(), s.error().message));
  }
  if (auto s = control::validate(next.endpoints); !s.ok()) {
    return makeError(Errc::kConfig, fmt::format("{}: {}", next.source.string(), s.error().message));
  }

  state.control->stop();
  if (auto published = state.publisher->reconfigure(std::move(sources)); !published.ok()) {
    // The old sources are still in the publisher: run the old control plane again.
    state.control = makeControl(*state.store, state.config);
    if (auto s = state.control->start(); !s.ok()) {
      logger().error("control plane did not restart after a failed reload",
                     {{"error.message", s.error().message}});
    }
    return published.error();
  }
  state.control = makeControl(*state.store, next);
  return state.control->start();
}

}  // namespace

server::PublisherSources sourcesOf(Loaded& loaded) {
  server::PublisherSources sources;
  sources.zones = std::move(loaded.zones);
  for (const control::EndpointConfig& e : loaded.config.endpoints) {
    sources.endpoints.insert(e.name);
  }
  const config::ServerConfig& server = loaded.config.server;
  sources.identity = zone::ServerIdentity{server.nsid, server.identity, server.version};
  return sources;
}

Status reloadUp(UpState& state) {
  auto loaded = loadAndCheck(state.config_path, LogSetup::kKeep);
  if (!loaded.ok()) {
    return loaded.error();
  }
  auto stored = storedEndpoints(*state.store, loaded->config);
  if (!stored.ok()) {
    return stored.error();
  }
  if (auto s = addApiEndpoints(*loaded, *std::move(stored), OnClash::kSkip); !s.ok()) {
    return s;
  }
  keepRestartOnly(state.config, loaded->config);
  config::Config next = loaded->config;
  server::PublisherSources sources = sourcesOf(*loaded);
  const std::size_t zone_count = sources.zones.size();

  const bool restart_control = controlChanged(state.config, next);
  if (restart_control) {
    logger().info("endpoints or control settings changed; restarting the control plane",
                  {{"endpoint.count", next.endpoints.size()}});
    if (auto s = swapControl(state, next, std::move(sources)); !s.ok()) {
      return s;
    }
  } else if (auto published = state.publisher->reconfigure(std::move(sources)); !published.ok()) {
    return published.error();
  }

  log::configure(next.log_level, next.log_format);
  state.config = std::move(next);
  state.api_endpoints = std::move(loaded->api_endpoints);
  logger().info("configuration reloaded", {{"zone.count", zone_count},
                                           {"endpoint.count", state.config.endpoints.size()},
                                           {"control.restarted", restart_control}});
  return okStatus();
}

}  // namespace holdfast::cli
