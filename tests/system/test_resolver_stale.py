"""Serve-stale and last-known-good against fake upstreams: the resolver keeps answering."""
import time

import dns.rcode

from resolver_fixtures import resolver, upstreams  # noqa: F401 - pytest fixtures
from harness import addresses, ttls, wait_until

NAMES = [f"host{i}.example.test." for i in range(5)]


def test_all_upstreams_die_cached_names_resolve_stale_until_window_ends(upstreams, resolver):
    ups = upstreams(2)
    for up in ups:
        for i, name in enumerate(NAMES):
            up.add(name, "A", [f"192.0.2.{i + 1}"], ttl=1)
    r = resolver(ups, """  serve_stale: {window: 3s, failure_recheck: 1s}
  breaker: {failures: 2, probe_initial: 5s}
""")
    for name in NAMES:
        assert addresses(r.query(name))

    for up in ups:
        up.stop()
    time.sleep(1.2)  # every answer has expired

    for _ in range(2):
        for i, name in enumerate(NAMES):
            start = time.monotonic()
            reply = r.query(name)
            assert time.monotonic() - start < 1.9, "stale answer later than the client timer"
            assert reply.rcode() == dns.rcode.NOERROR
            assert addresses(reply) == [f"192.0.2.{i + 1}"]
            assert ttls(reply) == [30]
    assert r.stats()["stale.answers"] >= 2 * len(NAMES)
    assert r.stats()["breaker.opened"] == 2

    # The window is counted from expiry: cached at t0 with TTL 1, stale until t0 + 1 + 3 s.
    def window_over():
        return r.query(NAMES[0]).rcode() == dns.rcode.SERVFAIL

    wait_until(window_over, "the stale window to end", limit=6)


def test_client_response_timer_answers_stale_while_upstream_is_slow(upstreams, resolver):
    (up,) = upstreams(1)
    up.add("slow.example.test.", "A", ["192.0.2.7"], ttl=1)
    r = resolver([up], """  serve_stale: {client_timeout: 300ms}
""")
    assert addresses(r.query("slow.example.test.")) == ["192.0.2.7"]
    time.sleep(1.1)
    up.set_mode("timeout")
    start = time.monotonic()
    reply = r.query("slow.example.test.")
    elapsed = time.monotonic() - start
    assert addresses(reply) == ["192.0.2.7"] and ttls(reply) == [30]
    assert 0.25 < elapsed < 1.5


def test_protected_name_suddenly_empty_serves_last_good_and_counts(upstreams, resolver):
    (up,) = upstreams(1)
    up.add("api.example.test.", "A", ["192.0.2.10", "192.0.2.11"], ttl=1)
    up.add("www.example.test.", "A", ["192.0.2.20"], ttl=1)
    r = resolver([up], """  last_known_good: ["api.example.test"]
""")
    assert addresses(r.query("api.example.test.")) == ["192.0.2.10", "192.0.2.11"]
    assert addresses(r.query("www.example.test.")) == ["192.0.2.20"]
    time.sleep(1.2)

    up.set_mode("empty", "api.example.test.")
    up.set_mode("nxdomain", "www.example.test.")
    held = r.query("api.example.test.")
    assert held.rcode() == dns.rcode.NOERROR
    assert addresses(held) == ["192.0.2.10", "192.0.2.11"]
    assert ttls(held) == [30]
    event = r.wait_log(lambda e: e.get("msg") == "last known good held")
    assert event["query.name"] == "api.example.test."
    assert event["answer.kind"] == "nodata"
    assert r.stats()["lkg.holds"] == 1

    # An unprotected name takes the NXDOMAIN.
    assert r.query("www.example.test.").rcode() == dns.rcode.NXDOMAIN


def test_negative_answers_expire_per_soa_minimum(upstreams, resolver):
    (up,) = upstreams(1)
    up.soa_minimum = 2
    up.add("gone.example.test.", "TXT", ['"x"'])
    r = resolver([up])
    first = r.query("gone.example.test.")
    assert first.rcode() == dns.rcode.NOERROR and not first.answer  # NODATA for type A
    nx = r.query("never.example.test.")
    assert nx.rcode() == dns.rcode.NXDOMAIN
    assert nx.authority[0].ttl == 2
    assert up.count("never.example.test.") == 1

    time.sleep(1.0)
    assert r.query("never.example.test.").rcode() == dns.rcode.NXDOMAIN
    assert r.query("gone.example.test.").rcode() == dns.rcode.NOERROR
    assert up.count("never.example.test.") == 1
    assert up.count("gone.example.test.") == 1

    time.sleep(1.2)
    assert r.query("never.example.test.").rcode() == dns.rcode.NXDOMAIN
    assert up.count("never.example.test.") == 2
