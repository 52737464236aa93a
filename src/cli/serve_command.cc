// `holdfast serve`: zone files straight from the command line, served until a stop signal, with
// SIGHUP reloading them.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "common/cores.h"
#include "common/log.h"
#include "server/server.h"
#include "server/snapshot_handler.h"
#include "zone/file_loader.h"
#include "zone/snapshot_holder.h"

namespace holdfast::cli {

namespace {

const log::Logger& logger() {
  static const log::Logger instance("cli.serve");
  return instance;
}

std::vector<std::filesystem::path> zoneFiles(const ServeOptions& options) {
  return {options.zone_files.begin(), options.zone_files.end()};
}

zone::ServerIdentity identityOf(const ServeOptions& options) {
  return {options.nsid, options.identity, options.version};
}

void logZones(const zone::LoadedSnapshot& loaded) {
  for (const zone::LoadedZone& zone : loaded.zones) {
    logger().info("zone loaded", {{"zone.name", zone.origin.toText()},
                                  {"zone.serial", zone.serial},
                                  {"zone.rrsets", zone.rrsets},
                                  {"file.name", zone.file.string()}});
  }
}

// Blocks the signals serve waits for in this thread and every thread started after it, so that
// only the sigwait loop sees them.
sigset_t blockServeSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Re-reads every zone file. Queries go on from the current snapshot meanwhile; a failure keeps
// it and says why, naming file and line.
void reload(const ServeOptions& options, zone::SnapshotHolder& holder) {
  auto loaded = zone::loadZoneFiles(zoneFiles(options), identityOf(options));
  if (!loaded.ok()) {
    logger().error(
        "zone reload failed; still serving the previous zones",
        {{"error.code", errcName(loaded.error().code)}, {"error.message", loaded.error().message}});
    return;
  }
  holder.store(loaded->snapshot);
  logZones(*loaded);
  logger().info("zones reloaded", {{"zone.count", loaded->zones.size()}});
}

std::string endpointText(const asio::ip::udp::endpoint& endpoint) {
  return endpoint.address().is_v6()
             ? fmt::format("[{}]:{}", endpoint.address().to_string(), endpoint.port())
             : fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

}  // namespace

CLI::App* addServeCommand(CLI::App& app, ServeOptions& options) {
  CLI::App* serve = app.add_subcommand(
      "serve", "serve zone files authoritatively, without a configuration or store");
  serve->add_option("-l,--listen", options.listen, "address:port to serve on (UDP and TCP)")
      ->required();
  serve
      ->add_option("-z,--zone", options.zone_files,
                   "zone file; its origin is its $ORIGIN or SOA owner (repeatable)")
      ->required();
  serve->add_option("-t,--threads", options.threads, "worker threads (default: one per core)")
      ->check(CLI::Range(std::size_t{1}, server::kMaxServerThreads));
  serve
      ->add_option("--max-tcp-connections", options.max_tcp_connections,
                   "TCP connections open at once; more are closed at once (RFC 7766 6.2.2)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  serve->add_option("--nsid", options.nsid, "NSID sent to clients that ask (RFC 5001)");
  serve->add_option("--identity", options.identity,
                    "answer for CHAOS TXT id.server. and hostname.bind.");
  serve->add_option("--version-string", options.version,
                    "answer for CHAOS TXT version.server. and version.bind.");
  serve->add_option("--log-level", options.log_level, "trace, debug, info, warn, error or off");
  return serve;
}

int runServe(const ServeOptions& options) {
  const sigset_t signals = blockServeSignals();
  const auto level = log::parseLevel(options.log_level);
  if (!level.ok()) {
    std::fprintf(stderr, "holdfast: --log-level: %s\n", level.error().message.c_str());
    return kExitConfig;
  }
  log::configure(*level, isatty(STDERR_FILENO) != 0 ? log::Format::kText : log::Format::kJson);

  // Every zone must load before anything listens.
  auto loaded = zone::loadZoneFiles(zoneFiles(options), identityOf(options));
  if (!loaded.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", loaded.error().message.c_str());
    return kExitConfig;
  }
  zone::SnapshotHolder holder(loaded->snapshot);
  logZones(*loaded);

  server::SnapshotHandler handler(holder);
  server::ServerOptions server_options;
  server_options.listen = options.listen;
  server_options.threads =
      options.threads > 0 ? options.threads : std::min(availableCores(), server::kMaxServerThreads);
  server_options.max_tcp_connections = options.max_tcp_connections;
  auto server = server::Server::start(server_options, handler);
  if (!server.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", server.error().message.c_str());
    return server.error().code == Errc::kConfig ? kExitConfig : kExitRuntime;
  }
  for (const auto& endpoint : (*server)->udpEndpoints()) {
    logger().info("server listening",
                  {{"listen.address", endpointText(endpoint)}, {"listen.transport", "udp+tcp"}});
  }

  while (true) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal != SIGHUP) {
      logger().info("stopping", {{"signal", signal}});
      break;
    }
    logger().info("reloading zones", {{"signal", signal}});
    reload(options, holder);
  }
  (*server)->stop();
  logger().info("stopped");
  return kExitOk;
}

}  // namespace holdfast::cli
