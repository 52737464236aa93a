// Transaction: one question in flight to upstreams, the clients waiting for it, and its
// attempts. Internal to the forwarder.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "resolver/cache.h"
#include "resolver/client_query.h"
#include "resolver/forwarder.h"
#include "resolver/message.h"
#include "resolver/reply.h"
#include "resolver/scheduler.h"
#include "resolver/upstream_pool.h"
#include "resolver/upstream_transport.h"

namespace holdfast::resolver {

struct Waiter {
  ClientQuery client;
  Responder respond;
  bool answered = false;
};

struct Attempt {
  UpstreamChoice choice;
  Protocol protocol = Protocol::kUdp;
  bool edns = true;
  std::uint16_t id = 0;
  Clock::TimePoint sent_at{};
  std::unique_ptr<Exchange> exchange;
  TimerId timer = 0;        // the RTO: no reply by then counts as a timeout
  TimerId hedge_timer = 0;  // choice.hedge_after: a further attempt elsewhere, this one still open
  bool awaiting_verdict = true;    // the pool still counts it outstanding
  bool successor_started = false;  // a retry or hedge already followed this attempt
};

struct Transaction {
  std::uint64_t serial = 0;
  CacheKey key;
  std::array<std::uint8_t, 255> qname{};  // lowercase wire
  std::uint8_t qname_size = 0;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  bool dnssec_ok = false;
  bool checking_disabled = false;
  bool prefetch = false;  // nobody waits: a background refresh
  // Answered and out of by_key_, kept only until every attempt has its verdict, so an upstream
  // that loses the race to another is still judged (passive failure detection).
  bool done = false;
  std::shared_ptr<const ForwarderSettings> settings;
  std::vector<Waiter> waiters;
  std::vector<Attempt> attempts;
  std::vector<UpstreamId> tried;
  TimerId stale_timer = 0;
  TimerId deadline_timer = 0;

  explicit Transaction(const CacheKey& k) : key(k) {}

  [[nodiscard]] std::span<const std::uint8_t> qnameWire() const noexcept {
    return {qname.data(), qname_size};
  }
};

// What a reply that matches its attempt means.
enum class ReplyKind {
  kAnswer,        // NOERROR or NXDOMAIN, complete: cache and answer
  kEdnsRejected,  // FORMERR, NOTIMP or BADVERS to a query with EDNS
  kTruncated,     // TC over UDP
  kFailure,       // SERVFAIL, REFUSED, or anything else unusable
};

// The transaction steps, kept apart from handle() so each file stays one concern.
struct TransactionOps {
  // Starts a transaction for `key` with `waiter` (none for a prefetch). Returns false, having
  // started nothing, when no upstream can be tried.
  static bool start(Forwarder& f,
                    const CacheKey& key,
                    const MessageInfo& question,
                    std::optional<Waiter> waiter,
                    bool has_stale);

  static void onMessage(Forwarder& f,
                        std::uint64_t serial,
                        std::size_t index,
                        std::span<const std::uint8_t> wire,
                        const asio::ip::address& from,
                        std::uint16_t port);
  static void onUnmatched(Forwarder& f,
                          Transaction& t,
                          std::size_t index,
                          std::span<const std::uint8_t> wire,
                          bool parsed);
  static void resendSame(Forwarder& f, Transaction& t, std::size_t index, Protocol protocol);
  static void onError(Forwarder& f, std::uint64_t serial, std::size_t index, ExchangeError error);
  static void onAttemptTimer(Forwarder& f, std::uint64_t serial, std::size_t index);
  static void onHedgeTimer(Forwarder& f, std::uint64_t serial, std::size_t index);
  static void onStaleTimer(Forwarder& f, std::uint64_t serial);
  static void onDeadline(Forwarder& f, std::uint64_t serial);

  static bool launch(Forwarder& f,
                     Transaction& t,
                     std::optional<UpstreamChoice> choice,
                     Protocol protocol);
  // After attempt `index` failed: one successor for it (if it has none yet, within the attempt
  // cap and retry budget), then the end of the transaction if nothing is left to wait for.
  static void continueAfterFailure(Forwarder& f, Transaction& t, std::size_t index);
  static bool launchSuccessor(Forwarder& f, Transaction& t, std::size_t index);
  static void complete(Forwarder& f,
                       Transaction& t,
                       std::span<const std::uint8_t> wire,
                       const MessageInfo& info);
  static void fail(Forwarder& f, Transaction& t);
  // Sends `message` with TTLs per `ttl` to every waiter not yet answered.
  static void answerWaiters(Transaction& t, const CachedMessage& message, const AnswerTtl& ttl);
  static void answerStale(Forwarder& f, Transaction& t);
  static void finish(Forwarder& f, Transaction& t);
  // Erases a finished transaction once no attempt awaits a verdict.
  static void settle(Forwarder& f, Transaction& t);
  // Ends everything at once (shutdown): open attempts are reported abandoned.
  static void drop(Forwarder& f, Transaction& t);
  static Transaction* find(Forwarder& f, std::uint64_t serial);
};

}  // namespace holdfast::resolver
