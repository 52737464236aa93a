// `holdfast up` and `holdfast check-config`: wiring of store, publisher, server and control plane.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/startup.h"
#include "common/log.h"
#include "control/control_plane.h"
#include "server/publisher.h"
#include "server/server.h"
#include "server/snapshot_handler.h"
#include "store/memory_store.h"
#include "store/sqlite_store.h"
#include "zone/snapshot_holder.h"

namespace holdfast::cli {

namespace {

const log::Logger& logger() {
  static const log::Logger instance("cli");
  return instance;
}

// Startup errors go to stderr as one plain line: the operator reads them on a terminal.
int fail(int status, const Error& error) {
  std::fprintf(stderr, "holdfast: %s\n", error.message.c_str());
  return status;
}

Result<std::unique_ptr<store::Store>> openStore(const config::Config& config) {
  if (config.store.backend == "memory") {
    return std::unique_ptr<store::Store>(std::make_unique<store::MemoryStore>());
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return makeError(Errc::kIo,
                     fmt::format("data_dir {}: {}", config.data_dir.string(), ec.message()));
  }
  auto opened = store::SqliteStore::open(config.data_dir / "holdfast.db");
  if (!opened.ok()) {
    return opened.error();
  }
  return std::unique_ptr<store::Store>(std::move(opened).value());
}

// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread started after it, so that
// only waitForStopSignal() sees them.
sigset_t blockSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Waits for SIGINT or SIGTERM. SIGHUP (sent by habit, or by logrotate) must not kill the
// server, so it is logged and otherwise ignored.
int waitForStopSignal(const sigset_t& set) {
  for (;;) {
    int signal = 0;
    sigwait(&set, &signal);
    if (signal != SIGHUP) {
      return signal;
    }
    // Limitation: `up` does not reload; configuration and zone changes need a restart.
    logger().warn("SIGHUP ignored: up does not reload; restart it to apply changes");
  }
}

// Drops every query until open(): the sockets are bound before the store is opened, and
// nothing may be answered before the last published state is loaded.
class GatedHandler final : public server::QueryHandler {
public:
  explicit GatedHandler(server::QueryHandler& inner) : inner_(inner) {}

  void open() noexcept { open_.store(true, std::memory_order_release); }

  std::size_t handle(std::span<const std::uint8_t> query,
                     std::span<std::uint8_t> response,
                     server::Transport transport) noexcept override {
    if (!open_.load(std::memory_order_acquire)) {
      return 0;
    }
    return inner_.handle(query, response, transport);
  }

private:
  server::QueryHandler& inner_;
  std::atomic<bool> open_{false};
};

}  // namespace

int runCheckConfig(const std::string& config_path) {
  auto loaded = loadAndCheck(config_path);
  if (!loaded.ok()) {
    return fail(kExitConfig, loaded.error());
  }
  std::printf("%s: OK (%zu zones, %zu endpoints)\n", config_path.c_str(), loaded->zones.size(),
              loaded->config.endpoints.size());
  return kExitOk;
}

int runUp(const std::string& config_path) {
  const sigset_t signals = blockSignals();

  // Everything that can be checked is checked before anything on disk changes: configuration,
  // zone files, then the sockets (a port in use must not leave a new data directory behind).
  auto loaded = loadAndCheck(config_path);
  if (!loaded.ok()) {
    return fail(kExitConfig, loaded.error());
  }
  const config::Config& config = loaded->config;

  zone::SnapshotHolder holder;
  server::SnapshotHandler snapshot_handler(holder);
  GatedHandler handler(snapshot_handler);
  server::ServerOptions options;
  options.listen = config.server.listen;
  options.threads = config.server.threads;
  auto server = server::Server::start(options, handler);
  if (!server.ok()) {
    return fail(kExitRuntime, server.error());
  }

  auto store = openStore(config);
  if (!store.ok()) {
    return fail(kExitRuntime, store.error());
  }

  // The last published state is served from the first answer on (no waiting for health
  // checks): queries that arrive before it is loaded get no answer and are retried.
  std::set<std::string> endpoint_names;
  for (const control::EndpointConfig& e : config.endpoints) {
    endpoint_names.insert(e.name);
  }
  server::Publisher publisher(**store, std::move(loaded->zones), std::move(endpoint_names), holder);
  if (auto first = publisher.publishOnce(); !first.ok()) {
    return fail(kExitRuntime, first.error());
  }
  handler.open();
  for (const auto& endpoint : (*server)->udpEndpoints()) {
    const std::string address =
        endpoint.address().is_v6()
            ? fmt::format("[{}]:{}", endpoint.address().to_string(), endpoint.port())
            : fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
    logger().info("server listening",
                  {{"listen.address", address}, {"listen.transport", "udp+tcp"}});
  }

  control::ControlPlane control(**store, config.endpoints, config.control);
  if (auto s = control.start(); !s.ok()) {
    (*server)->stop();
    return fail(kExitConfig, s.error());
  }
  publisher.start();
  logger().info("holdfast up",
                {{"endpoint.count", config.endpoints.size()}, {"zone.count", config.zones.size()}});

  const int signal = waitForStopSignal(signals);
  logger().info("stopping", {{"signal", signal}});
  control.stop();
  publisher.stop();
  (*server)->stop();
  logger().info("stopped");
  return kExitOk;
}

}  // namespace holdfast::cli
