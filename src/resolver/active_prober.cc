// Periodic health queries to the upstreams.
#include "resolver/active_prober.h"

#include <algorithm>

#include <fmt/format.h>

#include "resolver/message.h"

namespace holdfast::resolver {

namespace {

constexpr std::size_t kMaxLabelOctets = 63;
constexpr std::size_t kMaxNameOctets = 255;
constexpr std::uint16_t kClassIn = 1;

// A plain query with RD set (the upstream is a recursive resolver) and no EDNS.
std::vector<std::uint8_t> makeProbeQuery(std::uint16_t id,
                                         const std::vector<std::uint8_t>& qname,
                                         std::uint16_t qtype) {
  std::vector<std::uint8_t> q{static_cast<std::uint8_t>(id >> 8),
                              static_cast<std::uint8_t>(id),
                              0x01,
                              0x00,
                              0,
                              1,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0};
  q.insert(q.end(), qname.begin(), qname.end());
  q.push_back(static_cast<std::uint8_t>(qtype >> 8));
  q.push_back(static_cast<std::uint8_t>(qtype));
  q.push_back(0);
  q.push_back(static_cast<std::uint8_t>(kClassIn));
  return q;
}

}  // namespace

Result<std::vector<std::uint8_t>> encodeName(const std::string& name) {
  std::vector<std::uint8_t> wire;
  if (name != ".") {
    std::string_view rest(name);
    if (!rest.empty() && rest.back() == '.') {
      rest.remove_suffix(1);
    }
    while (true) {
      const auto dot = rest.find('.');
      const std::string_view label = rest.substr(0, dot);
      if (label.empty() || label.size() > kMaxLabelOctets) {
        return makeError(Errc::kConfig,
                         fmt::format("'{}': labels must be 1 to {} octets", name, kMaxLabelOctets));
      }
      wire.push_back(static_cast<std::uint8_t>(label.size()));
      wire.insert(wire.end(), label.begin(), label.end());
      if (dot == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(dot + 1);
    }
  }
  wire.push_back(0);
  if (wire.size() > kMaxNameOctets) {
    return makeError(Errc::kConfig,
                     fmt::format("'{}': a name has at most {} octets", name, kMaxNameOctets));
  }
  return wire;
}

ActiveProber::ActiveProber(const ActiveProberDeps& deps, ActiveProbeOptions options)
    : deps_(deps), options_(std::move(options)) {
  auto wire = encodeName(options_.name);
  qname_ = wire.ok() ? std::move(*wire) : std::vector<std::uint8_t>{0};
}

ActiveProber::~ActiveProber() {
  stop();
}

void ActiveProber::start() {
  stopped_ = false;
  scheduleRound(std::chrono::milliseconds(
      deps_.random.below(static_cast<std::uint64_t>(options_.interval.count()) + 1)));
}

void ActiveProber::stop() noexcept {
  stopped_ = true;
  deps_.scheduler.cancel(round_timer_);
  round_timer_ = 0;
  for (auto& [serial, p] : pending_) {
    deps_.scheduler.cancel(p.timer);
  }
  pending_.clear();
}

void ActiveProber::scheduleRound(Clock::Duration delay) {
  round_timer_ = deps_.scheduler.schedule(delay, [this] {
    round_timer_ = 0;
    runRound();
  });
}

void ActiveProber::runRound() {
  if (stopped_) {
    return;
  }
  for (const auto& [id, upstream] : deps_.pool.probeTargets()) {
    const bool busy = std::any_of(pending_.begin(), pending_.end(),
                                  [id = id](const auto& p) { return p.second.id == id; });
    if (!busy) {
      send(id, upstream);
    }
  }

  // Next round: the interval, jittered by up to a tenth either way.
  const auto interval = options_.interval.count();
  const auto spread = static_cast<std::uint64_t>(interval / 5);
  const auto jitter = static_cast<std::int64_t>(deps_.random.below(spread + 1)) - interval / 10;
  scheduleRound(std::chrono::milliseconds(std::max<std::int64_t>(1, interval + jitter)));
}

void ActiveProber::send(UpstreamId id, const Upstream& upstream) {
  const std::uint64_t serial = next_serial_++;
  Pending& p = pending_[serial];
  p.id = id;
  p.upstream = upstream;
  p.query = makeProbeQuery(static_cast<std::uint16_t>(deps_.random.next()), qname_, options_.qtype);
  ResolverStats::add(deps_.stats.active_probes);

  ExchangeCallbacks callbacks;
  callbacks.on_message = [this, serial](std::span<const std::uint8_t> reply,
                                        const asio::ip::address& from, std::uint16_t port) {
    onMessage(serial, reply, from, port);
  };
  callbacks.on_error = [this, serial](ExchangeError) { finish(serial, false); };
  const auto timeout =
      std::min<Clock::Duration>(kActiveProbeTimeout, Clock::Duration(options_.interval));
  p.timer = deps_.scheduler.schedule(timeout, [this, serial] { finish(serial, false); });
  p.exchange = deps_.transport.start(upstream, upstream.tcp_only ? Protocol::kTcp : Protocol::kUdp,
                                     p.query, std::move(callbacks));
}

void ActiveProber::onMessage(std::uint64_t serial,
                             std::span<const std::uint8_t> reply,
                             const asio::ip::address& from,
                             std::uint16_t port) {
  const auto it = pending_.find(serial);
  if (it == pending_.end()) {
    return;
  }
  const Pending& p = it->second;
  const std::size_t question_end = p.query.size();

  // Spoofed or stray messages are ignored and the probe keeps waiting (RFC 5452 section 9.1).
  const bool ours =
      from == p.upstream.address && port == p.upstream.port && reply.size() >= question_end &&
      (reply[2] & 0x80) != 0 && reply[0] == p.query[0] && reply[1] == p.query[1] &&
      std::equal(p.query.begin() + 4, p.query.begin() + 6, reply.begin() + 4) &&
      std::equal(p.query.begin() + kHeaderBytes, p.query.end(), reply.begin() + kHeaderBytes);
  if (!ours) {
    return;
  }
  const std::uint16_t rcode = reply[3] & 0x0f;
  finish(serial, rcode == kRcodeNoError || rcode == kRcodeNxDomain);
}

void ActiveProber::finish(std::uint64_t serial, bool ok) {
  const auto it = pending_.find(serial);
  if (it == pending_.end()) {
    return;
  }
  const UpstreamId id = it->second.id;
  const std::string name = it->second.upstream.name();
  deps_.scheduler.cancel(it->second.timer);
  pending_.erase(it);  // closes the exchange; no callback runs after this

  if (!ok) {
    ResolverStats::add(deps_.stats.active_probe_failures);
  }
  log_.debug("active probe", {{"upstream.address", name}, {"probe.ok", ok}});
  deps_.pool.reportActiveProbe(id, ok, deps_.clock.now());
}

}  // namespace holdfast::resolver
