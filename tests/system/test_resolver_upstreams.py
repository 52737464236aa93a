"""Upstream failure handling against fake upstreams: retries, breakers, protocol fallbacks."""
import time

import dns.flags
import dns.rcode

from resolver_fixtures import resolver, upstreams  # noqa: F401 - pytest fixtures
from harness import addresses, wait_until


def fill(up, count, prefix="n"):
    for i in range(count):
        up.add(f"{prefix}{i}.example.test.", "A", [f"10.0.{i // 256}.{i % 256}"], ttl=60)


def test_one_upstream_blackholed_answers_fast_and_breaker_opens(upstreams, resolver):
    good, dead = upstreams(2)
    fill(good, 300)
    fill(dead, 300)
    dead.set_mode("timeout")
    r = resolver([good, dead], """  breaker: {failures: 3, window: 30s, probe_initial: 30s}
""")
    # Selection soon prefers the fast upstream; exploration still sends the odd query to the
    # blackholed one, and its timeouts open its breaker.
    slowest = 0.0
    for i in range(300):
        start = time.monotonic()
        reply = r.query(f"n{i}.example.test.")
        slowest = max(slowest, time.monotonic() - start)
        assert reply.rcode() == dns.rcode.NOERROR and addresses(reply)
        if r.events("upstream breaker opened"):
            break
    assert slowest < 1.0, f"slowest answer {slowest:.2f}s, client deadline is 2s"
    event = r.wait_log(lambda e: e.get("msg") == "upstream breaker opened")
    assert event["upstream.address"] == dead.endpoint
    assert r.stats()["breaker.opened"] == 1

    # With its breaker open, the blackholed upstream gets no more client traffic.
    before = dead.count()
    for i in range(20):
        assert addresses(r.query(f"n{299 - i}.example.test."))
    assert dead.count() == before


def test_flapping_upstream_breaker_opens_closes_and_probes_back_off(upstreams, resolver):
    (up,) = upstreams(1)
    fill(up, 400)
    r = resolver([up], """  breaker: {failures: 3, window: 10s, probe_initial: 200ms, probe_max: 800ms}
  serve_stale: {enabled: false}
""")
    names = iter(f"n{i}.example.test." for i in range(400))

    def ask_until(predicate, what):
        def step():
            r.query(next(names), timeout=3)
            return predicate()
        wait_until(step, what, limit=10, step=0.03)

    up.set_mode("servfail")
    ask_until(lambda: r.events("upstream breaker opened"), "the breaker to open")
    # Probes fail and their delay ceiling doubles up to the cap.
    ask_until(lambda: len(r.events("upstream probe failed")) >= 3, "three failed probes")
    ceilings = [e["probe.ceiling.ms"] for e in r.events("upstream probe failed")]
    assert ceilings[:3] == [400, 800, 800]

    up.set_mode("answer")
    ask_until(lambda: r.events("upstream breaker closed"), "the breaker to close")
    assert addresses(r.query(next(names)))

    up.set_mode("servfail")
    ask_until(lambda: len(r.events("upstream breaker opened")) >= 2, "the breaker to reopen")
    stats = r.stats()
    assert stats["breaker.opened"] == 2 and stats["breaker.closed"] == 1


def test_truncated_answer_is_retried_over_tcp(upstreams, resolver):
    (up,) = upstreams(1)
    up.add("big.example.test.", "TXT", [f'"{"x" * 200} {i}"' for i in range(10)])
    up.set_mode("truncate")
    r = resolver([up])
    reply = r.query("big.example.test.", "TXT", tcp=True)
    assert reply.rcode() == dns.rcode.NOERROR
    assert len(reply.answer[0]) == 10
    assert up.count("big.example.test.", "tcp") == 1
    assert r.stats()["tcp.retries"] == 1

    # A UDP client gets TC from us (the answer exceeds 1232 octets) and comes back over TCP.
    small = r.query("big.example.test.", "TXT")
    assert small.flags & dns.flags.TC


def test_edns_intolerant_upstream_gets_plain_queries(upstreams, resolver):
    (up,) = upstreams(1)
    up.add("old.example.test.", "A", ["192.0.2.5"])
    up.set_mode("formerr_edns")
    r = resolver([up])
    assert addresses(r.query("old.example.test.")) == ["192.0.2.5"]
    assert [q[3] for q in up.queries] == [True, False]
    assert r.stats()["edns.fallbacks"] == 1


def test_mismatched_replies_are_dropped_and_another_upstream_answers(upstreams, resolver):
    liar_id, liar_question, honest = upstreams(3)
    for up in (liar_id, liar_question, honest):
        fill(up, 12)
    liar_id.set_mode("wrong_id")
    liar_question.set_mode("wrong_question")
    r = resolver([liar_id, liar_question, honest], """  max_attempts: 3
""")
    for i in range(12):
        reply = r.query(f"n{i}.example.test.")
        assert addresses(reply) == [f"10.0.0.{i}"]
    assert r.stats()["upstream.mismatched"] >= 1


def test_slow_upstream_and_servfail_refused_upstreams(upstreams, resolver):
    slow, failing, refusing = upstreams(3)
    for up in (slow, failing, refusing):
        fill(up, 6)
    slow.delay = 0.25
    slow.set_mode("slow")
    failing.set_mode("servfail")
    refusing.set_mode("refused")
    r = resolver([slow, failing, refusing])
    for i in range(6):
        assert addresses(r.query(f"n{i}.example.test.")) == [f"10.0.0.{i}"]
    assert r.stats()["upstream.failures"] >= 1
