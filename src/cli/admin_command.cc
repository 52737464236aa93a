// `holdfast status` and `holdfast endpoints`: the admin API of a running `holdfast up`, found
// through the admin.json it writes in its data_dir.
#include <httplib.h>

#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "admin/http_listener.h"
#include "admin/token.h"
#include "cli/commands.h"
#include "cli/up_admin.h"
#include "config/config.h"

namespace holdfast::cli {

namespace {

using nlohmann::json;

// A request to the local API that takes longer than this has failed: it only reads the store.
constexpr std::chrono::seconds kClientTimeout{10};

struct Target {
  std::string address;  // "127.0.0.1:8053"
  std::string token;
};

Result<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return makeError(Errc::kNotFound, path.string() + ": cannot read");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Address and token: from the flags, else from data_dir/admin.json of the configuration's (or
// the given, or the default) data_dir.
Result<Target> findTarget(const AdminFlags& flags) {
  std::filesystem::path data_dir = flags.data_dir;
  if (!flags.config_path.empty()) {
    auto config = config::loadConfig(flags.config_path);
    if (!config.ok()) {
      return makeError(Errc::kConfig, config.error().message);
    }
    data_dir = config->data_dir;
  }
  Target target{flags.address, ""};
  std::filesystem::path token_file = flags.token_file;
  if (target.address.empty() || token_file.empty()) {
    const auto info_path = adminInfoPath(data_dir);
    auto text = readFile(info_path);
    if (!text.ok()) {
      return makeError(Errc::kNotFound,
                       fmt::format("no running holdfast up found: {} does not exist (run this "
                                   "from the directory of `holdfast up`, or pass --config, "
                                   "--data-dir, or --admin and --token-file)",
                                   info_path.string()));
    }
    const json info = json::parse(*text, nullptr, false);
    if (!info.is_object() || !info.contains("address") || !info["address"].is_string() ||
        !info.contains("token_file") || !info["token_file"].is_string()) {
      return makeError(Errc::kParse, info_path.string() + ": not an admin.json of holdfast up");
    }
    if (target.address.empty()) {
      target.address = info["address"].get<std::string>();
    }
    if (token_file.empty()) {
      token_file = info["token_file"].get<std::string>();
    }
  }
  auto token = admin::loadToken(token_file);
  if (!token.ok()) {
    return token.error();
  }
  target.token = *token;
  return target;
}

// GET `path`; the parsed JSON body of a 200. Errors: kNetwork when the API cannot be reached,
// kInvalidArgument carrying the API's error reason otherwise.
Result<json> fetch(const Target& target, const std::string& path) {
  auto host_port = admin::parseHostPort(target.address);
  if (!host_port.ok()) {
    return host_port.error();
  }
  httplib::Client client(host_port->host, host_port->port);
  client.set_connection_timeout(kClientTimeout);
  client.set_read_timeout(kClientTimeout);
  auto response = client.Get(path.c_str(), {{"Authorization", "Bearer " + target.token}});
  if (!response) {
    return makeError(Errc::kNetwork,
                     fmt::format("cannot reach the admin API at {}: {} (is holdfast up running?)",
                                 target.address, httplib::to_string(response.error())));
  }
  const json body = json::parse(response->body, nullptr, false);
  if (response->status != 200) {
    std::string reason = fmt::format("HTTP {}", response->status);
    if (body.is_object() && body.contains("error") && body["error"].contains("reason")) {
      reason += ": " + body["error"]["reason"].get<std::string>();
    }
    return makeError(Errc::kInvalidArgument, reason);
  }
  if (body.is_discarded()) {
    return makeError(Errc::kParse, path + ": the answer is not JSON");
  }
  return body;
}

std::string backendsSummary(const json& endpoint) {
  std::size_t healthy = 0;
  for (const json& b : endpoint["backends"]) {
    if (b["health"].is_object() && b["health"]["healthy"].get<bool>()) {
      ++healthy;
    }
  }
  return fmt::format("{}/{} healthy", healthy, endpoint["backends"].size());
}

std::string stateOf(const json& e) {
  if (e["paused"].get<bool>()) {
    return "paused";
  }
  if (e["fail_open"].get<bool>()) {
    return "failing open";
  }
  if (e["generation"].get<std::uint64_t>() == 0) {
    return "not published";
  }
  return e["lag_generations"].get<std::uint64_t>() > 0 ? "plan pending" : "up to date";
}

std::string addressesOf(const json& e) {
  if (!e["published"].is_object()) {
    return "-";
  }
  std::string out;
  for (const json& a : e["published"]["addresses"]) {
    out += (out.empty() ? "" : ", ") + a.get<std::string>();
  }
  return out;
}

void printStatus(const json& status, const std::string& address) {
  std::printf("%s, admin API at %s%s\n\n", status["version"].get<std::string>().c_str(),
              address.c_str(), status["paused"].get<bool>() ? " (PAUSED)" : "");
  std::printf("%-28s %5s %4s  %-13s %-13s %s\n", "ENDPOINT", "GEN", "LAG", "STATE", "BACKENDS",
              "PUBLISHED");
  for (const json& e : status["endpoints"]) {
    std::printf("%-28s %5llu %4llu  %-13s %-13s %s\n", e["name"].get<std::string>().c_str(),
                static_cast<unsigned long long>(e["generation"].get<std::uint64_t>()),
                static_cast<unsigned long long>(e["lag_generations"].get<std::uint64_t>()),
                stateOf(e).c_str(), backendsSummary(e).c_str(), addressesOf(e).c_str());
  }
  std::printf("\n%-12s %-10s %8s %14s %5s  %s\n", "ENACTOR", "LAST GEN", "APPLIED", "STALE REFUSED",
              "HELD", "LAST ERROR");
  for (const json& x : status["enactors"]) {
    std::printf("%-12s %-10llu %8llu %14llu %5llu  %s\n", x["id"].get<std::string>().c_str(),
                static_cast<unsigned long long>(x["last_applied_generation"].get<std::uint64_t>()),
                static_cast<unsigned long long>(x["applied"].get<std::uint64_t>()),
                static_cast<unsigned long long>(x["stale_refused"].get<std::uint64_t>()),
                static_cast<unsigned long long>(x["held"].get<std::uint64_t>()),
                x["last_error"].get<std::string>().empty()
                    ? "-"
                    : x["last_error"].get<std::string>().c_str());
  }
  std::printf("\nALERTS%s\n", status["alerts"].empty() ? ": none" : "");
  for (const json& a : status["alerts"]) {
    std::printf("  %s %s: %s\n", a["name"].get<std::string>().c_str(),
                a["subject"].get<std::string>().c_str(), a["summary"].get<std::string>().c_str());
  }
}

void printEndpoints(const json& body) {
  std::printf("%-28s %-4s %5s %5s  %-15s %-10s %s\n", "ENDPOINT", "TYPE", "TTL", "GEN", "BACKEND",
              "HEALTH", "PUBLISHED");
  for (const json& e : body["endpoints"]) {
    const json published = e["published"].is_object() ? e["published"]["addresses"] : json::array();
    bool first = true;
    for (const json& b : e["backends"]) {
      const std::string address = b["address"].get<std::string>();
      std::string health = "unchecked";
      if (b["health"].is_object()) {
        health = b["health"]["healthy"].get<bool>() ? "healthy" : "unhealthy";
      }
      bool served = false;
      for (const json& a : published) {
        served = served || a.get<std::string>() == address;
      }
      std::printf("%-28s %-4s %5s %5s  %-15s %-10s %s\n",
                  first ? e["name"].get<std::string>().c_str() : "",
                  first ? e["type"].get<std::string>().c_str() : "",
                  first ? std::to_string(e["ttl"].get<std::uint64_t>()).c_str() : "",
                  first ? std::to_string(e["generation"].get<std::uint64_t>()).c_str() : "",
                  address.c_str(), health.c_str(), served ? "yes" : "no");
      first = false;
    }
  }
}

}  // namespace

AdminCommands addAdminCommands(CLI::App& app, AdminFlags& flags) {
  AdminCommands commands;
  commands.status = app.add_subcommand(
      "status", "endpoints, generations, enactors and alerts of the running holdfast up");
  commands.endpoints = app.add_subcommand(
      "endpoints", "every endpoint's backends, their health and whether each is published");
  for (CLI::App* command : {commands.status, commands.endpoints}) {
    command->add_flag("--json", flags.json, "print the API's JSON answer");
    command->add_option("-c,--config", flags.config_path,
                        "configuration of `holdfast up` (for its data_dir)");
    command->add_option("--data-dir", flags.data_dir, "data_dir of `holdfast up`")
        ->capture_default_str();
    command->add_option("--admin", flags.address, "admin API address, e.g. 127.0.0.1:8053");
    command->add_option("--token-file", flags.token_file, "file holding the admin token");
  }
  return commands;
}

int runAdmin(const AdminCommands& commands, const AdminFlags& flags) {
  auto target = findTarget(flags);
  if (!target.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", target.error().message.c_str());
    return target.error().code == Errc::kNotFound ? kExitNotRunning : kExitConfig;
  }
  const bool status = commands.status->parsed();
  auto body = fetch(*target, status ? "/api/v1/status" : "/api/v1/endpoints");
  if (!body.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", body.error().message.c_str());
    return body.error().code == Errc::kNetwork ? kExitNotRunning : kExitRuntime;
  }
  if (flags.json) {
    std::printf("%s\n", body->dump(2).c_str());
  } else if (status) {
    printStatus(*body, target->address);
  } else {
    printEndpoints(*body);
  }
  return kExitOk;
}

}  // namespace holdfast::cli
