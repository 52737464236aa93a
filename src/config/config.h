// The holdfast configuration file: what it holds and how it is loaded and checked.
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/cores.h"
#include "common/log.h"
#include "common/result.h"
#include "control/endpoint.h"
#include "resolver/resolver_options.h"

namespace holdfast::config {

// A static zone served from a zone file.
struct ZoneConfig {
  std::string name;            // "example.test." (lowercase, trailing dot)
  std::filesystem::path file;  // resolved against the configuration file's directory
  std::string where;           // "file:line" of the entry, for later error messages
};

// Bound on the server's worker threads: more only adds contention.
inline constexpr std::size_t kMaxServerConfigThreads = 256;

// Worker threads by default: one per core this process may run on, within the bound.
[[nodiscard]] inline std::size_t defaultServerThreads() noexcept {
  return std::min(availableCores(), kMaxServerConfigThreads);
}

struct ServerConfig {
  std::vector<std::string> listen{"127.0.0.1:5300"};  // "address:port", "[v6]:port"
  std::size_t threads = defaultServerThreads();
  // Who the server says it is; each is off when empty (zone::ServerIdentity).
  std::string nsid;      // NSID option (RFC 5001), at most 128 octets; sent only when asked
  std::string identity;  // CHAOS TXT id.server. and hostname.bind., at most 255 octets
  std::string version;   // CHAOS TXT version.server. and version.bind., at most 255 octets
};

// The admin HTTP API of `holdfast up` (src/admin): /api/v1, the dashboard, /metrics, /healthz.
struct AdminConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1:8053";  // "address:port", "[v6]:port"; port 0 picks one
  // The bearer token, created (mode 0600) on first start; relative paths are relative to the
  // working directory. Empty: data_dir/admin.token.
  std::filesystem::path token_file;
};

struct StoreConfig {
  std::string backend = "sqlite";  // "sqlite" (embedded) or "memory" (nothing persists)
};

struct Config {
  std::filesystem::path source;                      // the file this came from
  std::filesystem::path data_dir = "holdfast-data";  // relative paths are relative to the CWD
  log::Level log_level = log::Level::kInfo;
  log::Format log_format = log::Format::kJson;
  ServerConfig server;
  AdminConfig admin;
  StoreConfig store;
  std::vector<ZoneConfig> zones;
  control::ControlOptions control;
  std::vector<control::EndpointConfig> endpoints;
  std::optional<resolver::ResolverOptions> resolver;  // the `resolver:` section, when present
};

// Reads and checks a configuration file. Every error names the file, the line and the field,
// as "quickstart.yaml:14:7: endpoints[0].check.interval: expected a duration such as 500ms".
// Reading touches nothing on disk besides the file itself.
[[nodiscard]] Result<Config> loadConfig(const std::filesystem::path& file);

// The same, from text (`name` is used in messages; relative paths resolve against `base_dir`).
[[nodiscard]] Result<Config> parseConfig(const std::string& text,
                                         const std::string& name,
                                         const std::filesystem::path& base_dir);

}  // namespace holdfast::config
