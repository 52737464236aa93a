// The life of a question in flight: attempts, retries, verdicts, and how waiting clients are
// answered when it ends.
#include <algorithm>

#include "resolver/reply.h"
#include "resolver/transaction_internal.h"

namespace holdfast::resolver {

namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::seconds;

std::uint32_t staleTtl(const ForwarderSettings& settings) {
  return static_cast<std::uint32_t>(settings.stale.answer_ttl.count());
}

// True when the reply answers the attempt's question: same ID, and the same question (RFC 5452
// section 9.1). An EDNS rejection may come back without a question section.
bool matches(const Attempt& a, const Transaction& t, const MessageInfo& info) {
  if (!info.isResponse() || info.id != a.id || info.opcode() != kOpcodeQuery) {
    return false;
  }
  if (info.qdcount == 0) {
    const std::uint16_t rcode = info.rcode();
    return rcode == kRcodeFormErr || rcode == kRcodeNotImp || rcode == kRcodeBadVers;
  }
  return info.qtype == t.qtype && info.qclass == t.qclass &&
         namesEqual(info.qnameWire(), t.qnameWire());
}

// What a matching reply means for the transaction.
// Limitation: SERVFAIL, REFUSED and the other unusable codes count against the upstream's
// breaker even when only some names fail there (a broken delegation, a name the upstream refuses),
// so one client asking many such names can open the breaker and send other clients' uncached
// names to SERVFAIL or stale data while it is open. Not counting them would keep the breaker
// shut for an upstream that fails every name (its own upstreams gone), which is when serving
// stale matters most; telling the two apart (by the names failing, or by other upstreams
// answering the same question) is not built.
ReplyKind classify(const Attempt& a, const MessageInfo& info) {
  const std::uint16_t rcode = info.rcode();
  if (a.edns && (rcode == kRcodeFormErr || rcode == kRcodeNotImp || rcode == kRcodeBadVers)) {
    return ReplyKind::kEdnsRejected;
  }
  if (info.truncated() && a.protocol == Protocol::kUdp) {
    return ReplyKind::kTruncated;
  }
  if ((rcode == kRcodeNoError || rcode == kRcodeNxDomain) && !info.truncated()) {
    return ReplyKind::kAnswer;
  }
  return ReplyKind::kFailure;
}

}  // namespace

void TransactionOps::answerWaiters(Transaction& t,
                                   const CachedMessage& message,
                                   const AnswerTtl& ttl) {
  std::array<std::uint8_t, kMaxMessageBytes> buffer;
  for (Waiter& w : t.waiters) {
    if (w.answered) {
      continue;
    }
    w.answered = true;
    const std::size_t length = writeCachedAnswer(message, w.client, ttl, buffer);
    if (length > 0) {
      w.respond(std::span<const std::uint8_t>(buffer.data(), length));
    }
  }
}

Transaction* TransactionOps::find(Forwarder& f, std::uint64_t serial) {
  const auto it = f.transactions_.find(serial);
  return it == f.transactions_.end() ? nullptr : it->second.get();
}

bool TransactionOps::start(Forwarder& f,
                           const CacheKey& key,
                           const MessageInfo& question,
                           std::optional<Waiter> waiter,
                           bool has_stale) {
  auto owned = std::make_unique<Transaction>(key);
  Transaction& t = *owned;
  t.serial = f.next_serial_++;
  t.qname = question.qname;
  t.qname_size = question.qname_size;
  t.qtype = question.qtype;
  t.qclass = question.qclass;
  t.dnssec_ok = question.edns.dnssec_ok;
  t.checking_disabled = question.checkingDisabled();
  t.prefetch = !waiter.has_value();
  t.settings = f.settings_;
  if (waiter) {
    t.waiters.push_back(std::move(*waiter));
  }
  f.transactions_.emplace(t.serial, std::move(owned));
  f.by_key_.emplace(key, t.serial);

  // A breaker due for its probe gets this question as its probe, beside the normal attempt.
  const Clock::TimePoint now = f.deps_.clock.now();
  f.deps_.pool.noteFirstAttempt();
  const bool sent = launch(f, t, f.deps_.pool.select(now, t.tried), Protocol::kUdp);
  const bool probed = launch(f, t, f.deps_.pool.takeDueProbe(now), Protocol::kUdp);
  if (!sent && !probed) {
    f.by_key_.erase(key);
    f.transactions_.erase(t.serial);
    return false;
  }

  const std::uint64_t serial = t.serial;
  t.deadline_timer = f.deps_.scheduler.schedule(t.settings->client_deadline,
                                                [&f, serial] { onDeadline(f, serial); });
  if (has_stale && !t.prefetch) {
    t.stale_timer = f.deps_.scheduler.schedule(t.settings->stale.client_timeout,
                                               [&f, serial] { onStaleTimer(f, serial); });
  }
  return true;
}

bool TransactionOps::launch(Forwarder& f,
                            Transaction& t,
                            std::optional<UpstreamChoice> choice,
                            Protocol protocol) {
  if (!choice) {
    return false;
  }
  Attempt attempt;
  attempt.protocol = choice->upstream.tcp_only ? Protocol::kTcp : protocol;
  attempt.edns = choice->edns;
  attempt.id = static_cast<std::uint16_t>(f.deps_.random.next());
  attempt.sent_at = f.deps_.clock.now();
  attempt.choice = std::move(*choice);
  t.tried.push_back(attempt.choice.id);

  std::array<std::uint8_t, kMaxUpstreamQueryBytes> query;
  const UpstreamQueryOptions options{attempt.id, attempt.edns, t.dnssec_ok, t.checking_disabled};
  const std::size_t length = writeUpstreamQuery(t.qnameWire(), t.qtype, t.qclass, options, query);

  const std::uint64_t serial = t.serial;
  const std::size_t index = t.attempts.size();
  ExchangeCallbacks callbacks;
  callbacks.on_message = [&f, serial, index](std::span<const std::uint8_t> wire,
                                             const asio::ip::address& from, std::uint16_t port) {
    onMessage(f, serial, index, wire, from, port);
  };
  callbacks.on_error = [&f, serial, index](ExchangeError error) {
    onError(f, serial, index, error);
  };
  attempt.exchange = f.deps_.transport.start(attempt.choice.upstream, attempt.protocol,
                                             std::span(query.data(), length), std::move(callbacks));
  attempt.timer = f.deps_.scheduler.schedule(
      attempt.choice.rto, [&f, serial, index] { onAttemptTimer(f, serial, index); });
  if (attempt.choice.hedge_after < attempt.choice.rto) {
    attempt.hedge_timer = f.deps_.scheduler.schedule(
        attempt.choice.hedge_after, [&f, serial, index] { onHedgeTimer(f, serial, index); });
  }
  t.attempts.push_back(std::move(attempt));
  ResolverStats::add(f.deps_.stats.upstream_queries);
  return true;
}

void TransactionOps::onMessage(Forwarder& f,
                               std::uint64_t serial,
                               std::size_t index,
                               std::span<const std::uint8_t> wire,
                               const asio::ip::address& from,
                               std::uint16_t port) {
  Transaction* t = find(f, serial);
  if (t == nullptr || index >= t->attempts.size()) {
    return;
  }
  Attempt& a = t->attempts[index];
  if (from != a.choice.upstream.address || port != a.choice.upstream.port) {
    ResolverStats::add(f.deps_.stats.upstream_mismatched);
    return;
  }
  auto info = scanMessage(wire, ScanDepth::kRecords);
  if (!info.ok() || !matches(a, *t, *info)) {
    onUnmatched(f, *t, index, wire, info.ok());
    return;
  }

  // The verdict on the upstream: anything but a failure code shows it alive.
  const Clock::TimePoint now = f.deps_.clock.now();
  const ReplyKind kind = classify(a, *info);
  if (a.awaiting_verdict) {
    a.awaiting_verdict = false;
    if (kind == ReplyKind::kFailure) {
      ResolverStats::add(f.deps_.stats.upstream_failures);
      f.deps_.pool.reportFailure(a.choice.id, FailureKind::kBadRcode, a.choice.probe, now);
    } else {
      f.deps_.pool.reportSuccess(a.choice.id, duration_cast<microseconds>(now - a.sent_at),
                                 a.choice.probe, now);
    }
  }
  a.exchange.reset();
  f.deps_.scheduler.cancel(a.timer);
  if (t->done) {
    settle(f, *t);
    return;
  }

  switch (kind) {
    case ReplyKind::kAnswer:
      complete(f, *t, wire, *info);
      return;
    case ReplyKind::kEdnsRejected:
      // RFC 6891 section 7: the upstream is alive but rejects EDNS; ask again without it.
      f.deps_.pool.markEdnsUnsupported(a.choice.id);
      ResolverStats::add(f.deps_.stats.edns_fallbacks);
      resendSame(f, *t, index, a.protocol);
      return;
    case ReplyKind::kTruncated:
      // RFC 7766 section 5: the same upstream again over TCP.
      ResolverStats::add(f.deps_.stats.tcp_retries);
      resendSame(f, *t, index, Protocol::kTcp);
      return;
    case ReplyKind::kFailure:
      continueAfterFailure(f, *t, index);
      return;
  }
}

void TransactionOps::onUnmatched(Forwarder& f,
                                 Transaction& t,
                                 std::size_t index,
                                 std::span<const std::uint8_t> wire,
                                 bool parsed) {
  // Garbage that carries our ID is this upstream failing; anything else may be a spoofing
  // attempt or a late reply to another query, and is dropped while we keep waiting.
  Attempt& a = t.attempts[index];
  const bool ours = !parsed && wire.size() >= 2 && readU16(wire, 0) == a.id;
  ResolverStats::add(ours ? f.deps_.stats.upstream_failures : f.deps_.stats.upstream_mismatched);
  if (!ours || !a.awaiting_verdict) {
    return;
  }
  a.awaiting_verdict = false;
  a.exchange.reset();
  f.deps_.scheduler.cancel(a.timer);
  f.deps_.pool.reportFailure(a.choice.id, FailureKind::kMalformed, a.choice.probe,
                             f.deps_.clock.now());
  if (t.done) {
    settle(f, t);
    return;
  }
  continueAfterFailure(f, t, index);
}

void TransactionOps::resendSame(Forwarder& f,
                                Transaction& t,
                                std::size_t index,
                                Protocol protocol) {
  Attempt& a = t.attempts[index];
  f.deps_.scheduler.cancel(a.hedge_timer);
  a.successor_started = true;
  const UpstreamId id = a.choice.id;
  if (static_cast<int>(t.attempts.size()) < t.settings->max_attempts &&
      launch(f, t, f.deps_.pool.reuse(id), protocol)) {
    return;
  }
  continueAfterFailure(f, t, index);
}

void TransactionOps::onError(Forwarder& f, std::uint64_t serial, std::size_t index, ExchangeError) {
  Transaction* t = find(f, serial);
  if (t == nullptr || index >= t->attempts.size()) {
    return;
  }
  Attempt& a = t->attempts[index];
  a.exchange.reset();
  ResolverStats::add(f.deps_.stats.upstream_failures);
  if (!a.awaiting_verdict) {
    return;
  }
  a.awaiting_verdict = false;
  f.deps_.scheduler.cancel(a.timer);
  f.deps_.pool.reportFailure(a.choice.id, FailureKind::kTransport, a.choice.probe,
                             f.deps_.clock.now());
  if (t->done) {
    settle(f, *t);
    return;
  }
  continueAfterFailure(f, *t, index);
}

void TransactionOps::onAttemptTimer(Forwarder& f, std::uint64_t serial, std::size_t index) {
  Transaction* t = find(f, serial);
  if (t == nullptr || index >= t->attempts.size() || !t->attempts[index].awaiting_verdict) {
    return;
  }
  // The attempt counts as failed, but its socket stays open: a late answer is still welcome.
  Attempt& a = t->attempts[index];
  a.awaiting_verdict = false;
  ResolverStats::add(f.deps_.stats.upstream_timeouts);
  f.deps_.pool.reportFailure(a.choice.id, FailureKind::kTimeout, a.choice.probe,
                             f.deps_.clock.now());
  if (t->done) {
    a.exchange.reset();
    settle(f, *t);
    return;
  }
  continueAfterFailure(f, *t, index);
}

bool TransactionOps::launchSuccessor(Forwarder& f, Transaction& t, std::size_t index) {
  if (t.attempts[index].successor_started ||
      static_cast<int>(t.attempts.size()) >= t.settings->max_attempts) {
    return false;
  }
  t.attempts[index].successor_started = true;
  const Clock::TimePoint now = f.deps_.clock.now();
  if (!f.deps_.pool.tryRetry(now)) {
    ResolverStats::add(f.deps_.stats.retry_budget_exhausted);
    return false;
  }
  if (!launch(f, t, f.deps_.pool.select(now, t.tried), Protocol::kUdp)) {
    return false;
  }
  ResolverStats::add(f.deps_.stats.retries);
  return true;
}

void TransactionOps::continueAfterFailure(Forwarder& f, Transaction& t, std::size_t index) {
  f.deps_.scheduler.cancel(t.attempts[index].hedge_timer);
  if (launchSuccessor(f, t, index)) {
    return;
  }
  const bool pending = std::any_of(t.attempts.begin(), t.attempts.end(),
                                   [](const Attempt& a) { return a.awaiting_verdict; });
  if (pending) {
    return;
  }

  // Every attempt failed: resolution failed (RFC 8767 section 5), so stale data goes out now.
  // Sockets still open may yet bring a late answer, which refreshes the cache and answers
  // anyone left; the deadline ends the wait.
  const Clock::TimePoint now = f.deps_.clock.now();
  f.deps_.cache.holdFailure(t.key, now + t.settings->stale.failure_recheck);
  answerStale(f, t);
  const bool listening = std::any_of(t.attempts.begin(), t.attempts.end(),
                                     [](const Attempt& a) { return a.exchange != nullptr; });
  if (!listening) {
    fail(f, t);
  }
}

void TransactionOps::onHedgeTimer(Forwarder& f, std::uint64_t serial, std::size_t index) {
  Transaction* t = find(f, serial);
  if (t == nullptr || index >= t->attempts.size() || !t->attempts[index].awaiting_verdict) {
    return;
  }
  t->attempts[index].hedge_timer = 0;
  if (!t->done && launchSuccessor(f, *t, index)) {
    ResolverStats::add(f.deps_.stats.hedges);
  }
}

void TransactionOps::onStaleTimer(Forwarder& f, std::uint64_t serial) {
  if (Transaction* t = find(f, serial); t != nullptr && !t->done) {
    t->stale_timer = 0;
    answerStale(f, *t);
  }
}

void TransactionOps::onDeadline(Forwarder& f, std::uint64_t serial) {
  if (Transaction* t = find(f, serial); t != nullptr && !t->done) {
    t->deadline_timer = 0;
    fail(f, *t);
  }
}

void TransactionOps::answerStale(Forwarder& f, Transaction& t) {
  const Clock::TimePoint now = f.deps_.clock.now();
  const auto hit = f.deps_.cache.lookup(t.key, now, t.settings->staleWindow());
  if (!hit) {
    return;
  }
  std::size_t answered = 0;
  for (const Waiter& w : t.waiters) {
    answered += w.answered ? 0 : 1;
  }
  if (answered == 0) {
    return;
  }
  AnswerTtl ttl;
  if (hit->freshness == Freshness::kStale) {
    ttl.mode = TtlMode::kStale;
    ttl.stale_ttl_seconds = staleTtl(*t.settings);
    ResolverStats::add(f.deps_.stats.stale_answers, answered);
  } else {
    ttl.age = duration_cast<seconds>(hit->age);
  }
  answerWaiters(t, *hit->message, ttl);
}

void TransactionOps::fail(Forwarder& f, Transaction& t) {
  const Clock::TimePoint now = f.deps_.clock.now();
  f.deps_.cache.holdFailure(t.key, now + t.settings->stale.failure_recheck);
  answerStale(f, t);

  std::array<std::uint8_t, kHeaderBytes + 255 + 4 + kOptBytes> buffer;
  for (Waiter& w : t.waiters) {
    if (w.answered) {
      continue;
    }
    w.answered = true;
    ResolverStats::add(f.deps_.stats.servfail);
    const std::size_t length = writeErrorReply(w.client, kRcodeServFail, buffer);
    if (length > 0) {
      w.respond(std::span<const std::uint8_t>(buffer.data(), length));
    }
  }
  finish(f, t);
}

void TransactionOps::finish(Forwarder& f, Transaction& t) {
  for (Attempt& a : t.attempts) {
    f.deps_.scheduler.cancel(a.hedge_timer);
    if (!a.awaiting_verdict) {
      a.exchange.reset();
      f.deps_.scheduler.cancel(a.timer);
    }
  }
  f.deps_.scheduler.cancel(t.stale_timer);
  f.deps_.scheduler.cancel(t.deadline_timer);
  if (const auto it = f.by_key_.find(t.key); it != f.by_key_.end() && it->second == t.serial) {
    f.by_key_.erase(it);
  }
  t.done = true;
  settle(f, t);
}

void TransactionOps::settle(Forwarder& f, Transaction& t) {
  const bool waiting = std::any_of(t.attempts.begin(), t.attempts.end(),
                                   [](const Attempt& a) { return a.awaiting_verdict; });
  if (t.done && !waiting) {
    f.transactions_.erase(t.serial);  // destroys t
  }
}

void TransactionOps::drop(Forwarder& f, Transaction& t) {
  const Clock::TimePoint now = f.deps_.clock.now();
  for (Attempt& a : t.attempts) {
    if (a.awaiting_verdict) {
      a.awaiting_verdict = false;
      f.deps_.pool.reportAbandoned(a.choice.id, a.choice.probe, now);
    }
    a.exchange.reset();
    f.deps_.scheduler.cancel(a.timer);
  }
  if (!t.done) {
    fail(f, t);  // answers waiting clients, then settles
    return;
  }
  settle(f, t);
}

}  // namespace holdfast::resolver
