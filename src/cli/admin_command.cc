// `holdfast status` and `holdfast endpoints`: the admin API of a running `holdfast up`, found
// through the admin.json it writes in its data_dir.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/ops_tables.h"

namespace holdfast::cli {

namespace {

using nlohmann::json;

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
  // Who paused what, and why: the one thing an operator asks first about a paused endpoint.
  for (const json& e : status["endpoints"]) {
    for (const auto& [scope, key] :
         {std::pair{"everything", "global"}, std::pair{"endpoint", "endpoint"}}) {
      if (e["pause"][key].is_object()) {
        std::printf("  %s paused (%s) by %s\n", e["name"].get<std::string>().c_str(), scope,
                    describePause(e["pause"][key]).c_str());
      }
    }
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
    addApiOptions(command, flags);
  }
  return commands;
}

int runAdmin(const AdminCommands& commands, const AdminFlags& flags) {
  ApiSession api(flags);
  const bool status = commands.status->parsed();
  const auto body = api.get(status ? "/api/v1/status" : "/api/v1/endpoints");
  if (!body) {
    return api.exitStatus();
  }
  if (flags.json) {
    std::printf("%s\n", body->dump(2).c_str());
  } else if (status) {
    printStatus(*body, api.address());
  } else {
    printEndpoints(*body);
  }
  return kExitOk;
}

}  // namespace holdfast::cli
