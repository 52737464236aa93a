// `holdfast up` and `holdfast check-config`: wiring of store, publisher, server and control plane.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <memory>
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

// Blocks SIGINT and SIGTERM in this thread and every thread started after it, so that only
// waitForStopSignal() sees them.
sigset_t blockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int waitForStopSignal(const sigset_t& set) {
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

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
  const sigset_t stop_signals = blockStopSignals();

  // Everything that can be checked is checked before anything on disk changes.
  auto loaded = loadAndCheck(config_path);
  if (!loaded.ok()) {
    return fail(kExitConfig, loaded.error());
  }
  const config::Config& config = loaded->config;
  log::configure(config.log_level, config.log_format);

  auto store = openStore(config);
  if (!store.ok()) {
    return fail(kExitRuntime, store.error());
  }

  // The last published state is served from the first query on (no waiting for health checks).
  zone::SnapshotHolder holder;
  server::Publisher publisher(**store, std::move(loaded->zones), holder);
  if (auto first = publisher.publishOnce(); !first.ok()) {
    return fail(kExitRuntime, first.error());
  }

  server::SnapshotHandler handler(holder);
  server::ServerOptions options;
  options.listen = config.server.listen;
  options.threads = config.server.threads;
  auto server = server::Server::start(options, handler);
  if (!server.ok()) {
    return fail(kExitRuntime, server.error());
  }
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

  const int signal = waitForStopSignal(stop_signals);
  logger().info("stopping", {{"signal", signal}});
  control.stop();
  publisher.stop();
  (*server)->stop();
  logger().info("stopped");
  return kExitOk;
}

}  // namespace holdfast::cli
