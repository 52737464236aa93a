// Loads the YAML configuration into Config, naming file, line and field on every error.
#include "config/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/config_reader_internal.h"
#include "config/resolver_config.h"

namespace holdfast::config {

namespace {

// Bound on worker threads: more than this only adds contention on a small machine.
constexpr auto kMaxThreads = static_cast<std::int64_t>(kMaxServerConfigThreads);

// RFC 5001 leaves the NSID's length open; a long one would crowd small UDP answers, so it is
// bounded as zone::SnapshotBuilder bounds it.
constexpr std::size_t kMaxNsidOctets = 128;

// A TXT character-string holds at most 255 octets (RFC 1035 section 3.3).
constexpr std::size_t kMaxChaosTextOctets = 255;

Status readLog(const Reader& r, const YAML::Node& node, Config& config) {
  if (auto s = r.checkKeys(node, "log", {"level", "format"}); !s.ok()) {
    return s;
  }
  if (node["level"]) {
    auto text = r.text(node["level"], "log.level");
    if (!text.ok()) {
      return text.error();
    }
    auto level = log::parseLevel(*text);
    if (!level.ok()) {
      return r.error(node["level"], "log.level", level.error().message);
    }
    config.log_level = *level;
  }
  if (node["format"]) {
    auto text = r.text(node["format"], "log.format");
    if (!text.ok()) {
      return text.error();
    }
    if (*text == "json") {
      config.log_format = log::Format::kJson;
    } else if (*text == "text") {
      config.log_format = log::Format::kText;
    } else {
      return r.error(node["format"], "log.format", "expected json or text, got '" + *text + "'");
    }
  }
  return okStatus();
}

// One optional text of server.nsid, server.identity or server.version, at most `max` octets.
Status readIdentityText(const Reader& r,
                        const YAML::Node& node,
                        std::string_view field,
                        std::size_t max,
                        std::string& out) {
  if (!node) {
    return okStatus();
  }
  auto text = r.text(node, field);
  if (!text.ok()) {
    return text.error();
  }
  if (text->size() > max) {
    return r.error(node, field,
                   fmt::format("{} octets is longer than the {} allowed", text->size(), max));
  }
  out = *std::move(text);
  return okStatus();
}

Status readIdentity(const Reader& r, const YAML::Node& node, ServerConfig& server) {
  if (auto s = readIdentityText(r, node["nsid"], "server.nsid", kMaxNsidOctets, server.nsid);
      !s.ok()) {
    return s;
  }
  if (auto s = readIdentityText(r, node["identity"], "server.identity", kMaxChaosTextOctets,
                                server.identity);
      !s.ok()) {
    return s;
  }
  return readIdentityText(r, node["version"], "server.version", kMaxChaosTextOctets,
                          server.version);
}

Status readServer(const Reader& r, const YAML::Node& node, Config& config) {
  if (auto s = r.checkKeys(node, "server", {"listen", "threads", "nsid", "identity", "version"});
      !s.ok()) {
    return s;
  }
  if (auto s = readIdentity(r, node, config.server); !s.ok()) {
    return s;
  }
  if (const YAML::Node listen = node["listen"]) {
    config.server.listen.clear();
    if (listen.IsScalar()) {
      config.server.listen.push_back(listen.as<std::string>());
    } else if (listen.IsSequence() && listen.size() > 0) {
      for (const auto& item : listen) {
        auto text = r.text(item, "server.listen[]");
        if (!text.ok()) {
          return text.error();
        }
        config.server.listen.push_back(*text);
      }
    } else {
      return r.error(listen, "server.listen", "expected an address:port or a list of them");
    }
    for (std::size_t i = 0; i < config.server.listen.size(); ++i) {
      const YAML::Node at = listen.IsSequence() ? listen[i] : listen;
      if (auto s = checkListen(config.server.listen[i]); !s.ok()) {
        return r.error(at, "server.listen", s.error().message);
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (config.server.listen[j] == config.server.listen[i]) {
          return r.error(at, "server.listen", config.server.listen[i] + " is listed twice");
        }
      }
    }
  }
  if (node["threads"]) {
    auto threads = r.integer(node["threads"], "server.threads", 1, kMaxThreads);
    if (!threads.ok()) {
      return threads.error();
    }
    config.server.threads = static_cast<std::size_t>(*threads);
  }
  return okStatus();
}

Status readStore(const Reader& r, const YAML::Node& node, Config& config) {
  if (auto s = r.checkKeys(node, "store", {"backend"}); !s.ok()) {
    return s;
  }
  if (node["backend"]) {
    auto backend = r.text(node["backend"], "store.backend");
    if (!backend.ok()) {
      return backend.error();
    }
    if (*backend == "etcd") {
      return r.error(node["backend"], "store.backend",
                     "the etcd backend is not built yet (use sqlite or memory)");
    }
    if (*backend != "sqlite" && *backend != "memory") {
      return r.error(node["backend"], "store.backend",
                     "expected sqlite or memory, got '" + *backend + "'");
    }
    config.store.backend = *backend;
  }
  return okStatus();
}

Status readZones(const Reader& r,
                 const YAML::Node& node,
                 const std::filesystem::path& base_dir,
                 Config& config) {
  if (!node.IsSequence()) {
    return r.error(node, "zones", "expected a list of {name, file}");
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node z = node[i];
    const std::string field = fmt::format("zones[{}]", i);
    if (auto s = r.checkKeys(z, field, {"name", "file"}); !s.ok()) {
      return s;
    }
    if (!z["name"] || !z["file"]) {
      return r.error(z, field, "both name and file are required");
    }
    auto name_text = r.text(z["name"], field + ".name");
    if (!name_text.ok()) {
      return name_text.error();
    }
    auto name = normalizeName(*name_text);
    if (!name.ok()) {
      return r.error(z["name"], field + ".name", name.error().message);
    }
    for (const ZoneConfig& other : config.zones) {
      if (other.name == *name) {
        return r.error(z["name"], field + ".name", "zone " + *name + " is listed twice");
      }
    }
    auto file = r.text(z["file"], field + ".file");
    if (!file.ok()) {
      return file.error();
    }
    std::filesystem::path path(*file);
    if (path.is_relative()) {
      path = base_dir / path;
    }
    config.zones.push_back(ZoneConfig{*name, path, r.where(z)});
  }
  return okStatus();
}

Status readControl(const Reader& r, const YAML::Node& node, Config& config) {
  if (auto s =
          r.checkKeys(node, "control", {"enactors", "keep_plans", "janitor_interval", "policy"});
      !s.ok()) {
    return s;
  }
  if (node["enactors"]) {
    // Bound: each enactor is a thread; a handful is enough for independence (L2).
    auto n = r.integer(node["enactors"], "control.enactors", 1, 16);
    if (!n.ok()) {
      return n.error();
    }
    config.control.enactors = static_cast<int>(*n);
  }
  if (node["keep_plans"]) {
    auto n = r.integer(node["keep_plans"], "control.keep_plans", 1, 100000);
    if (!n.ok()) {
      return n.error();
    }
    config.control.keep_plans = static_cast<int>(*n);
  }
  if (node["janitor_interval"]) {
    auto d = r.duration(node["janitor_interval"], "control.janitor_interval");
    if (!d.ok()) {
      return d.error();
    }
    if (d->count() == 0) {
      return r.error(node["janitor_interval"], "control.janitor_interval",
                     "must be greater than zero");
    }
    config.control.janitor_interval = *d;
  }
  if (node["policy"]) {
    if (auto s = readPolicy(r, node["policy"], "control.policy", config.control.policy); !s.ok()) {
      return s;
    }
  }
  return okStatus();
}

Status readTop(const Reader& r,
               const YAML::Node& root,
               const std::filesystem::path& base_dir,
               Config& config) {
  if (auto s = r.checkKeys(root, "",
                           {"data_dir", "log", "server", "admin", "store", "zones", "control",
                            "endpoints", "resolver"});
      !s.ok()) {
    return s;
  }
  if (root["data_dir"]) {
    auto dir = r.text(root["data_dir"], "data_dir");
    if (!dir.ok()) {
      return dir.error();
    }
    if (dir->empty()) {
      return r.error(root["data_dir"], "data_dir", "must not be empty");
    }
    config.data_dir = *dir;
  }
  if (root["log"]) {
    if (auto s = readLog(r, root["log"], config); !s.ok()) {
      return s;
    }
  }
  if (root["server"]) {
    if (auto s = readServer(r, root["server"], config); !s.ok()) {
      return s;
    }
  }
  if (root["admin"]) {
    if (auto s = readAdmin(r, root["admin"], config); !s.ok()) {
      return s;
    }
  }
  if (root["store"]) {
    if (auto s = readStore(r, root["store"], config); !s.ok()) {
      return s;
    }
  }
  if (root["zones"]) {
    if (auto s = readZones(r, root["zones"], base_dir, config); !s.ok()) {
      return s;
    }
  }
  if (root["control"]) {
    if (auto s = readControl(r, root["control"], config); !s.ok()) {
      return s;
    }
  }
  if (root["endpoints"]) {
    if (auto s = readEndpoints(r, root["endpoints"], config); !s.ok()) {
      return s;
    }
  }
  if (root["resolver"]) {
    config.resolver.emplace();
    if (auto s = readResolver(r, root["resolver"], *config.resolver); !s.ok()) {
      return s;
    }
  }
  return okStatus();
}

}  // namespace

Result<YAML::Node> loadTopMapping(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kConfig,
                     fmt::format("{}:{}:{}: {}", name, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) {
    return makeError(Errc::kConfig, name + ": expected a mapping at the top level");
  }
  return root;
}

Result<Config> parseConfig(const std::string& text,
                           const std::string& name,
                           const std::filesystem::path& base_dir) {
  const Reader reader(name);
  auto loaded = loadTopMapping(text, name);
  if (!loaded.ok()) {
    return loaded.error();
  }
  const YAML::Node root = *loaded;
  Config config;
  if (auto s = readTop(reader, root, base_dir, config); !s.ok()) {
    return s.error();
  }
  return config;
}

Result<Config> loadConfig(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return makeError(Errc::kConfig, file.string() + ": is a directory, not a configuration file");
  }
  std::ifstream in(file);
  if (!in) {
    return makeError(Errc::kConfig,
                     fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto config = parseConfig(buffer.str(), file.string(), file.parent_path());
  if (config.ok()) {
    config->source = file;
  }
  return config;
}

}  // namespace holdfast::config
