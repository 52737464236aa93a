// `holdfast cache stats` and `holdfast cache flush`: the cache API of a running
// `holdfast resolver`, found through the resolver.json it writes in its data_dir.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "admin/http_listener.h"
#include "admin/token.h"
#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/resolver_admin.h"
#include "config/config.h"

namespace holdfast::cli {

namespace {

using nlohmann::json;

// A request that takes longer than this has failed: stats read counters, a flush walks memory.
constexpr std::chrono::seconds kClientTimeout{10};

// data_dir and token file from the resolver: section of --config, else the flags.
Result<resolver::ResolverOpsOptions> opsOf(const CacheFlags& flags) {
  resolver::ResolverOpsOptions ops;
  ops.data_dir = flags.data_dir;
  if (!flags.config_path.empty()) {
    auto config = config::loadConfig(flags.config_path);
    if (!config.ok()) {
      return makeError(Errc::kConfig, config.error().message);
    }
    if (!config->resolver) {
      return makeError(Errc::kConfig, flags.config_path + ": no resolver section");
    }
    ops = config->resolver->ops;
  }
  if (!flags.token_file.empty()) {
    ops.token_file = flags.token_file;
  }
  return ops;
}

// Address and token: from the flags, else from resolver.json in the data_dir.
Result<ApiTarget> findResolver(const CacheFlags& flags) {
  auto ops = opsOf(flags);
  if (!ops.ok()) {
    return ops.error();
  }
  return findApiTarget(flags.address, ops->token_file, resolverInfoPath(ops->data_dir),
                       "no running holdfast resolver with an API found: {} does not exist (the "
                       "API needs --metrics or resolver.metrics.listen; run this where the "
                       "resolver runs, or pass --config, --data-dir, or --admin and --token-file)");
}

// The parsed JSON body of a 200. Errors: kNetwork when the API cannot be reached,
// kInvalidArgument with the API's error (field and reason) otherwise.
Result<json> call(const ApiTarget& target, const std::string& path, const json* body) {
  auto host_port = admin::parseHostPort(target.address);
  if (!host_port.ok()) {
    return host_port.error();
  }
  httplib::Client client(host_port->host, host_port->port);
  client.set_connection_timeout(kClientTimeout);
  client.set_read_timeout(kClientTimeout);
  const httplib::Headers headers{{"Authorization", "Bearer " + target.token}};
  auto response = body == nullptr
                      ? client.Get(path.c_str(), headers)
                      : client.Post(path.c_str(), headers, body->dump(), "application/json");
  if (!response) {
    return makeError(
        Errc::kNetwork,
        fmt::format("cannot reach the resolver API at {}: {} (is holdfast resolver "
                    "running?)",
                    target.address, describeHttpError(static_cast<int>(response.error()))));
  }
  const json answer = json::parse(response->body, nullptr, false);
  if (response->status != 200) {
    std::string reason = fmt::format("HTTP {}", response->status);
    if (answer.is_object() && answer.contains("error") && answer["error"].is_object()) {
      const json& error = answer["error"];
      if (error.contains("field") && error["field"].is_string()) {
        reason += ": " + error["field"].get<std::string>();
      }
      if (error.contains("reason") && error["reason"].is_string()) {
        reason += ": " + error["reason"].get<std::string>();
      }
    }
    return makeError(Errc::kInvalidArgument, reason);
  }
  if (!answer.is_object()) {
    return makeError(Errc::kParse, path + ": the answer is not a JSON object");
  }
  return answer;
}

std::uint64_t number(const json& body, const char* key) {
  return body.contains(key) && body[key].is_number_unsigned() ? body[key].get<std::uint64_t>() : 0;
}

std::string mebibytes(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

void printStats(const json& body, const std::string& address) {
  const std::uint64_t hits = number(body, "hits");
  const std::uint64_t misses = number(body, "misses");
  const std::uint64_t bytes = number(body, "bytes");
  const std::uint64_t bound = number(body, "max_bytes");
  std::printf("resolver cache at %s\n\n", address.c_str());
  std::printf("%-15s %llu\n", "entries", static_cast<unsigned long long>(number(body, "entries")));
  std::printf("%-15s %s of %s (%.1f%%)\n", "bytes", mebibytes(bytes).c_str(),
              mebibytes(bound).c_str(),
              bound == 0 ? 0.0 : 100.0 * static_cast<double>(bytes) / static_cast<double>(bound));
  std::printf("%-15s %llu (%.1f%% of lookups)\n", "hits", static_cast<unsigned long long>(hits),
              hits + misses == 0
                  ? 0.0
                  : 100.0 * static_cast<double>(hits) / static_cast<double>(hits + misses));
  for (const char* key : {"misses", "stale_answers", "lkg_holds", "evictions", "flushed"}) {
    std::printf("%-15s %llu\n", key, static_cast<unsigned long long>(number(body, key)));
  }
  if (!body.contains("shards") || !body["shards"].is_array()) {
    return;
  }
  std::printf("\n%-6s %9s %12s\n", "SHARD", "ENTRIES", "BYTES");
  std::size_t index = 0;
  for (const json& shard : body["shards"]) {
    std::printf("%-6zu %9llu %12llu\n", index++,
                static_cast<unsigned long long>(number(shard, "entries")),
                static_cast<unsigned long long>(number(shard, "bytes")));
  }
}

void printFlush(const json& body) {
  std::string what = "the whole cache";
  if (body.contains("name") && body["name"].is_string()) {
    what = body["name"].get<std::string>();
    what += body.contains("type") && body["type"].is_string()
                ? " " + body["type"].get<std::string>()
                : " (every type)";
  }
  if (body.contains("keep_stale") && body["keep_stale"].is_boolean() &&
      body["keep_stale"].get<bool>()) {
    std::printf("expired %s: %llu entries expired (kept for serve-stale), %llu in the cache\n",
                what.c_str(), static_cast<unsigned long long>(number(body, "expired")),
                static_cast<unsigned long long>(number(body, "entries")));
    return;
  }
  std::printf("flushed %s: %llu entries removed, %llu left in the cache\n", what.c_str(),
              static_cast<unsigned long long>(number(body, "removed")),
              static_cast<unsigned long long>(number(body, "entries")));
}

}  // namespace

CacheCommands addCacheCommands(CLI::App& app, CacheFlags& flags) {
  CacheCommands commands;
  commands.cache = app.add_subcommand(
      "cache", "the answer cache of a running holdfast resolver: stats, or flush");
  commands.cache->require_subcommand(1);
  commands.stats = commands.cache->add_subcommand(
      "stats", "entries, bytes and bound, hits, misses, stale answers, evictions, per shard");
  commands.flush = commands.cache->add_subcommand(
      "flush", "remove every entry, or those of one name (and type)");
  commands.flush->add_option("name", flags.name, "only this name, e.g. www.example.com.");
  commands.flush->add_option("--type", flags.type, "only this type of NAME, e.g. AAAA");
  commands.flush->add_flag("--keep-stale", flags.keep_stale,
                           "expire instead of remove: upstreams are asked again, but the old "
                           "answers stay for serve-stale and last-known-good");
  for (CLI::App* command : {commands.stats, commands.flush}) {
    command->add_flag("--json", flags.json, "print the API's JSON answer");
    command->add_option("-c,--config", flags.config_path,
                        "configuration of `holdfast resolver` (for its data_dir and token file)");
    command->add_option("--data-dir", flags.data_dir, "data_dir of `holdfast resolver`")
        ->capture_default_str();
    command->add_option("--admin", flags.address, "resolver API address, e.g. 127.0.0.1:9153");
    command->add_option("--token-file", flags.token_file, "file holding the resolver's API token");
  }
  return commands;
}

int runCache(const CacheCommands& commands, const CacheFlags& flags) {
  if (!flags.type.empty() && flags.name.empty()) {
    std::fprintf(stderr, "holdfast: --type needs a NAME to flush\n");
    return kExitConfig;
  }
  auto target = findResolver(flags);
  if (!target.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", target.error().message.c_str());
    return target.error().code == Errc::kNotFound ? kExitNotRunning : kExitConfig;
  }

  const bool stats = commands.stats->parsed();
  json request = json::object();
  if (!flags.name.empty()) {
    request["name"] = flags.name;
  }
  if (!flags.type.empty()) {
    request["type"] = flags.type;
  }
  if (flags.keep_stale) {
    request["keep_stale"] = true;
  }
  auto body = stats ? call(*target, "/api/v1/cache", nullptr)
                    : call(*target, "/api/v1/cache/flush", &request);
  if (!body.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", body.error().message.c_str());
    return body.error().code == Errc::kNetwork ? kExitNotRunning : kExitRuntime;
  }
  if (flags.json) {
    std::printf("%s\n", body->dump(2).c_str());
  } else if (stats) {
    printStats(*body, target->address);
  } else {
    printFlush(*body);
  }
  return kExitOk;
}

}  // namespace holdfast::cli
