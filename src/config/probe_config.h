// The configuration file of `holdfast probe`.
#pragma once

#include <filesystem>
#include <string>

#include "common/log.h"
#include "common/result.h"
#include "probe/probe_options.h"

namespace holdfast::config {

struct ProbeConfig {
  probe::ProbeOptions options;
  log::Level log_level = log::Level::kInfo;
  log::Format log_format = log::Format::kJson;
};

// Reads and checks a probe configuration; every error names file, line and field, e.g.
// "probe.yaml:6:15: checks[0].expect.max_latency: expected a duration such as 500ms".
// "system" among a check's resolvers stands for the nameservers of `resolv_conf`.
[[nodiscard]] Result<ProbeConfig> loadProbeConfig(
    const std::filesystem::path& file,
    const std::filesystem::path& resolv_conf = "/etc/resolv.conf");

[[nodiscard]] Result<ProbeConfig> parseProbeConfig(
    const std::string& text,
    const std::string& name,
    const std::filesystem::path& resolv_conf = "/etc/resolv.conf");

}  // namespace holdfast::config
