// Forwarder: the client-facing decisions — refuse, answer from cache, answer stale, or ask
// upstreams.
#include "resolver/forwarder.h"

#include <fmt/format.h>

#include "resolver/reply.h"
#include "resolver/stats_answer.h"
#include "resolver/transaction_internal.h"

namespace holdfast::resolver {

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

// Zone transfers are not relayed by a forwarder (RFC 5936 is between servers).
constexpr std::uint16_t kTypeIxfr = 251;
constexpr std::uint16_t kTypeAxfr = 252;

// A reply to a message we could not make sense of: its ID and FORMERR, nothing else.
std::size_t writeFormErr(std::span<const std::uint8_t> query, std::span<std::uint8_t> out) {
  ClientQuery client;
  client.id = readU16(query, 0);
  client.opcode = static_cast<std::uint8_t>((readU16(query, 2) >> 11) & 0x0f);
  return writeErrorReply(client, kRcodeFormErr, out);
}

}  // namespace

Forwarder::Forwarder(const ForwarderDeps& deps, std::shared_ptr<const ForwarderSettings> settings)
    : deps_(deps), settings_(std::move(settings)) {}

Forwarder::~Forwarder() {
  abandonAll();
}

void Forwarder::setSettings(std::shared_ptr<const ForwarderSettings> settings) {
  settings_ = std::move(settings);
}

void Forwarder::abandonAll() noexcept {
  while (!transactions_.empty()) {
    TransactionOps::drop(*this, *transactions_.begin()->second);
  }
}

bool Forwarder::logAllowed() {
  const Clock::TimePoint now = deps_.clock.now();
  if (now - log_window_start_ >= std::chrono::seconds(1)) {
    log_window_start_ = now;
    logs_in_window_ = 0;
  }
  return logs_in_window_++ < kEventLogsPerSecond;
}

std::size_t Forwarder::handle(std::span<const std::uint8_t> query,
                              const ClientContext& context,
                              std::span<std::uint8_t> out,
                              const std::function<Responder()>& make_responder) noexcept {
  ResolverStats::add(deps_.stats.local().queries);

  // Parse: garbage is dropped, anything with a header gets FORMERR, responses are never
  // answered (that would let two servers bounce a message forever).
  auto info = scanMessage(query, ScanDepth::kChecked);
  if (query.size() < kHeaderBytes || (query[2] & 0x80) != 0) {
    ResolverStats::add(deps_.stats.malformed);
    return 0;
  }
  if (!info.ok()) {
    ResolverStats::add(deps_.stats.malformed);
    return writeFormErr(query, out);
  }
  auto client = makeClientQuery(query, *info, context.transport);
  if (!client.ok()) {
    ResolverStats::add(deps_.stats.malformed);
    return writeFormErr(query, out);
  }

  // Policy: not an open resolver; only standard queries of EDNS version 0 (RFC 6891 6.1.3).
  if (!context.allowed) {
    ResolverStats::add(deps_.stats.refused);
    return writeErrorReply(*client, kRcodeRefused, out);
  }
  if (client->edns && client->edns_version != 0) {
    return writeErrorReply(*client, kRcodeBadVers, out);
  }
  if (client->opcode != kOpcodeQuery) {
    return writeErrorReply(*client, kRcodeNotImp, out);
  }
  if (info->qtype == kTypeAxfr || info->qtype == kTypeIxfr) {
    return writeErrorReply(*client, kRcodeRefused, out);
  }
  if (isStatsQuestion(*info)) {
    return answerStats(*client, out);
  }

  return resolve(*info, *client, out, make_responder);
}

std::size_t Forwarder::resolve(const MessageInfo& info,
                               const ClientQuery& client,
                               std::span<std::uint8_t> out,
                               const std::function<Responder()>& make_responder) {
  // The cache: fresh answers at once; stale ones at once when upstreams are known to fail.
  const ForwarderSettings& settings = *settings_;
  const Clock::TimePoint now = deps_.clock.now();
  const CacheKey key(info.qnameWire(), info.qtype, info.qclass, info.edns.dnssec_ok,
                     info.checkingDisabled());
  const auto hit = deps_.cache.lookup(key, now, settings.staleWindow());
  if (hit && hit->freshness == Freshness::kFresh) {
    ResolverStats::add(deps_.stats.local().cache_hits);
    maybePrefetch(key, *hit, info);
    return answerFromCache(*hit, client, out);
  }
  ResolverStats::add(deps_.stats.local().cache_misses);
  const bool stale_now = hit && (hit->recheck_pending || !deps_.pool.anyUsable(now) ||
                                 settings.stale.client_timeout.count() == 0);
  if (stale_now) {
    // RFC 8767 section 5: refresh in the background unless a refresh failed just now.
    if (!hit->recheck_pending && !by_key_.contains(key) &&
        transactions_.size() < kMaxTransactions) {
      TransactionOps::start(*this, key, info, std::nullopt, true);
    }
    return answerFromCache(*hit, client, out);
  }

  if (askUpstreams(key, info, client, hit.has_value(), make_responder)) {
    return 0;
  }

  // Nobody can be asked now: stale data if there is any, else SERVFAIL.
  if (hit) {
    return answerFromCache(*hit, client, out);
  }
  ResolverStats::add(deps_.stats.servfail);
  return writeErrorReply(client, kRcodeServFail, out);
}

bool Forwarder::askUpstreams(const CacheKey& key,
                             const MessageInfo& info,
                             const ClientQuery& client,
                             bool has_stale,
                             const std::function<Responder()>& make_responder) {
  // Join the question already in flight (bounded), or start one (bounded).
  if (const auto it = by_key_.find(key); it != by_key_.end()) {
    Transaction& t = *transactions_.at(it->second);
    if (t.waiters.size() >= kMaxWaitersPerTransaction) {
      ResolverStats::add(deps_.stats.overload);
      return false;
    }
    ResolverStats::add(deps_.stats.coalesced);
    t.waiters.push_back(Waiter{client, make_responder(), false});
    return true;
  }
  if (transactions_.size() >= kMaxTransactions) {
    ResolverStats::add(deps_.stats.overload);
    return false;
  }
  if (!TransactionOps::start(*this, key, info, Waiter{client, nullptr, false}, has_stale)) {
    return false;
  }
  transactions_.at(by_key_.at(key))->waiters.back().respond = make_responder();
  return true;
}

std::size_t Forwarder::answerFromCache(const CacheHit& hit,
                                       const ClientQuery& client,
                                       std::span<std::uint8_t> out) {
  AnswerTtl ttl;
  if (hit.freshness == Freshness::kStale) {
    ResolverStats::add(deps_.stats.stale_answers);
    ttl.mode = TtlMode::kStale;
    ttl.stale_ttl_seconds = static_cast<std::uint32_t>(settings_->stale.answer_ttl.count());
  } else {
    ttl.age = duration_cast<seconds>(hit.age);
  }
  return writeCachedAnswer(*hit.message, client, ttl, out);
}

void Forwarder::maybePrefetch(const CacheKey& key, const CacheHit& hit, const MessageInfo& info) {
  const ForwarderSettings& settings = *settings_;
  const auto lifetime = hit.message->lifetime;
  if (!settings.prefetch || hit.hits < kPrefetchMinHits || lifetime < kPrefetchMinTtl ||
      hit.remaining * 100 > lifetime * kPrefetchRemainingPercent || by_key_.contains(key) ||
      transactions_.size() >= kMaxTransactions) {
    return;
  }
  if (TransactionOps::start(*this, key, info, std::nullopt, false)) {
    ResolverStats::add(deps_.stats.prefetches);
  }
}

std::size_t Forwarder::answerStats(const ClientQuery& client, std::span<std::uint8_t> out) {
  std::vector<std::string> lines;
  for (const auto& [name, value] : deps_.stats.snapshot()) {
    lines.push_back(fmt::format("{}={}", name, value));
  }
  const CacheStats cache = deps_.cache.stats();
  lines.push_back(fmt::format("cache.bytes={}", cache.bytes));
  lines.push_back(fmt::format("cache.entries={}", cache.entries));
  lines.push_back(fmt::format("cache.evictions={}", cache.evictions));
  for (const UpstreamStatus& s : deps_.pool.status()) {
    lines.push_back(fmt::format("upstream {} {} srtt_us={} outstanding={}", s.name,
                                breakerStateName(s.state), s.srtt.count(), s.outstanding));
  }
  return writeStatsAnswer(client, lines, out);
}

}  // namespace holdfast::resolver
