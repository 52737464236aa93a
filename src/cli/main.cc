// holdfast's entry point: parses the command line and hands over to one subcommand.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"holdfast: race-free DNS control plane and authoritative server"};
  app.require_subcommand(1);

  std::string config_path;
  CLI::App* up = app.add_subcommand(
      "up", "run the control plane and the authoritative server on the embedded store");
  up->add_option("-c,--config", config_path, "configuration file (YAML)")->required();

  std::string check_path;
  CLI::App* check = app.add_subcommand(
      "check-config", "load and check a configuration and its zone files; change nothing");
  check->add_option("-c,--config", check_path, "configuration file (YAML)")->required();

  holdfast::cli::ReloadFlags reload_flags;
  CLI::App* reload = holdfast::cli::addReloadCommand(app, reload_flags);

  holdfast::cli::ServeOptions serve_options;
  CLI::App* serve = holdfast::cli::addServeCommand(app, serve_options);

  holdfast::cli::ResolverFlags resolver_flags;
  CLI::App* resolver = holdfast::cli::addResolverCommand(app, resolver_flags);

  holdfast::cli::SimFlags sim_flags;
  CLI::App* sim = holdfast::cli::addSimCommand(app, sim_flags);

  holdfast::cli::OpsFlags ops_flags;
  const holdfast::cli::OpsCommands ops = holdfast::cli::addOpsCommands(app, ops_flags);

  holdfast::cli::AdminFlags admin_flags;
  const holdfast::cli::AdminCommands admin = holdfast::cli::addAdminCommands(app, admin_flags);

  holdfast::cli::CacheFlags cache_flags;
  const holdfast::cli::CacheCommands cache = holdfast::cli::addCacheCommands(app, cache_flags);

  holdfast::cli::ProbeFlags probe_flags;
  CLI::App* probe = holdfast::cli::addProbeCommand(app, probe_flags);

  CLI::App* version = app.add_subcommand("version", "print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with status 0; every real usage error exits 2.
    return app.exit(e) == 0 ? 0 : holdfast::cli::kExitConfig;
  }

  try {
    if (*up) {
      return holdfast::cli::runUp(config_path);
    }
    if (*check) {
      return holdfast::cli::runCheckConfig(check_path);
    }
    if (*reload) {
      return holdfast::cli::runReload(reload_flags);
    }
    if (*serve) {
      return holdfast::cli::runServe(serve_options);
    }
    if (*resolver) {
      return holdfast::cli::runResolver(resolver_flags);
    }
    if (*sim) {
      return holdfast::cli::runSim(sim_flags);
    }
    if (*ops.pause || *ops.resume || *ops.plan || *ops.apply || *ops.history) {
      return holdfast::cli::runOps(ops, ops_flags);
    }
    if (*admin.status || *admin.endpoints) {
      return holdfast::cli::runAdmin(admin, admin_flags);
    }
    if (*cache.cache) {
      return holdfast::cli::runCache(cache, cache_flags);
    }
    if (*probe) {
      return holdfast::cli::runProbe(probe_flags);
    }
    if (*version) {
      std::puts(holdfast::cli::kVersion);
      return 0;
    }
  } catch (const std::exception& e) {
    // Exceptions are for startup failures only (STYLE.md); anything that escapes ends here.
    std::fprintf(stderr, "holdfast: fatal: %s\n", e.what());
    return 1;
  }
  return 2;
}
