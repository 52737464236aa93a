// Text form of schedules: names of actors and actions, step lines and the option header.
#include "sim/schedule.h"

#include <array>
#include <charconv>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace holdfast::sim {

namespace {

constexpr std::array<std::pair<Action, std::string_view>, 25> kActionNames{{
    {Action::kPlan, "plan"},
    {Action::kPrepare, "prepare"},
    {Action::kCommit, "commit"},
    {Action::kCleanPrepare, "clean-prepare"},
    {Action::kCleanCommit, "clean-commit"},
    {Action::kEnact, "enact"},
    {Action::kCheck, "check"},
    {Action::kApply, "apply"},
    {Action::kCleanup, "cleanup"},
    {Action::kProbe, "probe"},
    {Action::kSetHealth, "set-health"},
    {Action::kDeletePlan, "delete-plan"},
    {Action::kCorruptPlan, "corrupt-plan"},
    {Action::kDeleteLatest, "delete-latest"},
    {Action::kCorruptLatest, "corrupt-latest"},
    {Action::kDeletePlans, "delete-plans"},
    {Action::kHandPlan, "hand-plan"},
    {Action::kResetSerial, "reset-serial"},
    {Action::kPause, "pause"},
    {Action::kResume, "resume"},
    {Action::kResolve, "resolve"},
    {Action::kSkew, "skew"},
    {Action::kCrash, "crash"},
    {Action::kRestart, "restart"},
    {Action::kFaultsStop, "faults-stop"},
}};

constexpr std::array<std::pair<ActorKind, std::string_view>, 7> kActorNames{{
    {ActorKind::kPlanner, "planner"},
    {ActorKind::kEnactor, "enactor"},
    {ActorKind::kJanitor, "janitor"},
    {ActorKind::kHealth, "health"},
    {ActorKind::kOperator, "operator"},
    {ActorKind::kClient, "client"},
    {ActorKind::kSim, "sim"},
}};

bool numbered(ActorKind kind) {
  return kind == ActorKind::kPlanner || kind == ActorKind::kEnactor || kind == ActorKind::kClient;
}

template <typename T>
std::optional<T> parseNumber(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// "12.345" (seconds, exactly three decimals) -> 12345 ms.
std::optional<std::int64_t> parseSeconds(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || text.size() - dot != 4) {
    return std::nullopt;
  }
  const auto whole = parseNumber<std::int64_t>(text.substr(0, dot));
  const auto millis = parseNumber<std::int64_t>(text.substr(dot + 1));
  if (!whole || !millis || *whole < 0) {
    return std::nullopt;
  }
  return *whole * 1000 + *millis;
}

std::string formatSeconds(std::int64_t ms) {
  return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

std::string formatFault(const OpFault& fault) {
  const std::string op =
      fault.op == OpFault::kEndOfStep ? std::string("end") : std::to_string(fault.op);
  switch (fault.kind) {
    case OpFault::Kind::kLag:
      return fmt::format("lag@{}={}", op, fault.value);
    case OpFault::Kind::kFail:
      return "fail@" + op;
    case OpFault::Kind::kAmbiguous:
      return "ambig@" + op;
    case OpFault::Kind::kConflict:
      return "conflict@" + op;
    case OpFault::Kind::kCrashBefore:
      return "crash@" + op;
    case OpFault::Kind::kCrashAfter:
      return "crash@" + op + "+";
  }
  return "?";
}

std::optional<OpFault> parseFault(std::string_view word) {
  const std::size_t at = word.find('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view name = word.substr(0, at);
  std::string_view rest = word.substr(at + 1);
  OpFault fault;
  if (name == "lag") {
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) {
      return std::nullopt;
    }
    const auto value = parseNumber<int>(rest.substr(eq + 1));
    if (!value || *value < 0) {
      return std::nullopt;
    }
    fault.kind = OpFault::Kind::kLag;
    fault.value = *value;
    rest = rest.substr(0, eq);
  } else if (name == "fail") {
    fault.kind = OpFault::Kind::kFail;
  } else if (name == "ambig") {
    fault.kind = OpFault::Kind::kAmbiguous;
  } else if (name == "conflict") {
    fault.kind = OpFault::Kind::kConflict;
  } else if (name == "crash") {
    fault.kind = OpFault::Kind::kCrashBefore;
    if (rest.ends_with('+')) {
      fault.kind = OpFault::Kind::kCrashAfter;
      rest.remove_suffix(1);
    }
  } else {
    return std::nullopt;
  }
  if (rest == "end" && fault.kind == OpFault::Kind::kCrashBefore) {
    fault.op = OpFault::kEndOfStep;
    return fault;
  }
  const auto op = parseNumber<int>(rest);
  if (!op || *op < 0) {
    return std::nullopt;
  }
  fault.op = *op;
  return fault;
}

std::vector<std::string_view> splitWords(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') {
      ++i;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') {
      ++i;
    }
    if (i > start) {
      words.push_back(line.substr(start, i - start));
    }
  }
  return words;
}

// One "key=value" parameter of a step; false if the key is unknown or the value malformed.
bool parseParam(std::string_view key, std::string_view value, Step& step) {
  if (key == "e") {
    const auto e = parseNumber<int>(value);
    step.endpoint = e.value_or(-2);
    return e && *e >= -1;
  }
  if (key == "g") {
    const auto g = parseNumber<std::uint64_t>(value);
    step.generation = g.value_or(0);
    return g.has_value();
  }
  if (key == "a") {
    step.address = std::string(value);
    return !value.empty();
  }
  if (key == "up") {
    step.up = value == "1";
    return value == "0" || value == "1";
  }
  if (key == "n") {
    const auto n = parseNumber<std::int64_t>(value);
    step.number = n.value_or(0);
    return n.has_value();
  }
  return false;
}

std::string formatPolicy(const control::EndpointPolicy& policy) {
  const bool percent = policy.max_remove.unit == control::ChangeBudget::Unit::kPercent;
  return fmt::format("max-remove={}{} over-budget={} fail-open={} min-healthy={} panic={}%",
                     policy.max_remove.value, percent ? "%" : "",
                     policy.over_budget == control::OverBudget::kStep ? "step" : "hold",
                     policy.fail_open ? 1 : 0, policy.min_healthy, policy.panic_percent);
}

bool parsePolicyWord(std::string_view word, control::EndpointPolicy& policy) {
  const std::size_t eq = word.find('=');
  if (eq == std::string_view::npos) {
    return false;
  }
  const std::string_view key = word.substr(0, eq);
  std::string_view value = word.substr(eq + 1);
  const bool percent = value.ends_with('%');
  if (percent) {
    value.remove_suffix(1);
  }
  if (key == "over-budget") {
    policy.over_budget = value == "hold" ? control::OverBudget::kHold : control::OverBudget::kStep;
    return value == "hold" || value == "step";
  }
  const auto number = parseNumber<std::uint32_t>(value);
  if (!number) {
    return false;
  }
  if (key == "max-remove") {
    policy.max_remove = {
        percent ? control::ChangeBudget::Unit::kPercent : control::ChangeBudget::Unit::kCount,
        *number};
  } else if (key == "fail-open") {
    policy.fail_open = *number != 0;
  } else if (key == "min-healthy") {
    policy.min_healthy = *number;
  } else if (key == "panic") {
    policy.panic_percent = *number;
  } else {
    return false;
  }
  return true;
}

// Integer options of the header, by name.
struct IntOption {
  std::string_view name;
  std::int64_t WorldOptions::*field64;
  int WorldOptions::*field;
};

Error lineError(std::string_view source, std::size_t line, const std::string& what) {
  return makeError(Errc::kParse, fmt::format("{}:{}: {}", source, line, what));
}

// One integer option of the header; nullopt if `key` is not one.
std::optional<Status> parseIntOption(std::string_view key,
                                     std::string_view value,
                                     WorldOptions& options) {
  static const IntOption kOptions[] = {
      {"seed", nullptr, nullptr},
      {"ttl", nullptr, nullptr},
      {"planners", nullptr, &WorldOptions::planners},
      {"enactors", nullptr, &WorldOptions::enactors},
      {"endpoints", nullptr, &WorldOptions::endpoints},
      {"backends", nullptr, &WorldOptions::backends},
      {"keep-plans", nullptr, &WorldOptions::keep_plans},
      {"clients", nullptr, &WorldOptions::clients},
      {"rise", nullptr, &WorldOptions::rise},
      {"fall", nullptr, &WorldOptions::fall},
      {"negative-ttl-ms", &WorldOptions::negative_ttl_ms, nullptr},
      {"recovery-bound-ms", &WorldOptions::recovery_bound_ms, nullptr},
  };
  for (const IntOption& option : kOptions) {
    if (key != option.name) {
      continue;
    }
    const auto number = parseNumber<std::int64_t>(value);
    if (!number || *number < 0) {
      return makeError(Errc::kParse, "expected a non-negative integer for " + std::string(key));
    }
    if (key != "seed" && option.field64 == nullptr && *number > 2147483647) {
      return makeError(Errc::kParse, fmt::format("{} is out of range", key));
    }
    if (key == "seed") {
      options.seed = static_cast<std::uint64_t>(*number);
    } else if (key == "ttl") {
      options.ttl_seconds = static_cast<std::uint32_t>(*number);
    } else if (option.field != nullptr) {
      options.*option.field = static_cast<int>(*number);
    } else {
      options.*option.field64 = *number;
    }
    return okStatus();
  }
  return std::nullopt;
}

Status parseHeaderLine(const std::vector<std::string_view>& words, WorldOptions& options) {
  const std::string_view key = words[0];
  if (key == "policy") {
    for (std::size_t i = 1; i < words.size(); ++i) {
      if (!parsePolicyWord(words[i], options.policy)) {
        return makeError(Errc::kParse, "bad policy setting '" + std::string(words[i]) + "'");
      }
    }
    return okStatus();
  }
  if (words.size() != 2) {
    return makeError(Errc::kParse, "expected '<option> <value>'");
  }
  if (key == "protocol") {
    auto protocol = parseProtocol(words[1]);
    if (!protocol.ok()) {
      return protocol.error();
    }
    options.protocol = *protocol;
    return okStatus();
  }
  if (auto handled = parseIntOption(key, words[1], options); handled.has_value()) {
    return *handled;
  }
  return makeError(Errc::kParse, "unknown option '" + std::string(key) + "'");
}

// Bounds on the sizes a schedule may ask for, so a hand-edited file cannot build a world the
// simulator was never meant to run (hand plans encode backends as a 63-bit mask).
// `lines` maps a header option to the line that set it, so that errors can name it.
Status checkSizes(const WorldOptions& o,
                  std::string_view source,
                  const std::map<std::string, std::size_t, std::less<>>& lines) {
  const struct {
    std::string_view name;
    std::int64_t value;
    std::int64_t max;
    std::int64_t min;
  } sizes[] = {{"planners", o.planners, 8, 1},
               {"enactors", o.enactors, 16, 1},
               {"endpoints", o.endpoints, 8, 1},
               {"backends", o.backends, 60, 1},
               {"clients", o.clients, 64, 0},
               {"keep-plans", o.keep_plans, 1000, 1},
               {"rise", o.rise, 100, 1},
               {"fall", o.fall, 100, 1},
               {"ttl", o.ttl_seconds, 2147483647, 0},
               {"negative-ttl-ms", o.negative_ttl_ms, 86400000, 0},
               {"recovery-bound-ms", o.recovery_bound_ms, 86400000, 1000}};

  for (const auto& size : sizes) {
    if (size.value < size.min || size.value > size.max) {
      const auto line = lines.find(size.name);
      const std::string what =
          fmt::format("{} must be from {} to {}", size.name, size.min, size.max);
      return line == lines.end() ? makeError(Errc::kParse, fmt::format("{}: {}", source, what))
                                 : lineError(source, line->second, what);
    }
  }
  const control::EndpointPolicy& policy = o.policy;
  const bool percent = policy.max_remove.unit == control::ChangeBudget::Unit::kPercent;
  if (policy.max_remove.value == 0 || (percent && policy.max_remove.value > 100) ||
      policy.panic_percent > 100 || policy.min_healthy > static_cast<std::uint32_t>(o.backends)) {
    const auto line = lines.find("policy");
    return line == lines.end()
               ? makeError(Errc::kParse, fmt::format("{}: policy out of range", source))
               : lineError(source, line->second, "policy out of range");
  }
  return okStatus();
}

// Every step must name an actor, endpoint and backend that the options create, in time order:
// a hand-edited step that the world would skip would silently change what is replayed.
Status checkStep(const WorldOptions& o, const Step& step, std::int64_t previous_at) {
  if (step.at_ms < previous_at) {
    return makeError(Errc::kParse, "steps must be in time order");
  }
  const int count = step.actor.kind == ActorKind::kPlanner   ? o.planners
                    : step.actor.kind == ActorKind::kEnactor ? o.enactors
                    : step.actor.kind == ActorKind::kClient  ? o.clients
                                                             : 0;
  if (count > 0 && step.actor.index > count) {
    return makeError(Errc::kParse,
                     fmt::format("no actor {}: the schedule has {}", actorName(step.actor), count));
  }
  if (step.endpoint >= o.endpoints) {
    return makeError(Errc::kParse, fmt::format("no endpoint e={}: the schedule has {}",
                                               step.endpoint, o.endpoints));
  }
  if (!step.address.empty()) {
    bool known = false;
    for (int e = 0; e < o.endpoints && !known; ++e) {
      for (int b = 1; b <= o.backends && !known; ++b) {
        known = step.address == fmt::format("10.0.{}.{}", e, b);
      }
    }
    if (!known) {
      return makeError(Errc::kParse, "a=" + step.address + " is not a backend of the schedule");
    }
  }
  return okStatus();
}

}  // namespace

std::string_view protocolName(Protocol protocol) {
  return protocol == Protocol::kNaive ? "naive" : "holdfast";
}

Result<Protocol> parseProtocol(std::string_view text) {
  if (text == "holdfast") {
    return Protocol::kHoldfast;
  }
  if (text == "naive") {
    return Protocol::kNaive;
  }
  return makeError(Errc::kParse,
                   "unknown protocol '" + std::string(text) + "' (expected holdfast or naive)");
}

std::string actorName(ActorId actor) {
  for (const auto& [kind, name] : kActorNames) {
    if (kind == actor.kind) {
      return numbered(kind) ? fmt::format("{}-{}", name, actor.index) : std::string(name);
    }
  }
  return "?";
}

std::optional<ActorId> parseActor(std::string_view text) {
  for (const auto& [kind, name] : kActorNames) {
    if (!numbered(kind) && text == name) {
      return ActorId{kind, 0};
    }
    if (numbered(kind) && text.size() > name.size() + 1 && text.starts_with(name) &&
        text[name.size()] == '-') {
      const auto index = parseNumber<int>(text.substr(name.size() + 1));
      if (index && *index >= 1) {
        return ActorId{kind, *index};
      }
    }
  }
  return std::nullopt;
}

std::string_view actionName(Action action) {
  for (const auto& [value, name] : kActionNames) {
    if (value == action) {
      return name;
    }
  }
  return "?";
}

std::optional<Action> parseAction(std::string_view text) {
  for (const auto& [value, name] : kActionNames) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

bool Step::sameAs(const Step& other) const {
  return at_ms == other.at_ms && actor == other.actor && action == other.action &&
         endpoint == other.endpoint && generation == other.generation && address == other.address &&
         up == other.up && number == other.number && faults == other.faults;
}

std::string formatStep(const Step& step) {
  std::string out = fmt::format("@{} {} {}", formatSeconds(step.at_ms), actorName(step.actor),
                                actionName(step.action));
  if (step.endpoint >= 0 ||
      (step.endpoint == -1 && (step.action == Action::kPause || step.action == Action::kResume))) {
    out += fmt::format(" e={}", step.endpoint);
  }
  if (step.generation != 0) {
    out += fmt::format(" g={}", step.generation);
  }
  if (!step.address.empty()) {
    out += " a=" + step.address;
  }
  if (step.action == Action::kSetHealth) {
    out += step.up ? " up=1" : " up=0";
  }
  if (step.number != 0) {
    out += fmt::format(" n={}", step.number);
  }
  for (const OpFault& fault : step.faults) {
    out += " " + formatFault(fault);
  }
  if (!step.note.empty()) {
    out += "  # " + step.note;
  }
  return out;
}

Result<Step> parseStep(std::string_view line) {
  if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
    line = line.substr(0, hash);
  }
  const std::vector<std::string_view> words = splitWords(line);
  if (words.size() < 3 || !words[0].starts_with('@')) {
    return makeError(Errc::kParse, "expected '@<seconds> <actor> <action> ...'");
  }
  Step step;
  const auto at = parseSeconds(words[0].substr(1));
  const auto actor = parseActor(words[1]);
  const auto action = parseAction(words[2]);
  if (!at || !actor || !action) {
    return makeError(Errc::kParse, "bad time, actor or action in '" + std::string(line) + "'");
  }
  step.at_ms = *at;
  step.actor = *actor;
  step.action = *action;
  for (std::size_t i = 3; i < words.size(); ++i) {
    const std::string_view word = words[i];
    if (word.find('@') != std::string_view::npos) {
      const auto fault = parseFault(word);
      if (!fault) {
        return makeError(Errc::kParse, "bad fault '" + std::string(word) + "'");
      }
      step.faults.push_back(*fault);
      continue;
    }
    const std::size_t eq = word.find('=');
    if (eq == std::string_view::npos ||
        !parseParam(word.substr(0, eq), word.substr(eq + 1), step)) {
      return makeError(Errc::kParse, "bad parameter '" + std::string(word) + "'");
    }
  }
  return step;
}

std::string formatSchedule(const Schedule& schedule) {
  const WorldOptions& o = schedule.options;
  std::string out = "# holdfast sim schedule; replay with: holdfast sim --replay FILE\n";
  out += fmt::format("protocol {}\nseed {}\n", protocolName(o.protocol), o.seed);
  out += fmt::format("planners {}\nenactors {}\nendpoints {}\nbackends {}\n", o.planners,
                     o.enactors, o.endpoints, o.backends);
  out += fmt::format("keep-plans {}\nclients {}\nttl {}\nnegative-ttl-ms {}\n", o.keep_plans,
                     o.clients, o.ttl_seconds, o.negative_ttl_ms);
  out +=
      fmt::format("rise {}\nfall {}\nrecovery-bound-ms {}\n", o.rise, o.fall, o.recovery_bound_ms);
  out += "policy " + formatPolicy(o.policy) + "\n";
  for (const Step& step : schedule.steps) {
    out += formatStep(step) + "\n";
  }
  return out;
}

Result<Schedule> parseSchedule(std::string_view text, std::string_view source) {
  Schedule schedule;
  std::size_t number = 0;
  std::map<std::string, std::size_t, std::less<>> header_lines;
  std::vector<std::size_t> step_lines;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    const std::vector<std::string_view> words = splitWords(line.substr(0, line.find('#')));
    if (words.empty()) {
      continue;
    }
    if (words[0].starts_with('@')) {
      auto step = parseStep(line);
      if (!step.ok()) {
        return lineError(source, number, step.error().message);
      }
      schedule.steps.push_back(std::move(*step));
      step_lines.push_back(number);
      continue;
    }
    if (!schedule.steps.empty()) {
      return lineError(source, number, "options must come before the first step");
    }
    if (!header_lines.emplace(std::string(words[0]), number).second) {
      return lineError(source, number,
                       fmt::format("option '{}' is given twice (first on line {})", words[0],
                                   header_lines.find(words[0])->second));
    }
    if (auto status = parseHeaderLine(words, schedule.options); !status.ok()) {
      return lineError(source, number, status.error().message);
    }
  }
  if (schedule.steps.empty() || schedule.steps.back().action != Action::kFaultsStop) {
    return makeError(Errc::kParse,
                     fmt::format("{}: schedule must end with a faults-stop step", source));
  }
  if (auto status = checkSizes(schedule.options, source, header_lines); !status.ok()) {
    return status.error();
  }
  std::int64_t previous_at = 0;
  for (std::size_t i = 0; i < schedule.steps.size(); ++i) {
    if (auto status = checkStep(schedule.options, schedule.steps[i], previous_at); !status.ok()) {
      return lineError(source, step_lines[i], status.error().message);
    }
    previous_at = schedule.steps[i].at_ms;
  }
  return schedule;
}

}  // namespace holdfast::sim
