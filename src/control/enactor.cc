// Enactor: prepare (read and judge) and commit (one compare-and-swap transaction).
#include "control/enactor.h"

#include "control/ip_address.h"
#include "control/published_state.h"
#include "control/worker_internal.h"

namespace holdfast::control {

namespace {

// A plan is usable for `endpoint` only if it decodes (which checks S1: at least one valid
// address), names the endpoint and its rrtype, and carries the generation of its key.
Result<Plan> usablePlan(std::string_view value,
                        Generation key_generation,
                        const EndpointConfig& endpoint) {
  auto plan = decodePlan(value);
  if (!plan.ok()) {
    return plan.error();
  }
  if (plan->endpoint != endpoint.name) {
    return makeError(Errc::kParse, "plan names endpoint '" + plan->endpoint + "'");
  }
  if (plan->generation != key_generation) {
    return makeError(Errc::kParse, "plan says generation " + std::to_string(plan->generation));
  }
  if (plan->rrtype != endpoint.rrtype) {
    return makeError(Errc::kParse, "plan has rrtype " + std::to_string(plan->rrtype));
  }
  return plan;
}

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
  request.success.push_back(store::Op::put(publishedKey(attempt.endpoint), encodePublished(next)));
  // Limitation: a serial edited by hand to a lower value makes later publishes overwrite
  // journal entries at the reused offsets; the journal is never compacted either.
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
      janitor_(store, endpoints_, options.keep_plans) {}

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

  const std::vector<std::string> addresses = sortedAddresses(attempt.plan.addresses);
  const AddressDiff diff = diffAddresses(
      attempt.published ? attempt.published->addresses : std::vector<std::string>{}, addresses);
  const PublishedRecord next{attempt.plan.generation, attempt.zone, attempt.plan.rrtype,
                             attempt.plan.ttl,        addresses,    id_};
  const std::uint64_t offset = attempt.serial_offset + 1;
  const JournalEntry entry{
      attempt.endpoint,        old_generation, next.generation, diff.added, diff.removed, id_,
      millisSinceEpoch(clock_)};

  const store::TxnRequest request = publishTxn(attempt, next, offset, entry);
  auto committed = store_.txn(request);
  if (!committed.ok()) {
    return committed.error();
  }
  if (!committed->succeeded) {
    reportRefusal(attempt);
    return CommitOutcome::kRefused;
  }
  logger_.info("plan applied", {{"endpoint.name", attempt.endpoint},
                                {"plan.generation", next.generation},
                                {"enactor.id", id_},
                                {"zone.serial_offset", offset},
                                {"plan.added", joinAddresses(diff.added)},
                                {"plan.removed", joinAddresses(diff.removed)}});
  return CommitOutcome::kApplied;
}

Result<std::optional<Plan>> Enactor::newestValidPlan(const EndpointConfig& endpoint) {
  auto latest_kv = store_.get(latestKey(endpoint.name));
  if (!latest_kv.ok()) {
    return latest_kv.error();
  }
  if (!latest_kv->kv) {
    return scanForValidPlan(endpoint);
  }
  auto latest = decodeLatest(latest_kv->kv->value);
  if (!latest.ok()) {
    logger_.warn("latest plan pointer unreadable, scanning plans",
                 {{"endpoint.name", endpoint.name}, {"error.message", latest.error().message}});
    return scanForValidPlan(endpoint);
  }

  auto plan_kv = store_.get(planKey(endpoint.name, latest->generation));
  if (!plan_kv.ok()) {
    return plan_kv.error();
  }
  if (plan_kv->kv) {
    auto plan = usablePlan(plan_kv->kv->value, latest->generation, endpoint);
    if (plan.ok()) {
      return std::optional<Plan>(std::move(*plan));
    }
  }
  // L1: a missing or corrupt newest plan must not stop progress; fall back to the newest
  // valid one (the scan logs why the newest was skipped).
  return scanForValidPlan(endpoint);
}

Result<std::optional<Plan>> Enactor::scanForValidPlan(const EndpointConfig& endpoint) {
  auto range = store_.range(planPrefix(endpoint.name));
  if (!range.ok()) {
    return range.error();
  }
  // Plan keys end in 20 digits, so key order is generation order; walk from the newest.
  for (auto it = range->kvs.rbegin(); it != range->kvs.rend(); ++it) {
    const auto generation = parsePlanKey(endpoint.name, it->key);
    if (!generation) {
      continue;
    }
    auto plan = usablePlan(it->value, *generation, endpoint);
    if (plan.ok()) {
      return std::optional<Plan>(std::move(*plan));
    }
    logger_.warn("plan skipped as invalid", {{"endpoint.name", endpoint.name},
                                             {"plan.generation", *generation},
                                             {"enactor.id", id_},
                                             {"error.message", plan.error().message}});
  }
  return std::optional<Plan>();
}

Result<std::pair<std::uint64_t, store::Revision>> Enactor::readSerial(const std::string& zone) {
  using Serial = std::pair<std::uint64_t, store::Revision>;
  auto got = store_.get(serialKey(zone));
  if (!got.ok()) {
    return got.error();
  }
  if (!got->kv) {
    return Serial{0, 0};
  }
  auto serial = decodeSerial(got->kv->value);
  if (serial.ok()) {
    return Serial{serial->serial_offset, got->kv->mod_revision};
  }

  // L1: an unreadable serial is recovered from the journal, whose newest key carries the
  // offset of the last publish (both are written by the same transaction).
  auto journal = store_.range(journalPrefix(zone));
  if (!journal.ok()) {
    return journal.error();
  }
  std::uint64_t offset = 0;
  if (!journal->kvs.empty()) {
    offset = parseCounterKey(journalPrefix(zone), journal->kvs.back().key).value_or(0);
  }
  logger_.warn("zone serial unreadable, continuing from the journal",
               {{"zone.name", zone},
                {"zone.serial_offset", offset},
                {"error.message", serial.error().message}});
  return Serial{offset, got->kv->mod_revision};
}

void Enactor::reportRefusal(const Attempt& attempt) {
  auto now = readPublished(store_, attempt.endpoint);
  if (now.ok() && now->mod_revision == attempt.published_mod_revision) {
    logger_.debug("zone serial moved, retrying",
                  {{"endpoint.name", attempt.endpoint}, {"enactor.id", id_}});
    return;
  }
  logger_.warn("stale write refused", {{"endpoint.name", attempt.endpoint},
                                       {"plan.generation", attempt.plan.generation},
                                       {"enactor.id", id_}});
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
    // Refused: start over from the newest plan, never the one held (S2).
  }
  logger_.warn("publish not committed, every attempt was refused",
               {{"endpoint.name", endpoint.name}, {"enactor.id", id_}});
  return EnactOutcome::kContended;
}

Status Enactor::runOnce() {
  Status first = okStatus();
  for (const EndpointConfig& endpoint : endpoints_) {
    auto result = enactEndpoint(endpoint);
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
  return first;
}

void Enactor::start() {
  if (thread_.joinable()) {
    return;
  }
  thread_ = std::jthread([this](std::stop_token token) {
    const WatchLoopOptions options{std::string(kPlansPrefix), options_.full_pass_interval, {}};
    runWatchLoop(store_, options, token, [this] { (void)runOnce(); });
  });
}

void Enactor::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

}  // namespace holdfast::control
