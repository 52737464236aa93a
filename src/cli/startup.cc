// Loading and checking everything `up` and `check-config` need, before touching any file.
#include "cli/startup.h"

#include <fmt/format.h>

#include "common/log.h"
#include "dns/name.h"
#include "dns/zone_file.h"
#include "zone/snapshot_builder.h"

namespace holdfast::cli {

namespace {

constexpr std::uint16_t kTypeNs = 2;

const log::Logger& logger() {
  static const log::Logger instance("cli.startup");
  return instance;
}

// What comes before a field path in an error about an endpoint: "file.yaml: endpoints[2]." for
// one of the file, "admin API endpoint a.test.: " for one made through the API.
std::string endpointLabel(const Loaded& loaded, std::size_t index) {
  const control::EndpointConfig& e = loaded.config.endpoints[index];
  if (loaded.api_endpoints.contains(e.name)) {
    return apiEndpointLabel(e.name) + ": ";
  }
  return fmt::format("{}: endpoints[{}].", loaded.config.source.string(), index);
}

// An endpoint must not silently hide records of the zone file: the same type at its name, or a
// delegation at or above it (the name would then belong to another server).
Status checkClashes(const Loaded& loaded, std::size_t index) {
  const control::EndpointConfig& e = loaded.config.endpoints[index];
  auto name = dns::Name::fromText(e.name);
  if (!name.ok()) {
    return name.error();
  }
  for (std::size_t z = 0; z < loaded.zones.size(); ++z) {
    if (loaded.config.zones[z].name != e.zone) {
      continue;
    }
    const dns::ZoneContents& contents = loaded.zones[z];
    for (const dns::RRset& rrset : contents.rrsets) {
      const dns::Name owner = rrset.owner();
      const bool same_name = owner == *name;
      std::string what;
      if (same_name && rrset.type() == e.rrtype) {
        what = "has " + std::string(e.rrtype == control::kTypeA ? "A" : "AAAA") +
               " records in the zone file; remove them or rename the endpoint";
      } else if (rrset.type() == kTypeNs && !(owner == contents.origin) &&
                 name->isSubdomainOf(owner)) {
        what = "is at or below the delegation to other servers at " + owner.toText();
      }
      if (!what.empty()) {
        return makeError(Errc::kConfig,
                         fmt::format("{}name: {} {} ({})", endpointLabel(loaded, index), e.name,
                                     what, loaded.config.zones[z].file.string()));
      }
    }
  }
  return okStatus();
}

Status trialSnapshot(const Loaded& loaded) {
  zone::SnapshotBuilder builder;
  for (const dns::ZoneContents& contents : loaded.zones) {
    auto copy = contents.clone();
    if (!copy.ok()) {
      return copy.error();
    }
    if (auto s = builder.addZone(std::move(copy).value()); !s.ok()) {
      return s;
    }
  }
  for (std::size_t i = 0; i < loaded.config.endpoints.size(); ++i) {
    if (auto s = checkClashes(loaded, i); !s.ok()) {
      return s;
    }
    const control::EndpointConfig& e = loaded.config.endpoints[i];
    std::vector<std::string> addresses;
    for (const control::BackendConfig& b : e.backends) {
      addresses.push_back(b.address);
    }
    if (auto s = builder.setAddresses(e.name, e.rrtype, e.ttl_seconds, addresses); !s.ok()) {
      return makeError(Errc::kConfig,
                       fmt::format("{}name: {} cannot be served: {}", endpointLabel(loaded, i),
                                   e.name, s.error().message));
    }
  }
  auto built = builder.build();
  if (!built.ok()) {
    return built.error();
  }
  return okStatus();
}

}  // namespace

Result<Loaded> loadAndCheck(const std::string& config_path, LogSetup log_setup) {
  auto config = config::loadConfig(config_path);
  if (!config.ok()) {
    return config.error();
  }
  Loaded loaded{std::move(config).value(), {}};
  if (log_setup == LogSetup::kConfigure) {
    // From here on, messages (zone loader warnings too) use the configured level and format.
    log::configure(loaded.config.log_level, loaded.config.log_format);
  }

  for (const config::ZoneConfig& zone : loaded.config.zones) {
    auto origin = dns::Name::fromText(zone.name);
    if (!origin.ok()) {
      return makeError(Errc::kConfig, zone.where + ": zones.name: " + origin.error().message);
    }
    auto contents = dns::loadZoneFile(zone.file, *origin);
    if (!contents.ok()) {
      // The loader's message already starts with the zone file's name and line.
      return makeError(Errc::kConfig, contents.error().message + " (zone " + zone.name +
                                          ", listed at " + zone.where + ")");
    }
    loaded.zones.push_back(std::move(contents).value());
  }

  if (auto s = trialSnapshot(loaded); !s.ok()) {
    return s.error();
  }
  return loaded;
}

Status addApiEndpoints(Loaded& loaded,
                       std::vector<control::EndpointConfig> added,
                       OnClash on_clash) {
  for (control::EndpointConfig& e : added) {
    loaded.api_endpoints.insert(e.name);
    loaded.config.endpoints.push_back(std::move(e));
    const std::size_t index = loaded.config.endpoints.size() - 1;
    if (auto s = checkClashes(loaded, index); !s.ok()) {
      if (on_clash == OnClash::kFail) {
        return s;
      }
      logger().error("endpoint made through the admin API clashes with its zone file; not served",
                     {{"endpoint.name", loaded.config.endpoints[index].name},
                      {"error.message", s.error().message}});
      loaded.api_endpoints.erase(loaded.config.endpoints[index].name);
      loaded.config.endpoints.pop_back();
    }
  }
  return trialSnapshot(loaded);
}

std::string apiEndpointLabel(std::string_view name) {
  return "admin API endpoint " + std::string(name);
}

}  // namespace holdfast::cli
