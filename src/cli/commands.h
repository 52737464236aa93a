// The subcommands of the holdfast program.
#pragma once

#include <string>

namespace holdfast::cli {

inline constexpr const char* kVersion = "holdfast 0.1.0";

// Exit statuses shared by the subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;  // failed while running (store, sockets)
inline constexpr int kExitConfig = 2;   // configuration or zone file rejected; nothing changed

// `holdfast up`: loads and checks everything, opens the store, serves DNS and runs the control
// plane until SIGINT or SIGTERM. Returns the process exit status.
[[nodiscard]] int runUp(const std::string& config_path);

// `holdfast check-config`: loads the configuration and every zone file and reports the first
// error, touching nothing on disk.
[[nodiscard]] int runCheckConfig(const std::string& config_path);

}  // namespace holdfast::cli
