// The resolver's test fakes.
#include "resolver/test_support.h"

#include "resolver/message.h"

namespace holdfast::resolver::testing {

TimerId FakeTime::schedule(Clock::Duration delay, std::function<void()> fn) {
  const TimerId id = next_++;
  timers_.emplace(now_ + delay, std::make_pair(id, std::move(fn)));
  return id;
}

void FakeTime::cancel(TimerId id) noexcept {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second.first == id) {
      timers_.erase(it);
      return;
    }
  }
}

void FakeTime::advance(Clock::Duration d) {
  const TimePoint end = now_ + d;
  while (!timers_.empty() && timers_.begin()->first <= end) {
    auto node = timers_.extract(timers_.begin());
    now_ = node.key();
    node.mapped().second();
  }
  now_ = end;
}

namespace {

class FakeExchange final : public Exchange {
public:
  explicit FakeExchange(std::shared_ptr<bool> alive) : alive_(std::move(alive)) {}

  ~FakeExchange() override { *alive_ = false; }

private:
  std::shared_ptr<bool> alive_;
};

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v));
}

}  // namespace

std::unique_ptr<Exchange> FakeTransport::start(const Upstream& upstream,
                                               Protocol protocol,
                                               std::span<const std::uint8_t> query,
                                               ExchangeCallbacks callbacks) {
  auto alive = std::make_shared<bool>(true);
  sent_.push_back(Sent{upstream, protocol, std::vector<std::uint8_t>(query.begin(), query.end()),
                       std::move(callbacks), alive});
  return std::make_unique<FakeExchange>(alive);
}

void FakeTransport::reply(std::size_t index, const std::vector<std::uint8_t>& reply, int port) {
  Sent& s = sent_.at(index);
  if (*s.alive) {
    // Copy: the callback may start exchanges and reallocate sent_.
    const ExchangeCallbacks callbacks = s.callbacks;
    const Upstream upstream = s.upstream;
    callbacks.on_message(reply, upstream.address,
                         port < 0 ? upstream.port : static_cast<std::uint16_t>(port));
  }
}

void FakeTransport::fail(std::size_t index, ExchangeError error) {
  Sent& s = sent_.at(index);
  if (*s.alive) {
    const ExchangeCallbacks callbacks = s.callbacks;
    callbacks.on_error(error);
  }
}

std::vector<std::uint8_t> wireName(const std::string& name) {
  std::vector<std::uint8_t> wire;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) {
      dot = name.size();
    }
    wire.push_back(static_cast<std::uint8_t>(dot - start));
    wire.insert(wire.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
                name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  wire.push_back(0);
  return wire;
}

std::vector<std::uint8_t> makeQuery(const std::string& name,
                                    std::uint16_t qtype,
                                    std::uint16_t id,
                                    bool edns) {
  std::vector<std::uint8_t> out;
  put16(out, id);
  put16(out, 0x0100);
  put16(out, 1);
  put16(out, 0);
  put16(out, 0);
  put16(out, edns ? 1 : 0);
  const auto qname = wireName(name);
  out.insert(out.end(), qname.begin(), qname.end());
  put16(out, qtype);
  put16(out, kClassIn);
  if (edns) {
    out.push_back(0);
    put16(out, kTypeOpt);
    put16(out, 1232);
    put32(out, 0);
    put16(out, 0);
  }
  return out;
}

std::vector<std::uint8_t> makeReply(std::span<const std::uint8_t> query, const ReplySpec& spec) {
  auto info = scanMessage(query, ScanDepth::kQuestion);
  std::vector<std::uint8_t> out;
  put16(out, static_cast<std::uint16_t>(info->id + spec.id_delta));
  std::uint16_t flags = 0x8180 | (spec.rcode & 0x0f);
  if (spec.truncated) {
    flags |= 0x0200;
  }
  put16(out, flags);
  put16(out, 1);
  put16(out, static_cast<std::uint16_t>(spec.answers.size()));
  put16(out, spec.soa ? 1 : 0);
  put16(out, spec.edns ? 1 : 0);
  const std::vector<std::uint8_t> qname =
      spec.qname_override.empty()
          ? std::vector<std::uint8_t>(info->qname.begin(), info->qname.begin() + info->qname_size)
          : wireName(spec.qname_override);
  out.insert(out.end(), qname.begin(), qname.end());
  put16(out, info->qtype);
  put16(out, info->qclass);
  for (const TestRecord& r : spec.answers) {
    put16(out, 0xc00c);
    put16(out, r.type);
    put16(out, kClassIn);
    put32(out, r.ttl);
    put16(out, static_cast<std::uint16_t>(r.rdata.size()));
    out.insert(out.end(), r.rdata.begin(), r.rdata.end());
  }
  if (spec.soa) {
    out.push_back(0);  // root-owned SOA keeps the test simple
    put16(out, kTypeSoa);
    put16(out, kClassIn);
    put32(out, spec.soa->first);
    put16(out, 2 + 20);
    out.push_back(0);
    out.push_back(0);
    put32(out, 1);
    put32(out, 3600);
    put32(out, 600);
    put32(out, 86400);
    put32(out, spec.soa->second);
  }
  if (spec.edns) {
    out.push_back(0);
    put16(out, kTypeOpt);
    put16(out, 1232);
    put32(out, static_cast<std::uint32_t>(spec.rcode >> 4) << 24);
    put16(out, 0);
  }
  return out;
}

}  // namespace holdfast::resolver::testing
