// `--store-direct`: the operator commands on the SQLite store of a configuration, without the
// admin API, for when no `holdfast up` runs (a running one sees the change at once all the same).
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/run_files.h"
#include "common/clock.h"
#include "common/log.h"
#include "config/config.h"
#include "control/enactor.h"
#include "control/pause.h"
#include "control/review.h"
#include "store/sqlite_store.h"

namespace holdfast::cli {

namespace {

// Bound on prepare/commit rounds of `apply`: a refusal means an enactor published first.
constexpr int kApplyAttempts = 8;

const log::Logger& logger() {
  static const log::Logger instance("cli.ops");
  return instance;
}

int fail(int status, const std::string& message) {
  std::fprintf(stderr, "holdfast: %s\n", message.c_str());
  return status;
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SystemClock::instance().wallNow().time_since_epoch())
      .count();
}

std::string formatTime(std::int64_t ms) {
  const std::chrono::system_clock::time_point at{std::chrono::milliseconds(ms)};
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(at)));
}

std::string join(const std::vector<std::string>& items, std::string_view sign) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : " ") + std::string(sign) + item;
  }
  return out;
}

// The configuration and the store of a running `holdfast up`.
struct Opened {
  config::Config config;
  std::unique_ptr<store::Store> store;
};

Result<Opened> open(const std::string& config_path) {
  auto config = config::loadConfig(config_path);
  if (!config.ok()) {
    return config.error();
  }
  log::configure(config->log_level, log::Format::kText);
  if (config->store.backend != "sqlite") {
    return makeError(Errc::kConfig, "store.backend " + config->store.backend +
                                        " keeps nothing another process can see; operator "
                                        "commands need the sqlite store");
  }
  const std::filesystem::path file = config->data_dir / "holdfast.db";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return makeError(Errc::kIo, "no store at " + file.string() +
                                    " (has `holdfast up` run with this configuration, from this "
                                    "directory?)");
  }
  auto store = store::SqliteStore::open(file);
  if (!store.ok()) {
    return store.error();
  }
  return Opened{std::move(config).value(), std::move(store).value()};
}

// The configured endpoint named `name` ("api.example.test" or with the trailing dot).
Result<const control::EndpointConfig*> findEndpoint(const config::Config& config,
                                                    std::string name) {
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (name.empty() || name.back() != '.') {
    name.push_back('.');
  }
  for (const control::EndpointConfig& endpoint : config.endpoints) {
    if (endpoint.name == name) {
      return &endpoint;
    }
  }
  return makeError(Errc::kNotFound, "no endpoint " + name + " in " + config.source.string());
}

std::string describePause(const control::PauseState& pause) {
  std::string out;
  for (const auto& [scope, record] :
       {std::pair{"everything", &pause.global}, std::pair{"this endpoint", &pause.endpoint}}) {
    if (*record) {
      out += fmt::format("{}{} paused by {} at {}: {}", out.empty() ? "" : "; ", scope,
                         (*record)->by, formatTime((*record)->at_ms), (*record)->reason);
    }
  }
  return out.empty() ? "no" : out;
}

void printReview(const control::EndpointConfig& endpoint, const control::Review& review) {
  std::printf("endpoint   %s\n", endpoint.name.c_str());
  if (review.published) {
    std::printf("published  generation %llu: %zu address(es) [%s] by %s\n",
                static_cast<unsigned long long>(review.published->generation),
                review.published->addresses.size(),
                control::joinAddresses(review.published->addresses).c_str(),
                review.published->applied_by.c_str());
  } else {
    std::printf("published  nothing yet\n");
  }
  if (review.plan) {
    std::printf("newest     generation %llu: %zu address(es) [%s]%s%s\n",
                static_cast<unsigned long long>(review.plan->generation),
                review.plan->addresses.size(),
                control::joinAddresses(review.plan->addresses).c_str(),
                review.plan->reason.empty() ? "" : " -- ", review.plan->reason.c_str());
    std::printf("diff       %s (%zu added, %zu removed)\n",
                review.diff.added.empty() && review.diff.removed.empty()
                    ? "none"
                    : (join(review.diff.added, "+") +
                       (review.diff.added.empty() || review.diff.removed.empty() ? "" : " ") +
                       join(review.diff.removed, "-"))
                          .c_str(),
                review.diff.added.size(), review.diff.removed.size());
  } else {
    std::printf("newest     no valid plan\n");
  }
  std::printf("budget     at most %zu address(es) removed per publish\n", review.allowed_removals);
  std::printf("paused     %s\n", describePause(review.pause).c_str());
  std::printf("verdict    %s\n", std::string(control::verdictName(review.verdict)).c_str());
}

int runPause(const OpsFlags& flags, bool pause) {
  auto opened = open(flags.api.config_path);
  if (!opened.ok()) {
    return fail(kExitConfig, opened.error().message);
  }
  std::string endpoint_name;
  if (!flags.endpoint.empty()) {
    auto endpoint = findEndpoint(opened->config, flags.endpoint);
    if (!endpoint.ok()) {
      return fail(kExitConfig, endpoint.error().message);
    }
    endpoint_name = (*endpoint)->name;
  }
  const std::string scope = endpoint_name.empty() ? std::string("every endpoint") : endpoint_name;
  // The store is found from the working directory: say so when no server uses it right now.
  if (!findRunningUp(opened->config.data_dir).ok()) {
    std::fprintf(stderr,
                 "note: no running `holdfast up` uses %s (is this the directory it runs in?); "
                 "the change applies to the store there all the same\n",
                 opened->config.data_dir.string().c_str());
  }
  auto before = control::readPause(*opened->store, endpoint_name);
  if (!before.ok()) {
    return fail(kExitRuntime, before.error().message);
  }
  const std::optional<control::PauseRecord>& same_scope =
      endpoint_name.empty() ? before->global : before->endpoint;
  if (pause) {
    if (same_scope) {
      std::printf("already paused by %s at %s: %s; the new reason replaces it\n",
                  same_scope->by.c_str(), formatTime(same_scope->at_ms).c_str(),
                  same_scope->reason.c_str());
    }
    const control::PauseRecord record{operatorName(), nowMs(), flags.reason};
    if (auto s = control::pauseAutomation(*opened->store, endpoint_name, record); !s.ok()) {
      return fail(kExitRuntime, s.error().message);
    }
    logger().info("automation paused",
                  {{"endpoint.name", endpoint_name.empty() ? "*" : endpoint_name},
                   {"pause.by", record.by},
                   {"pause.reason", record.reason}});
    std::printf("paused %s: nothing is published until `holdfast resume`\n", scope.c_str());
    return kExitOk;
  }
  auto resumed = control::resumeAutomation(*opened->store, endpoint_name);
  if (!resumed.ok()) {
    return fail(kExitRuntime, resumed.error().message);
  }
  if (*resumed) {
    logger().info("automation resumed",
                  {{"endpoint.name", endpoint_name.empty() ? "*" : endpoint_name},
                   {"pause.by", operatorName()}});
  }
  std::printf("%s %s\n", *resumed ? "resumed" : "was not paused:", scope.c_str());
  if (!endpoint_name.empty() && before->global) {
    std::printf(
        "note: every endpoint is still paused by %s at %s: %s (`holdfast resume` with "
        "no endpoint lifts it)\n",
        before->global->by.c_str(), formatTime(before->global->at_ms).c_str(),
        before->global->reason.c_str());
  }
  return kExitOk;
}

int runDiff(const OpsFlags& flags) {
  auto opened = open(flags.api.config_path);
  if (!opened.ok()) {
    return fail(kExitConfig, opened.error().message);
  }
  auto endpoint = findEndpoint(opened->config, flags.endpoint);
  if (!endpoint.ok()) {
    return fail(kExitConfig, endpoint.error().message);
  }
  auto review = control::reviewEndpoint(*opened->store, **endpoint, false);
  if (!review.ok()) {
    return fail(kExitRuntime, review.error().message);
  }
  printReview(**endpoint, *review);
  return kExitOk;
}

// prepare() and commit() as an operator's enactor, as enactEndpoint() does, with the approval
// and the reason of the command line.
int publishNow(Opened& opened, const control::EndpointConfig& endpoint, const OpsFlags& flags) {
  control::Enactor enactor(
      operatorName(), *opened.store, opened.config.endpoints,
      control::EnactorOptions{opened.config.control.keep_plans, std::chrono::seconds(5)},
      SystemClock::instance());
  for (int attempt = 0; attempt < kApplyAttempts; ++attempt) {
    auto prepared = enactor.prepare(endpoint);
    if (!prepared.ok()) {
      return fail(kExitRuntime, prepared.error().message);
    }
    if (!prepared->has_value()) {
      std::printf("%s is up to date: nothing newer than what is published\n",
                  endpoint.name.c_str());
      return kExitOk;
    }
    (*prepared)->approved = flags.approve;
    (*prepared)->note = flags.reason;
    auto outcome = enactor.commit(**prepared);
    if (!outcome.ok()) {
      return fail(kExitRuntime, outcome.error().message);
    }
    switch (*outcome) {
      case control::CommitOutcome::kApplied:
        std::printf("published generation %llu of %s\n",
                    static_cast<unsigned long long>((*prepared)->plan.generation),
                    endpoint.name.c_str());
        return kExitOk;
      case control::CommitOutcome::kHeld:
        return fail(kExitRuntime,
                    "held: the plan removes more addresses than the change budget "
                    "allows; see `holdfast plan diff`, then apply with --approve");
      case control::CommitOutcome::kPaused:
        return fail(kExitRuntime, "paused: run `holdfast resume` first");
      case control::CommitOutcome::kRefused:
        break;  // an enactor published first; look again
    }
  }
  return fail(kExitRuntime, "every attempt was refused: the endpoint keeps changing");
}

int runApply(const OpsFlags& flags) {
  auto opened = open(flags.api.config_path);
  if (!opened.ok()) {
    return fail(kExitConfig, opened.error().message);
  }
  auto found = findEndpoint(opened->config, flags.endpoint);
  if (!found.ok()) {
    return fail(kExitConfig, found.error().message);
  }
  const control::EndpointConfig& endpoint = **found;
  auto review = control::reviewEndpoint(*opened->store, endpoint, flags.approve);
  if (!review.ok()) {
    return fail(kExitRuntime, review.error().message);
  }
  if (flags.dry_run) {
    printReview(endpoint, *review);
    std::printf("dry run    nothing was written\n");
    return kExitOk;
  }

  return publishNow(*opened, endpoint, flags);
}

int runHistory(const OpsFlags& flags) {
  auto opened = open(flags.api.config_path);
  if (!opened.ok()) {
    return fail(kExitConfig, opened.error().message);
  }
  auto endpoint = findEndpoint(opened->config, flags.endpoint);
  if (!endpoint.ok()) {
    return fail(kExitConfig, endpoint.error().message);
  }
  auto history = control::readHistory(*opened->store, **endpoint);
  if (!history.ok()) {
    return fail(kExitRuntime, history.error().message);
  }
  const std::size_t first =
      flags.limit > 0 && history->size() > flags.limit ? history->size() - flags.limit : 0;
  for (std::size_t i = first; i < history->size(); ++i) {
    const control::JournalEntry& e = (*history)[i].entry;
    std::printf("%s  serial %llu  %s  generation %llu -> %llu  %s%s%s  why: %s\n",
                formatTime(e.applied_at_ms).c_str(),
                static_cast<unsigned long long>((*history)[i].serial_offset), e.enactor.c_str(),
                static_cast<unsigned long long>(e.old_generation),
                static_cast<unsigned long long>(e.new_generation), join(e.added, "+").c_str(),
                e.added.empty() || e.removed.empty() ? "" : " ", join(e.removed, "-").c_str(),
                e.why.empty() ? "-" : e.why.c_str());
  }
  if (history->empty()) {
    std::printf("no publish of %s in the journal yet\n", (*endpoint)->name.c_str());
  }
  return kExitOk;
}

}  // namespace

int runOpsOnStore(const OpsCommands& commands, const OpsFlags& flags) {
  if (flags.api.config_path.empty()) {
    return fail(kExitConfig, "--store-direct needs --config FILE (the store is found from it)");
  }
  if (*commands.pause) {
    return runPause(flags, true);
  }
  if (*commands.resume) {
    return runPause(flags, false);
  }
  if (*commands.plan_diff) {
    return runDiff(flags);
  }
  if (*commands.apply) {
    return runApply(flags);
  }
  if (*commands.history && !flags.endpoint.empty()) {
    return runHistory(flags);
  }
  return fail(kExitConfig,
              "--store-direct supports pause, resume, plan diff, apply and history NAME; use the "
              "admin API of a running holdfast up for the rest");
}

}  // namespace holdfast::cli
