// Ending a transaction with an upstream answer: caching it, or holding the last known good
// answer back when the new one empties a protected name.
#include <fmt/format.h>

#include "resolver/reply.h"
#include "resolver/transaction_internal.h"

namespace holdfast::resolver {

namespace {

const char* kindName(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::kPositive:
      return "positive";
    case AnswerKind::kNoData:
      return "nodata";
    case AnswerKind::kNxDomain:
      return "nxdomain";
  }
  return "unknown";
}

}  // namespace

void TransactionOps::complete(Forwarder& f,
                              Transaction& t,
                              std::span<const std::uint8_t> wire,
                              const MessageInfo& info) {
  const Clock::TimePoint now = f.deps_.clock.now();
  auto built = makeCachedMessage(wire, info, t.settings->ttl);
  if (!built.ok()) {
    fail(f, t);
    return;
  }
  auto message = std::make_shared<const CachedMessage>(std::move(built).value());

  // Last known good: an answer that empties a protected name which had addresses is held back
  // while the old answer is inside its stale window; clients keep the old addresses.
  if (message->kind != AnswerKind::kPositive &&
      t.settings->last_known_good.protects(t.qnameWire())) {
    const auto old = f.deps_.cache.lookup(t.key, now, t.settings->staleWindow());
    if (old && old->message->kind == AnswerKind::kPositive) {
      ResolverStats::add(f.deps_.stats.lkg_holds);
      if (f.logAllowed()) {
        f.log_.warn("last known good held",
                    {{"query.name", nameToText(t.qnameWire())},
                     {"query.type", t.qtype},
                     {"answer.kind", kindName(message->kind)},
                     {"answer.stale", old->freshness == Freshness::kStale}});
      }
      f.deps_.cache.holdFailure(t.key, now + t.settings->stale.failure_recheck);
      AnswerTtl ttl;
      if (old->freshness == Freshness::kStale) {
        ttl.mode = TtlMode::kStale;
        ttl.stale_ttl_seconds = static_cast<std::uint32_t>(t.settings->stale.answer_ttl.count());
        std::size_t waiting = 0;
        for (const Waiter& w : t.waiters) {
          waiting += w.answered ? 0 : 1;
        }
        ResolverStats::add(f.deps_.stats.stale_answers, waiting);
      } else {
        ttl.age = std::chrono::duration_cast<std::chrono::seconds>(old->age);
      }
      answerWaiters(t, *old->message, ttl);
      finish(f, t);
      return;
    }
  }

  if (message->lifetime.count() > 0) {
    f.deps_.cache.insert(t.key, message, now);
  }
  answerWaiters(t, *message, AnswerTtl{});
  finish(f, t);
}

}  // namespace holdfast::resolver
