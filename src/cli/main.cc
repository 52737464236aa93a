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

  CLI::App* version = app.add_subcommand("version", "print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*up) {
      return holdfast::cli::runUp(config_path);
    }
    if (*check) {
      return holdfast::cli::runCheckConfig(check_path);
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
