// Schedules: the steps of one simulated run, and their text form for printing and --replay.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/endpoint.h"

namespace holdfast::sim {

enum class Protocol {
  kHoldfast,  // the real control classes: Planner, Enactor, Janitor, HealthChecker
  kNaive,     // the October 2025 design, modelled in naive_enactor.h
};

[[nodiscard]] std::string_view protocolName(Protocol protocol);
[[nodiscard]] Result<Protocol> parseProtocol(std::string_view text);

// Everything needed to build the same world again: a schedule plus these replays exactly.
struct WorldOptions {
  Protocol protocol = Protocol::kHoldfast;
  std::uint64_t seed = 1;
  int planners = 1;
  int enactors = 3;
  int endpoints = 1;
  int backends = 4;    // per endpoint: 10.0.<endpoint>.1 ..
  int keep_plans = 3;  // janitor retention K (naive: its clean-up's "much older")
  int clients = 3;     // resolvers with TTL caches
  std::uint32_t ttl_seconds = 5;
  std::int64_t negative_ttl_ms = 30000;  // how long a client caches an empty answer
  int rise = 1;                          // health checker hysteresis
  int fall = 1;
  std::int64_t recovery_bound_ms = 30000;  // L1: converge within this after faults stop
  control::EndpointPolicy policy;          // of every endpoint (holdfast protocol)
};

enum class ActorKind {
  kPlanner,
  kEnactor,
  kJanitor,
  kHealth,
  kOperator,
  kClient,
  kSim,  // the simulator itself: faults stopping, injected conflicting writes
};

// Planners, enactors and clients are numbered from 1; the others have index 0.
struct ActorId {
  ActorKind kind = ActorKind::kSim;
  int index = 0;

  auto operator<=>(const ActorId&) const = default;
};

// "planner-1", "enactor-2", "janitor", "health", "operator", "client-3", "sim".
[[nodiscard]] std::string actorName(ActorId actor);
[[nodiscard]] std::optional<ActorId> parseActor(std::string_view text);

enum class Action {
  kPlan,           // planner: Planner::planEndpoint(e)
  kPrepare,        // enactor: Enactor::prepare(e); janitor: Janitor::prepare(e)
  kCommit,         // enactor: Enactor::commit(held); janitor: Janitor::commit(held)
  kCleanPrepare,   // enactor: its janitor's prepare(e) after a publish
  kCleanCommit,    // enactor: its janitor's commit(held)
  kEnact,          // enactor: Enactor::enactEndpoint(e), the whole loop in one step
  kCheck,          // naive enactor: the newer-than check, once, for every endpoint
  kApply,          // naive enactor: writes its held plan to endpoint e under the lock
  kCleanup,        // naive enactor: deletes plans much older than the ones it applied
  kProbe,          // health: HealthChecker::probeAll() against the simulated backends
  kSetHealth,      // health: backend `a` goes up or down (no store operation)
  kDeletePlan,     // operator: deletes plans/<e>/<g> by hand
  kCorruptPlan,    // operator: overwrites plans/<e>/<g> with garbage
  kDeleteLatest,   // operator: deletes plans/<e>/latest
  kCorruptLatest,  // operator: overwrites plans/<e>/latest with garbage
  kDeletePlans,    // operator: deletes every key under plans/<e>/
  kHandPlan,       // operator: writes plan g by hand with the backends in bit mask n
  kResetSerial,    // operator: zone serial of e deleted (n=0), set to 0 (1), garbled (2)
  kPause,          // operator: pauses endpoint e (or all with e=-1)
  kResume,         // operator: resumes endpoint e (or all with e=-1)
  kResolve,        // client: resolves endpoint e through its TTL cache
  kSkew,           // any actor: its clock is n ms off from now on
  kCrash,          // any actor: loses everything held in memory
  kRestart,        // any actor: comes back with empty memory
  kFaultsStop,     // sim: faults stop; backend a flips; enactor n stays paused (L2)
};

[[nodiscard]] std::string_view actionName(Action action);
[[nodiscard]] std::optional<Action> parseAction(std::string_view text);

// A fault injected into the n-th store operation of a step (counted from 0).
struct OpFault {
  enum class Kind {
    kLag,          // a read served `value` revisions stale (it happened that much earlier)
    kFail,         // the operation fails and changes nothing
    kAmbiguous,    // the transaction commits but the caller is told it failed
    kConflict,     // another writer touches a compared key just before the transaction
    kCrashBefore,  // the actor dies before the operation takes effect
    kCrashAfter,   // the operation takes effect, then the actor dies
  };
  static constexpr int kEndOfStep = -1;  // op index of a crash after the step's last operation

  Kind kind = Kind::kFail;
  int op = 0;
  int value = 0;

  bool operator==(const OpFault&) const = default;
};

struct Step {
  std::int64_t at_ms = 0;  // virtual time
  ActorId actor;
  Action action = Action::kProbe;
  int endpoint = -1;             // e=
  std::uint64_t generation = 0;  // g=
  std::string address;           // a=
  bool up = false;               // up= (set-health)
  std::int64_t number = 0;       // n=
  std::vector<OpFault> faults;
  std::string note;  // what happened; written as a comment, ignored when parsed

  // Equal in everything but the note.
  [[nodiscard]] bool sameAs(const Step& other) const;
};

// The chaos phase of a run; it ends with the faults-stop step. The recovery phase that follows
// is deterministic and is not part of the schedule.
struct Schedule {
  WorldOptions options;
  std::vector<Step> steps;
};

// "@12.345 enactor-2 commit e=0 conflict@2 crash@3+  # refused: ..." (without the newline).
[[nodiscard]] std::string formatStep(const Step& step);
[[nodiscard]] Result<Step> parseStep(std::string_view line);

// The whole schedule: an option header, then one step per line.
[[nodiscard]] std::string formatSchedule(const Schedule& schedule);
// Errors: kParse naming the line.
[[nodiscard]] Result<Schedule> parseSchedule(std::string_view text,
                                             std::string_view source = "schedule");

}  // namespace holdfast::sim
