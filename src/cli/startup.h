// Startup checks shared by the subcommands: configuration, zone files, and a trial snapshot.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "dns/zone_contents.h"

namespace holdfast::cli {

// Everything `up` needs that can be checked before anything on disk is touched.
struct Loaded {
  config::Config config;  // config.endpoints: the file's, then those added by addApiEndpoints()
  std::vector<dns::ZoneContents> zones;
  std::set<std::string> api_endpoints;  // names of the endpoints made through the admin API
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

// What addApiEndpoints() does with an endpoint that clashes with records of its zone file.
enum class OnClash {
  kFail,  // the check of a change: the error is the answer
  kSkip,  // start and reload: log an error and leave it out, so it cannot keep `up` down
};

// Adds endpoints made through the admin API after the file's and checks every endpoint against
// the zones again, as loadAndCheck() does. An error about one of them starts with
// apiEndpointLabel(its name) + ": ". On error `loaded` must not be used.
[[nodiscard]] Status addApiEndpoints(Loaded& loaded,
                                     std::vector<control::EndpointConfig> added,
                                     OnClash on_clash);

// How errors name an endpoint made through the admin API: "admin API endpoint a.example.test.".
[[nodiscard]] std::string apiEndpointLabel(std::string_view name);

}  // namespace holdfast::cli
