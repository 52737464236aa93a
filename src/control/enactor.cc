// Enactor: prepare (read and judge) and commit (one compare-and-swap transaction).
#include "control/enactor.h"

#include <algorithm>
#include <utility>

#include "control/ip_address.h"
#include "control/plan_lookup.h"
#include "control/published_state.h"
#include "control/status_board.h"
#include "control/worker_internal.h"

namespace holdfast::control {

namespace {

std::int64_t millisSinceEpoch(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wallNow().time_since_epoch())
      .count();
}

// The one transaction of a publish: published record, zone serial and journal entry, applied
// only if published/<e> and the serial are exactly as prepare() read them.
store::TxnRequest publishTxn(const Attempt& attempt,
                             const PublishedRecord& next,
                             std::uint64_t offset,
                             const JournalEntry& entry) {
  store::TxnRequest request;
  // S3: the newer-than check made in prepare() holds only if published/<e> is still the record
  // it looked at; the compare makes the check part of this transaction.
  request.compares.push_back(store::Compare::modRevisionIs(publishedKey(attempt.endpoint),
                                                           attempt.published_mod_revision));
  request.compares.push_back(
      store::Compare::modRevisionIs(serialKey(attempt.zone), attempt.serial_mod_revision));
  // A pause that committed first always wins: it is checked here, not before.
  request.compares.push_back(store::Compare::absent(std::string(kPausedKey)));
  request.compares.push_back(store::Compare::absent(pausedKey(attempt.endpoint)));
  // The journal is append-only: an entry is never overwritten.
  // Limitation: the journal is never compacted.
  request.compares.push_back(store::Compare::absent(journalKey(attempt.zone, offset)));
  request.success.push_back(store::Op::put(publishedKey(attempt.endpoint), encodePublished(next)));
  request.success.push_back(store::Op::put(serialKey(attempt.zone), encodeSerial({offset})));
  request.success.push_back(store::Op::put(journalKey(attempt.zone, offset), encodeJournal(entry)));
  return request;
}

}  // namespace

Enactor::Enactor(std::string id,
                 store::Store& store,
                 std::vector<EndpointConfig> endpoints,
                 EnactorOptions options,
                 const Clock& clock)
    : id_(std::move(id)),
      store_(store),
      endpoints_(std::move(endpoints)),
      options_(options),
      clock_(clock),
      janitor_(store, endpoints_, options.keep_plans) {
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    index_.emplace(endpoints_[i].name, i);
  }
}

Enactor::~Enactor() {
  stop();
}

Result<std::optional<Attempt>> Enactor::prepare(const EndpointConfig& endpoint) {
  auto published = readPublished(store_, endpoint.name);
  if (!published.ok()) {
    return published.error();
  }
  // Limitation: an unreadable published record counts as generation 0 and is replaced by the
  // newest valid plan; a record written by a newer, incompatible version would be replaced too.
  if (!published->problem.empty()) {
    logger_.warn("published record unreadable, replacing it",
                 {{"endpoint.name", endpoint.name}, {"error.message", published->problem}});
  }

  auto plan = newestValidPlan(endpoint);
  if (!plan.ok()) {
    return plan.error();
  }
  // S2: only a plan newer than what is published is worth a transaction.
  if (!plan->has_value() || (*plan)->generation <= published->generation()) {
    return std::optional<Attempt>();
  }

  auto serial = readSerial(endpoint.zone);
  if (!serial.ok()) {
    return serial.error();
  }
  return std::optional<Attempt>(Attempt{endpoint.name, endpoint.zone, std::move(**plan),
                                        published->record, published->mod_revision, serial->first,
                                        serial->second});
}

Result<CommitOutcome> Enactor::commit(const Attempt& attempt) {
  const Generation old_generation = attempt.published ? attempt.published->generation : 0;
  if (attempt.plan.addresses.empty()) {
    return makeError(Errc::kInternal,
                     "refusing to publish no addresses for " + attempt.endpoint + " (S1)");
  }
  if (attempt.plan.generation <= old_generation) {
    return makeError(Errc::kInternal,
                     "refusing to publish an older generation for " + attempt.endpoint + " (S2)");
  }
  const EndpointConfig* endpoint = findEndpoint(attempt.endpoint);
  if (endpoint == nullptr) {
    return makeError(Errc::kInvalidArgument, attempt.endpoint + " is not a configured endpoint");
  }

  const std::vector<std::string> addresses = sortedAddresses(attempt.plan.addresses);
  const AddressDiff diff = diffAddresses(
      attempt.published ? attempt.published->addresses : std::vector<std::string>{}, addresses);
  // The change budget is judged against the record the transaction compares, so it holds for
  // what is actually replaced; an operator's approval lifts it.
  const std::size_t allowed = endpoint->policy.max_remove.allowed(
      attempt.published ? attempt.published->addresses.size() : 0);
  if (attempt.published && !attempt.approved && diff.removed.size() > allowed) {
    notice(attempt.endpoint, attempt.plan.generation, Notice::kHeld, diff.removed.size(), allowed);
    StatusBoard::process().recordHeld(id_);
    return CommitOutcome::kHeld;
  }

  const PublishedRecord next{attempt.plan.generation, attempt.zone, attempt.plan.rrtype,
                             attempt.plan.ttl,        addresses,    id_};
  const std::uint64_t offset = attempt.serial_offset + 1;
  std::string why = attempt.plan.reason;
  if (attempt.approved || !attempt.note.empty()) {
    why += std::string(why.empty() ? "" : "; ") + (attempt.approved ? "approved by " : "by ") +
           id_ + (attempt.note.empty() ? "" : ": " + attempt.note);
  }
  const JournalEntry entry{attempt.endpoint,
                           old_generation,
                           next.generation,
                           diff.added,
                           diff.removed,
                           id_,
                           millisSinceEpoch(clock_),
                           why};

  const store::TxnRequest request = publishTxn(attempt, next, offset, entry);
  auto committed = store_.txn(request);
  if (!committed.ok()) {
    return committed.error();
  }
  if (!committed->succeeded) {
    return explainRefusal(attempt);
  }
  notice(attempt.endpoint, attempt.plan.generation, Notice::kNone, 0, 0);
  StatusBoard::process().recordApplied(id_, attempt.endpoint, next.generation, entry.applied_at_ms);
  logger_.info("plan applied", {{"endpoint.name", attempt.endpoint},
                                {"plan.generation", next.generation},
                                {"enactor.id", id_},
                                {"zone.serial_offset", offset},
                                {"plan.added", joinAddresses(diff.added)},
                                {"plan.removed", joinAddresses(diff.removed)},
                                {"plan.reason", why}});
  return CommitOutcome::kApplied;
}

const EndpointConfig* Enactor::findEndpoint(std::string_view name) const {
  for (const EndpointConfig& endpoint : endpoints_) {
    if (endpoint.name == name) {
      return &endpoint;
    }
  }
  return nullptr;
}

void Enactor::notice(const std::string& endpoint,
                     Generation generation,
                     Notice kind,
                     std::size_t removed,
                     std::size_t allowed) {
  {
    // Held and paused plans are seen on every pass; each is logged once, when it starts.
    const std::lock_guard lock(mu_);
    auto& last = notices_[endpoint];
    const std::pair<Notice, Generation> now{kind, kind == Notice::kPaused ? 0 : generation};
    if (last == now) {
      return;
    }
    last = now;
  }
  if (kind == Notice::kHeld) {
    logger_.warn("plan held: it removes more addresses than the change budget allows",
                 {{"endpoint.name", endpoint},
                  {"plan.generation", generation},
                  {"enactor.id", id_},
                  {"plan.removed_count", removed},
                  {"policy.max_remove", allowed}});
  } else if (kind == Notice::kPaused) {
    logger_.info(
        "publish paused by an operator",
        {{"endpoint.name", endpoint}, {"plan.generation", generation}, {"enactor.id", id_}});
  }
}

Result<std::optional<Plan>> Enactor::newestValidPlan(const EndpointConfig& endpoint) {
  return findNewestValidPlan(store_, endpoint, [&](Generation generation, const Error& error) {
    if (generation == 0) {
      logger_.warn("latest plan pointer unreadable, scanning plans",
                   {{"endpoint.name", endpoint.name}, {"error.message", error.message}});
      return;
    }
    logger_.warn("plan skipped as invalid", {{"endpoint.name", endpoint.name},
                                             {"plan.generation", generation},
                                             {"enactor.id", id_},
                                             {"error.message", error.message}});
  });
}

Result<std::pair<std::uint64_t, store::Revision>> Enactor::readSerial(const std::string& zone) {
  using Serial = std::pair<std::uint64_t, store::Revision>;
  auto got = store_.get(serialKey(zone));
  if (!got.ok()) {
    return got.error();
  }
  std::uint64_t offset = 0;
  const store::Revision revision = got->kv ? got->kv->mod_revision : 0;
  std::string problem;
  if (got->kv) {
    auto serial = decodeSerial(got->kv->value);
    offset = serial.ok() ? serial->serial_offset : 0;
    problem = serial.ok() ? "" : serial.error().message;
  }
  if (problem.empty()) {
    // The journal is append-only, so a serial deleted or set back by hand must not point at
    // an offset that is taken.
    auto next = store_.get(journalKey(zone, offset + 1));
    if (!next.ok()) {
      return next.error();
    }
    if (!next->kv) {
      return Serial{offset, revision};
    }
    problem = "the next journal entry exists";
  }

  // L1: continue after the journal's newest key, which carries the offset of the last publish
  // (serial and journal are written by the same transaction).
  auto journal = store_.range(journalPrefix(zone));
  if (!journal.ok()) {
    return journal.error();
  }
  if (!journal->kvs.empty()) {
    offset =
        std::max(offset, parseCounterKey(journalPrefix(zone), journal->kvs.back().key).value_or(0));
  }
  logger_.warn("zone serial unreadable or behind the journal, continuing from the journal",
               {{"zone.name", zone}, {"zone.serial_offset", offset}, {"error.message", problem}});
  return Serial{offset, revision};
}

CommitOutcome Enactor::explainRefusal(const Attempt& attempt) {
  const auto global = store_.get(kPausedKey);
  const auto local = store_.get(pausedKey(attempt.endpoint));
  if ((global.ok() && global->kv) || (local.ok() && local->kv)) {
    notice(attempt.endpoint, attempt.plan.generation, Notice::kPaused, 0, 0);
    return CommitOutcome::kPaused;
  }
  auto now = readPublished(store_, attempt.endpoint);
  if (now.ok() && now->mod_revision == attempt.published_mod_revision) {
    logger_.debug("zone serial or journal moved, retrying",
                  {{"endpoint.name", attempt.endpoint}, {"enactor.id", id_}});
    return CommitOutcome::kRefused;
  }
  StatusBoard::process().recordStaleRefused(id_);
  logger_.warn("stale write refused", {{"endpoint.name", attempt.endpoint},
                                       {"plan.generation", attempt.plan.generation},
                                       {"enactor.id", id_}});
  return CommitOutcome::kRefused;
}

Result<EnactOutcome> Enactor::enactEndpoint(const EndpointConfig& endpoint) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto prepared = prepare(endpoint);
    if (!prepared.ok()) {
      return prepared.error();
    }
    if (!prepared->has_value()) {
      return EnactOutcome::kUpToDate;
    }
    auto outcome = commit(**prepared);
    if (!outcome.ok()) {
      return outcome.error();
    }
    if (*outcome == CommitOutcome::kApplied) {
      if (auto cleaned = janitor_.cleanEndpoint(endpoint); !cleaned.ok()) {
        logger_.warn("clean-up after publish failed", {{"endpoint.name", endpoint.name},
                                                       {"error.message", cleaned.error().message}});
      }
      return EnactOutcome::kApplied;
    }
    if (*outcome == CommitOutcome::kPaused) {
      return EnactOutcome::kPaused;
    }
    if (*outcome == CommitOutcome::kHeld) {
      return EnactOutcome::kHeld;
    }
    // Refused: start over from the newest plan, never the one held (S2).
  }
  logger_.warn("publish not committed, every attempt was refused",
               {{"endpoint.name", endpoint.name}, {"enactor.id", id_}});
  return EnactOutcome::kContended;
}

void Enactor::enactOne(const EndpointConfig& endpoint, Status& first) {
  auto result = enactEndpoint(endpoint);
  if (result.ok() && *result != EnactOutcome::kContended) {
    return;
  }
  {
    const std::lock_guard lock(mu_);
    retry_.insert(endpoint.name);
  }
  if (!result.ok()) {
    logger_.warn("enacting failed", {{"endpoint.name", endpoint.name},
                                     {"enactor.id", id_},
                                     {"error.code", errcName(result.error().code)},
                                     {"error.message", result.error().message}});
    if (first.ok()) {
      first = result.error();
    }
  }
}

Status Enactor::runOnce() {
  return runEvery(PassScope::everything());
}

Status Enactor::runEvery(const PassScope& scope) {
  {
    const std::lock_guard lock(mu_);
    retry_.clear();  // this pass visits them all
  }
  Status first = okStatus();
  std::size_t visited = 0;
  for (const EndpointConfig& endpoint : endpoints_) {
    enactOne(endpoint, first);
    scope.visited(++visited);
  }
  StatusBoard::process().recordPass(id_, millisSinceEpoch(clock_),
                                    first.ok() ? std::string() : first.error().message);
  return first;
}

Status Enactor::runScope(const PassScope& scope) {
  std::optional<std::set<std::string>> names = endpointsOf(scope);
  if (!names) {
    return runEvery(scope);
  }
  {
    const std::lock_guard lock(mu_);
    names->merge(std::exchange(retry_, {}));
  }
  Status first = okStatus();
  for (const std::string& name : *names) {
    // A name that is not configured (any more) has nothing to enact.
    if (const auto it = index_.find(name); it != index_.end()) {
      enactOne(endpoints_[it->second], first);
    }
  }
  // Only full passes are recorded on the status board: its last pass is the last time every
  // endpoint was looked at. A failed endpoint is retried by the next pass either way.
  return first;
}

void Enactor::start() {
  if (thread_.joinable()) {
    return;
  }
  thread_ = std::jthread([this](std::stop_token token) {
    // New plans, and pauses lifted, are what an enactor waits for.
    const WatchLoopOptions options{
        {std::string(kPlansPrefix), std::string(kPausedKey)}, options_.full_pass_interval, {}};
    runWatchLoop(store_, options, token, [this](const PassScope& scope) { (void)runScope(scope); });
  });
}

void Enactor::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

}  // namespace holdfast::control
