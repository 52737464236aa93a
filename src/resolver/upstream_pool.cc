// Upstream selection, breakers and retry budget under one lock.
#include "resolver/upstream_pool.h"

#include <algorithm>

namespace holdfast::resolver {

namespace {

const char* failureName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kTimeout:
      return "timeout";
    case FailureKind::kBadRcode:
      return "bad-rcode";
    case FailureKind::kMalformed:
      return "malformed";
    case FailureKind::kTransport:
      return "transport";
  }
  return "unknown";
}

std::vector<Upstream> bounded(std::vector<Upstream> upstreams) {
  if (upstreams.size() > kMaxUpstreams) {
    upstreams.resize(kMaxUpstreams);
  }
  return upstreams;
}

}  // namespace

UpstreamPool::UpstreamPool(std::vector<Upstream> upstreams,
                           const PoolOptions& options,
                           Random& random,
                           ResolverStats& stats)
    : random_(random), stats_(stats), inner_(Inner{{}, RetryBudget(options.retry_budget), 0}) {
  reconfigure(std::move(upstreams), options);
}

void UpstreamPool::reconfigure(std::vector<Upstream> upstreams, const PoolOptions& options) {
  upstreams = bounded(std::move(upstreams));
  inner_.withLock([&](Inner& inner) {
    std::vector<State> next;
    next.reserve(upstreams.size());
    for (const Upstream& u : upstreams) {
      const auto old = std::find_if(inner.upstreams.begin(), inner.upstreams.end(),
                                    [&](const State& s) { return s.upstream == u; });
      if (old != inner.upstreams.end()) {
        next.push_back(std::move(*old));
        next.back().breaker.setOptions(options.breaker);
      } else {
        next.push_back(
            State{inner.next_id++, u, CircuitBreaker(options.breaker), {}, true, 0, 0, 0, 0, 0, 0});
      }
    }
    inner.upstreams = std::move(next);
    inner.budget.setOptions(options.retry_budget);
  });
}

UpstreamPool::State* UpstreamPool::find(Inner& inner, UpstreamId id) {
  for (State& s : inner.upstreams) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

UpstreamChoice UpstreamPool::choose(State& state, bool probe) {
  ++state.outstanding;
  ++state.queries;
  return UpstreamChoice{state.id,        state.upstream,  state.edns,
                        state.rtt.rto(), state.rtt.rto(), probe};
}

std::optional<UpstreamChoice> UpstreamPool::select(Clock::TimePoint,
                                                   std::span<const UpstreamId> exclude) {
  return inner_.withLock([&](Inner& inner) -> std::optional<UpstreamChoice> {
    std::vector<State*> usable;
    std::vector<State*> fresh;  // usable and not yet tried by this query
    for (State& s : inner.upstreams) {
      if (!s.breaker.allowsTraffic() || s.outstanding >= kMaxOutstandingPerUpstream) {
        continue;
      }
      usable.push_back(&s);
      if (std::find(exclude.begin(), exclude.end(), s.id) == exclude.end()) {
        fresh.push_back(&s);
      }
    }
    std::vector<State*>& candidates = fresh.empty() ? usable : fresh;
    if (candidates.empty()) {
      return std::nullopt;
    }
    std::chrono::milliseconds fastest = kMaxRto;
    for (const State* s : usable) {
      fastest = std::min(fastest, s->rtt.rto());
    }
    const auto hedged = [&](State& s) {
      UpstreamChoice choice = choose(s, false);
      choice.hedge_after = std::min(choice.rto, fastest);
      return choice;
    };
    if (candidates.size() > 1 && random_.below(1000) < kExplorePermille) {
      return hedged(*candidates[random_.below(candidates.size())]);
    }

    // Lowest smoothed RTT; an unmeasured upstream counts as fastest so it gets measured, and
    // ties are broken at random so equal upstreams share the load.
    const auto key = [](const State* s) {
      return s->rtt.measured() ? s->rtt.srtt() : std::chrono::microseconds(0);
    };
    std::vector<State*> best;
    for (State* s : candidates) {
      if (best.empty() || key(s) < key(best.front())) {
        best.assign(1, s);
      } else if (key(s) == key(best.front())) {
        best.push_back(s);
      }
    }
    return hedged(*best[random_.below(best.size())]);
  });
}

std::optional<UpstreamChoice> UpstreamPool::takeDueProbe(Clock::TimePoint now) {
  return inner_.withLock([&](Inner& inner) -> std::optional<UpstreamChoice> {
    for (State& s : inner.upstreams) {
      if (s.breaker.tryStartProbe(now, random_)) {
        ResolverStats::add(stats_.probes);
        log_.debug("upstream probe",
                   {{"upstream.address", s.upstream.name()}, {"breaker.state", "half-open"}});
        return choose(s, true);
      }
    }
    return std::nullopt;
  });
}

std::optional<UpstreamChoice> UpstreamPool::reuse(UpstreamId id) {
  return inner_.withLock([&](Inner& inner) -> std::optional<UpstreamChoice> {
    State* s = find(inner, id);
    if (s == nullptr) {
      return std::nullopt;
    }
    return choose(*s, false);
  });
}

bool UpstreamPool::anyUsable(Clock::TimePoint now) {
  return inner_.withLock([&](Inner& inner) {
    for (const State& s : inner.upstreams) {
      if (s.breaker.allowsTraffic() ||
          (s.breaker.state() == BreakerState::kOpen && now >= s.breaker.nextProbeAt()) ||
          (s.breaker.state() == BreakerState::kHalfOpen)) {
        return true;
      }
    }
    return false;
  });
}

void UpstreamPool::logTransition(State& state, BreakerTransition transition, Clock::TimePoint) {
  const auto delay_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(state.breaker.lastProbeDelay()).count();
  switch (transition) {
    case BreakerTransition::kNone:
      return;
    case BreakerTransition::kOpened:
      ResolverStats::add(stats_.breaker_opened);
      ++state.opened;
      log_.warn("upstream breaker opened",
                {{"upstream.address", state.upstream.name()},
                 {"breaker.state", "open"},
                 {"probe.delay.ms", delay_ms},
                 {"probe.ceiling.ms", state.breaker.probeCeiling().count()}});
      return;
    case BreakerTransition::kReopened:
      log_.info("upstream probe failed",
                {{"upstream.address", state.upstream.name()},
                 {"breaker.state", "open"},
                 {"probe.delay.ms", delay_ms},
                 {"probe.ceiling.ms", state.breaker.probeCeiling().count()}});
      return;
    case BreakerTransition::kClosed:
      ResolverStats::add(stats_.breaker_closed);
      ++state.closed;
      log_.info("upstream breaker closed",
                {{"upstream.address", state.upstream.name()}, {"breaker.state", "closed"}});
      return;
  }
}

void UpstreamPool::reportSuccess(UpstreamId id,
                                 std::chrono::microseconds rtt,
                                 bool,
                                 Clock::TimePoint now) {
  inner_.withLock([&](Inner& inner) {
    State* s = find(inner, id);
    if (s == nullptr) {
      return;
    }
    s->outstanding = std::max(0, s->outstanding - 1);
    s->rtt.addSample(rtt);
    logTransition(*s, s->breaker.recordSuccess(now), now);
  });
}

void UpstreamPool::reportFailure(UpstreamId id, FailureKind kind, bool, Clock::TimePoint now) {
  inner_.withLock([&](Inner& inner) {
    State* s = find(inner, id);
    if (s == nullptr) {
      return;
    }
    s->outstanding = std::max(0, s->outstanding - 1);
    ++s->failures;
    if (kind == FailureKind::kTimeout) {
      ++s->timeouts;
      s->rtt.addTimeout(std::chrono::duration_cast<std::chrono::microseconds>(s->rtt.rto()));
    }
    log_.debug("upstream attempt failed",
               {{"upstream.address", s->upstream.name()}, {"error.code", failureName(kind)}});
    logTransition(*s, s->breaker.recordFailure(now, random_), now);
  });
}

void UpstreamPool::reportAbandoned(UpstreamId id, bool probe, Clock::TimePoint now) {
  inner_.withLock([&](Inner& inner) {
    State* s = find(inner, id);
    if (s == nullptr) {
      return;
    }
    s->outstanding = std::max(0, s->outstanding - 1);
    if (probe) {
      s->breaker.abandonProbe(now);
    }
  });
}

void UpstreamPool::markEdnsUnsupported(UpstreamId id) {
  inner_.withLock([&](Inner& inner) {
    if (State* s = find(inner, id); s != nullptr && s->edns) {
      s->edns = false;
      log_.info("upstream does not support EDNS", {{"upstream.address", s->upstream.name()}});
    }
  });
}

void UpstreamPool::noteFirstAttempt() {
  inner_.withLock([](Inner& inner) { inner.budget.noteFirstAttempt(); });
}

bool UpstreamPool::tryRetry(Clock::TimePoint now) {
  return inner_.withLock([&](Inner& inner) { return inner.budget.tryRetry(now); });
}

std::vector<UpstreamStatus> UpstreamPool::status() const {
  return inner_.withLock([](const Inner& inner) {
    std::vector<UpstreamStatus> out;
    for (const State& s : inner.upstreams) {
      out.push_back(UpstreamStatus{s.upstream.name(), s.breaker.state(), s.rtt.srtt(),
                                   s.outstanding, s.queries, s.failures, s.timeouts, s.opened,
                                   s.closed});
    }
    return out;
  });
}

std::vector<std::pair<UpstreamId, Upstream>> UpstreamPool::probeTargets() const {
  return inner_.withLock([](const Inner& inner) {
    std::vector<std::pair<UpstreamId, Upstream>> out;
    for (const State& s : inner.upstreams) {
      out.emplace_back(s.id, s.upstream);
    }
    return out;
  });
}

void UpstreamPool::reportActiveProbe(UpstreamId id, bool ok, Clock::TimePoint now) {
  inner_.withLock([&](Inner& inner) {
    State* s = find(inner, id);
    if (s == nullptr) {
      return;
    }
    if (ok) {
      logTransition(*s, s->breaker.recordActiveProbeSuccess(), now);
    } else if (s->breaker.state() == BreakerState::kClosed) {
      ++s->failures;
      logTransition(*s, s->breaker.recordFailure(now, random_), now);
    }
  });
}

}  // namespace holdfast::resolver
