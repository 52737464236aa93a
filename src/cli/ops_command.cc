// Operator commands through the admin API of a running `holdfast up`: pause, resume, plan
// show|diff, apply and history. Each sends one or two requests and prints a table or the JSON.
#include <chrono>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/ops_tables.h"
#include "cli/progress.h"
#include "common/clock.h"

namespace holdfast::cli {

namespace {

using nlohmann::json;

// How often `apply` asks whether its publish shows; each ask is one read of the store.
constexpr std::chrono::milliseconds kWaitPoll{200};

void printJson(const json& body) {
  std::printf("%s\n", body.dump(2).c_str());
}

std::string pausePath(const OpsFlags& flags, const std::string& what) {
  return flags.endpoint.empty() ? "/api/v1/" + what : endpointPath(flags.endpoint, "/" + what);
}

int runPause(const OpsFlags& flags) {
  ApiSession api(flags.api);
  const auto body =
      api.post(pausePath(flags, "pause"), {{"reason", flags.reason}, {"by", operatorName()}});
  if (!body) {
    return api.exitStatus();
  }
  if (flags.api.json) {
    printJson(*body);
    return kExitOk;
  }
  const std::string scope = (*body)["paused"].get<std::string>();
  std::printf("paused %s by %s: nothing is published until `holdfast resume`\n",
              scope == "all" ? "every endpoint" : scope.c_str(),
              (*body)["by"].get<std::string>().c_str());
  return kExitOk;
}

int runResume(const OpsFlags& flags) {
  ApiSession api(flags.api);
  const auto body = api.post(pausePath(flags, "resume"), json::object());
  if (!body) {
    return api.exitStatus();
  }
  if (flags.api.json) {
    printJson(*body);
    return kExitOk;
  }
  const std::string resumed = (*body)["resumed"].get<std::string>();
  const std::string scope = resumed == "all" ? "every endpoint" : resumed;
  std::printf("%s %s\n",
              (*body)["lifted"].get<bool>() ? "resumed" : "was not paused:", scope.c_str());
  // A pause of everything outlives the lifting of one endpoint's pause: say so.
  if (resumed != "all") {
    const auto status = api.get("/api/v1/status");
    if (status && (*status)["paused"].get<bool>()) {
      std::printf(
          "note: every endpoint is still paused (`holdfast resume` with no endpoint lifts "
          "it)\n");
    }
  }
  return kExitOk;
}

int runPlanShow(const OpsFlags& flags) {
  ApiSession api(flags.api);
  const std::string suffix = flags.plan == 0 ? "/plans" : "/plans/" + std::to_string(flags.plan);
  const auto body = api.get(endpointPath(flags.endpoint, suffix));
  if (!body) {
    return api.exitStatus();
  }
  if (flags.api.json) {
    printJson(*body);
  } else {
    printPlans(*body);
  }
  return kExitOk;
}

int runPlanDiff(const OpsFlags& flags) {
  ApiSession api(flags.api);
  const auto body = api.get(endpointPath(flags.endpoint, "/diff"));
  if (!body) {
    return api.exitStatus();
  }
  if (flags.api.json) {
    printJson(*body);
  } else {
    printReview(*body);
  }
  return kExitOk;
}

int runHistory(const OpsFlags& flags) {
  ApiSession api(flags.api);
  std::vector<std::string> names{flags.endpoint};
  if (flags.endpoint.empty()) {
    const auto endpoints = api.get("/api/v1/endpoints");
    if (!endpoints) {
      return api.exitStatus();
    }
    names.clear();
    for (const json& e : (*endpoints)["endpoints"]) {
      names.push_back(e["name"].get<std::string>());
    }
  }
  const std::string query = flags.limit == 0 ? "" : "?limit=" + std::to_string(flags.limit);
  std::vector<json> answers;
  for (const std::string& name : names) {
    auto answer = api.get(endpointPath(name, "/history" + query));
    if (!answer) {
      return api.exitStatus();
    }
    answers.push_back(*std::move(answer));
  }
  if (flags.api.json) {
    printJson(flags.endpoint.empty() ? json{{"histories", answers}} : answers.front());
  } else {
    printHistory(answers);
  }
  return kExitOk;
}

// Polls the endpoint until its published generation reaches `generation`, at most
// flags.wait_seconds, with a progress line on a terminal. False when the wait ran out.
// Limitation: the API commits the publish inside the apply request, so the first read already
// shows it; waiting until the authoritative server answers with it would need the served zone
// serial in the API, which it does not expose yet.
bool waitForPublish(ApiSession& api, const OpsFlags& flags, std::uint64_t generation) {
  ProgressLine progress(stderr, progressModeFor(flags.api.json), SystemClock::instance());
  while (true) {
    const auto endpoint = api.get(endpointPath(flags.endpoint, ""));
    if (!endpoint) {
      return false;
    }
    if ((*endpoint)["generation"].get<std::uint64_t>() >= generation) {
      return true;
    }
    if (progress.elapsedSeconds() >= flags.wait_seconds) {
      progress.finish();
      std::fprintf(stderr, "holdfast: generation %llu is not published after %.1f s\n",
                   static_cast<unsigned long long>(generation), flags.wait_seconds);
      return false;
    }
    progress.update(fmt::format("waiting for generation {} to be published: {:.0f}s of {:.0f}s",
                                generation, progress.elapsedSeconds(), flags.wait_seconds));
    std::this_thread::sleep_for(kWaitPoll);
  }
}

int runApply(const OpsFlags& flags) {
  ApiSession api(flags.api);
  json request{{"dry_run", flags.dry_run},
               {"approve", flags.approve},
               {"by", operatorName()},
               {"reason", flags.reason}};
  if (flags.generation != 0) {
    request["generation"] = flags.generation;
  }
  const auto body = api.post(endpointPath(flags.endpoint, "/apply"), request);
  if (!body) {
    return api.exitStatus();
  }
  if (flags.dry_run) {
    if (flags.api.json) {
      printJson(*body);
    } else {
      printReview(*body);
      std::printf("dry run    nothing was written\n");
    }
    return kExitOk;
  }
  const std::uint64_t generation = (*body)["generation"].get<std::uint64_t>();
  if (!waitForPublish(api, flags, generation)) {
    return api.exitStatus() == kExitOk ? kExitRuntime : api.exitStatus();
  }
  if (flags.api.json) {
    printJson(*body);
    return kExitOk;
  }
  std::printf("published generation %llu of %s (%s) by %s%s\n",
              static_cast<unsigned long long>(generation),
              (*body)["endpoint"].get<std::string>().c_str(),
              describeChange((*body)["added"], (*body)["removed"]).c_str(),
              (*body)["by"].get<std::string>().c_str(),
              (*body)["approved"].get<bool>() ? ", approved over the change budget" : "");
  return kExitOk;
}

// Whether a command also works on the store without a server.
enum class StoreDirect {
  kNo,
  kYes,
};

// The API options, and --store-direct for the commands that also work without a server.
CLI::App* addOptions(CLI::App* command, OpsFlags& flags, StoreDirect store_direct) {
  addApiOptions(command, flags.api);
  if (store_direct == StoreDirect::kYes) {
    command->add_flag("--store-direct", flags.store_direct,
                      "work on the store of --config without the admin API (no server needed)");
  }
  return command;
}

}  // namespace

OpsCommands addOpsCommands(CLI::App& app, OpsFlags& flags) {
  OpsCommands commands;
  commands.pause =
      addOptions(app.add_subcommand("pause", "freeze what is published, for every endpoint or one"),
                 flags, StoreDirect::kYes);
  commands.pause->add_option("endpoint", flags.endpoint, "endpoint (default: every endpoint)");
  commands.pause->add_option("--reason", flags.reason, "why, for the pause record");

  commands.resume = addOptions(app.add_subcommand("resume", "lift a pause set by `holdfast pause`"),
                               flags, StoreDirect::kYes);
  commands.resume->add_option("endpoint", flags.endpoint, "endpoint (default: the global pause)");

  commands.plan = app.add_subcommand("plan", "inspect plans");
  commands.plan->require_subcommand(1);
  commands.plan_show = addOptions(
      commands.plan->add_subcommand("show", "the plans kept for an endpoint, or one of them"),
      flags, StoreDirect::kNo);
  commands.plan_show->add_option("endpoint", flags.endpoint, "endpoint")->required();
  commands.plan_show->add_option("generation", flags.plan, "one plan (default: every plan kept)")
      ->check(CLI::PositiveNumber);
  commands.plan_diff = addOptions(
      commands.plan->add_subcommand("diff", "what the next publish of an endpoint would change"),
      flags, StoreDirect::kYes);
  commands.plan_diff->add_option("endpoint", flags.endpoint, "endpoint")->required();

  commands.apply = addOptions(
      app.add_subcommand("apply", "publish the newest plan of an endpoint now, as an operator"),
      flags, StoreDirect::kYes);
  commands.apply->add_option("endpoint", flags.endpoint, "endpoint")->required();
  commands.apply->add_flag("--dry-run", flags.dry_run,
                           "show what would be published; change nothing");
  commands.apply->add_flag("--approve", flags.approve,
                           "approve a plan that exceeds the change budget");
  commands.apply->add_option("--reason", flags.reason, "why, for the audit journal");
  commands.apply
      ->add_option("--generation", flags.generation,
                   "refuse unless this is still the newest plan (the one reviewed)")
      ->check(CLI::PositiveNumber);
  commands.apply
      ->add_option("--wait", flags.wait_seconds,
                   "seconds to wait until the publish shows in the API")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();

  commands.history =
      addOptions(app.add_subcommand("history", "the audit journal: who, when, what, why"), flags,
                 StoreDirect::kYes);
  commands.history->add_option("endpoint", flags.endpoint, "endpoint (default: every endpoint)");
  commands.history->add_option("-n,--limit", flags.limit, "only the last N entries per endpoint")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  return commands;
}

int runOps(const OpsCommands& commands, const OpsFlags& flags) {
  if (flags.store_direct) {
    return runOpsOnStore(commands, flags);
  }
  if (*commands.pause) {
    return runPause(flags);
  }
  if (*commands.resume) {
    return runResume(flags);
  }
  if (*commands.plan_show) {
    return runPlanShow(flags);
  }
  if (*commands.plan_diff) {
    return runPlanDiff(flags);
  }
  if (*commands.apply) {
    return runApply(flags);
  }
  if (*commands.history) {
    return runHistory(flags);
  }
  return kExitConfig;
}

}  // namespace holdfast::cli
