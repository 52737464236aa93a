// `holdfast reload`: asks a running `holdfast up` to reload and reports how it went.
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/run_files.h"
#include "common/clock.h"
#include "config/config.h"

namespace holdfast::cli {

namespace {

// How often the status file is read while waiting; a reload takes at least this long to report.
constexpr std::chrono::milliseconds kPollInterval{50};

std::uint64_t currentGeneration(const std::filesystem::path& data_dir) {
  auto status = readReloadStatus(data_dir);
  return status.ok() && *status ? (*status)->generation : 0;
}

bool alive(pid_t pid) {
  return kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

CLI::App* addReloadCommand(CLI::App& app, ReloadFlags& flags) {
  CLI::App* reload = app.add_subcommand(
      "reload", "reload the configuration and zone files of a running holdfast up (SIGHUP)");
  reload->add_option("-c,--config", flags.config_path, "configuration file (YAML) of that server")
      ->required();
  reload->add_option("--timeout", flags.timeout_seconds, "seconds to wait for the outcome")
      ->check(CLI::Range(0.1, 3600.0));
  return reload;
}

int runReload(const ReloadFlags& flags) {
  // Only data_dir is needed here; the server itself checks everything else when it reloads.
  auto config = config::loadConfig(flags.config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", config.error().message.c_str());
    return kExitConfig;
  }
  const std::filesystem::path& data_dir = config->data_dir;
  auto pid = findRunningUp(data_dir);
  if (!pid.ok()) {
    std::fprintf(stderr, "holdfast: no running holdfast up for %s: %s\n", flags.config_path.c_str(),
                 pid.error().message.c_str());
    return kExitNotRunning;
  }

  // Limitation: SIGHUPs sent while a reload runs merge into one more reload, and its status may
  // be the one reported here; a reload carries no id of who asked for it.
  const std::uint64_t before = currentGeneration(data_dir);
  if (kill(*pid, SIGHUP) != 0) {
    std::fprintf(stderr, "holdfast: cannot signal process %d: %s\n", static_cast<int>(*pid),
                 std::strerror(errno));
    return errno == ESRCH ? kExitNotRunning : kExitRuntime;
  }

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(flags.timeout_seconds);
  ProgressLine progress(stderr, progressModeFor(false), SystemClock::instance());
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPollInterval);
    progress.update(fmt::format("waiting for process {} to reload: {:.0f}s of {:.0f}s",
                                static_cast<int>(*pid), progress.elapsedSeconds(),
                                flags.timeout_seconds));
    auto status = readReloadStatus(data_dir);
    if (status.ok() && *status && (*status)->generation > before) {
      progress.finish();
      if ((*status)->ok) {
        std::printf("reloaded (generation %llu)\n",
                    static_cast<unsigned long long>((*status)->generation));
        return kExitOk;
      }
      std::fprintf(stderr, "holdfast: reload failed, still serving the previous data: %s\n",
                   (*status)->error.c_str());
      return kExitRuntime;
    }
    if (!alive(*pid)) {
      progress.finish();
      std::fprintf(stderr, "holdfast: process %d exited before reporting the reload\n",
                   static_cast<int>(*pid));
      return kExitNotRunning;
    }
  }
  progress.finish();
  std::fprintf(stderr, "holdfast: no reload status from process %d within %.1f s\n",
               static_cast<int>(*pid), flags.timeout_seconds);
  return kExitRuntime;
}

}  // namespace holdfast::cli
