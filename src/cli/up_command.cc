// `holdfast up` and `holdfast check-config`: wiring of store, publisher, server and control plane.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "admin/token.h"
#include "cli/commands.h"
#include "cli/run_files.h"
#include "cli/startup.h"
#include "cli/up_admin.h"
#include "cli/up_endpoints.h"
#include "cli/up_reload.h"
#include "common/log.h"
#include "common/unique_fd.h"
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

// Creates data_dir and takes an exclusive lock on data_dir/holdfast.lock for the life of the
// process: two `up` on one store would run two control planes and overwrite each other's pid
// and admin files. Errors: kIo naming the directory (and the pid of the holder if known).
Result<UniqueFd> lockDataDir(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return makeError(Errc::kIo, fmt::format("data_dir {}: {}", data_dir.string(), ec.message()));
  }
  const std::filesystem::path path = data_dir / "holdfast.lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd.fd() < 0) {
    return makeError(Errc::kIo, fmt::format("{}: {}", path.string(), std::strerror(errno)));
  }
  if (::flock(fd.fd(), LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error != EWOULDBLOCK) {
      return makeError(Errc::kIo, fmt::format("{}: {}", path.string(), std::strerror(error)));
    }
    auto holder = findRunningUp(data_dir);
    return makeError(
        Errc::kIo, fmt::format("data_dir {} is in use by another holdfast up{}", data_dir.string(),
                               holder.ok() ? fmt::format(" (pid {})", *holder) : ""));
  }
  return fd;
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
// only serveUntilStopped() sees them.
sigset_t blockSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

std::int64_t nowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reloads and records the outcome in data_dir for `holdfast reload`. A failure keeps serving
// the old data; the error names file, line and field.
void reloadAndRecord(UpState& state, std::uint64_t generation) {
  logger().info("reloading", {{"config.file", state.config_path}});
  const std::lock_guard lock(state.mutex);
  const Status reloaded = reloadUp(state);
  if (reloaded.ok()) {
    publishAdminView(state.config, state.api_endpoints);
  }
  ReloadStatus status{generation, reloaded.ok(), nowUnixMs(), ""};
  if (!reloaded.ok()) {
    status.error = reloaded.error().message;
    logger().error("reload failed; still serving the previous configuration and zones",
                   {{"error.code", errcName(reloaded.error().code)},
                    {"error.message", reloaded.error().message}});
  }
  if (auto s = writeReloadStatus(state.config.data_dir, status); !s.ok()) {
    logger().warn("reload status not written", {{"error.message", s.error().message}});
  }
}

// Waits for SIGINT or SIGTERM; SIGHUP reloads (one at a time, on this thread).
int serveUntilStopped(const sigset_t& set, UpState& state) {
  std::uint64_t generation = 0;
  if (auto previous = readReloadStatus(state.config.data_dir); previous.ok() && *previous) {
    // Generations keep rising across restarts, so `holdfast reload` never mistakes an old
    // status for the answer to its signal.
    generation = (*previous)->generation;
  }
  for (;;) {
    int signal = 0;
    sigwait(&set, &signal);
    if (signal != SIGHUP) {
      return signal;
    }
    reloadAndRecord(state, ++generation);
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

  // An existing admin token file that is unsafe or malformed is refused before data_dir and the
  // store are created; a missing one is created by startUpAdmin.
  if (const auto token_file = tokenFilePath(config);
      config.admin.enabled && std::filesystem::exists(token_file)) {
    if (auto token = admin::loadToken(token_file); !token.ok()) {
      (*server)->stop();
      return fail(token.error().code == Errc::kConfig ? kExitConfig : kExitRuntime,
                  makeError(token.error().code, "admin.token_file: " + token.error().message));
    }
  }
  auto lock = lockDataDir(config.data_dir);
  if (!lock.ok()) {
    (*server)->stop();
    return fail(kExitRuntime, lock.error());
  }
  auto store = openStore(config);
  if (!store.ok()) {
    return fail(kExitRuntime, store.error());
  }

  // Endpoints made through the admin API live in the store; they join the file's.
  auto stored = storedEndpoints(**store, loaded->config);
  if (!stored.ok()) {
    return fail(kExitRuntime, stored.error());
  }
  if (auto s = addApiEndpoints(*loaded, *std::move(stored), OnClash::kSkip); !s.ok()) {
    return fail(kExitConfig, s.error());
  }

  // The last published state is served from the first answer on (no waiting for health
  // checks): queries that arrive before it is loaded get no answer and are retried.
  UpState state;
  state.config_path = config_path;
  state.config = loaded->config;
  state.api_endpoints = loaded->api_endpoints;
  state.store = store->get();
  server::Publisher publisher(**store, sourcesOf(*loaded), holder);
  state.publisher = &publisher;
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

  state.control =
      std::make_unique<control::ControlPlane>(**store, config.endpoints, config.control);
  if (auto s = state.control->start(); !s.ok()) {
    (*server)->stop();
    return fail(kExitConfig, s.error());
  }
  publisher.start();
  UpEndpointEditor editor(state);
  auto admin = startUpAdmin(config, state.api_endpoints, **store, **server, &editor);
  if (!admin.ok()) {
    state.control->stop();
    publisher.stop();
    (*server)->stop();
    return fail(admin.error().code == Errc::kConfig ? kExitConfig : kExitRuntime, admin.error());
  }
  if (auto s = writePidFile(config.data_dir); !s.ok()) {
    logger().warn("pid file not written; holdfast reload cannot find this process",
                  {{"error.message", s.error().message}});
  }
  logger().info("holdfast up",
                {{"endpoint.count", config.endpoints.size()}, {"zone.count", config.zones.size()}});

  const int signal = serveUntilStopped(signals, state);
  logger().info("stopping", {{"signal", signal}});
  if (*admin) {
    (*admin)->stop();
  }
  state.control->stop();
  publisher.stop();
  (*server)->stop();
  removePidFile(state.config.data_dir);
  logger().info("stopped");
  return kExitOk;
}

}  // namespace holdfast::cli
