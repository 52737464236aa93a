// Startup checks shared by the subcommands: configuration, zone files, and a trial snapshot.
#pragma once

#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "dns/zone_contents.h"

namespace holdfast::cli {

// Everything `up` needs that can be checked before anything on disk is touched.
struct Loaded {
  config::Config config;
  std::vector<dns::ZoneContents> zones;
};

// Whether loading applies the configuration's log level and format at once.
enum class LogSetup {
  kConfigure,  // startup: from here on, messages use the configured level and format
  kKeep,       // reload: the caller applies them only once everything has loaded
};

// Loads the configuration and every zone file, then builds a trial snapshot with every
// endpoint's backends, so that a conflict (say, an endpoint name that is a CNAME in its zone)
// is reported now, naming the file, instead of at the first publish.
[[nodiscard]] Result<Loaded> loadAndCheck(const std::string& config_path,
                                          LogSetup log_setup = LogSetup::kConfigure);

}  // namespace holdfast::cli
