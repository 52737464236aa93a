"""A managed endpoint follows the health of its backends through planner and enactors."""
import dns.flags
import dns.rcode

from conftest import wait_until

ALL = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]


def test_healthy_backends_are_served_with_aa(holdfast):
    wait_until(lambda: holdfast.addresses() == ALL, "all three backends published")
    r = holdfast.query("api.example.test")
    assert r.rcode() == dns.rcode.NOERROR
    assert r.flags & dns.flags.AA
    assert r.answer[0].ttl == 5
    applied = holdfast.events("plan applied")
    assert applied, "no 'plan applied' log line"
    assert applied[0]["enactor.id"].startswith("enactor-")
    created = holdfast.events("plan created")
    assert created and created[0]["plan.generation"] == 1


def test_stopped_backend_is_removed_within_a_few_intervals(holdfast, backends):
    wait_until(lambda: holdfast.addresses() == ALL, "all three backends published")
    backends[1].stop()
    # interval 200ms, fall 2: a handful of intervals is plenty; the wait bound is generous.
    wait_until(lambda: holdfast.addresses() == ["127.0.0.2", "127.0.0.4"],
               "127.0.0.3 removed", limit=10)
    holdfast.wait_log(lambda e: e.get("msg") == "backend health changed"
                      and e.get("backend.address") == "127.0.0.3")
    gens = [e["plan.generation"] for e in holdfast.events("plan applied")]
    assert gens == sorted(gens), f"published generations went down: {gens}"


def test_all_backends_down_fails_open(holdfast, backends):
    wait_until(lambda: holdfast.addresses() == ALL, "all three backends published")
    backends[0].stop()
    wait_until(lambda: holdfast.addresses() == ["127.0.0.3", "127.0.0.4"], "127.0.0.2 removed")
    backends[1].stop()
    backends[2].stop()
    holdfast.wait_log(lambda e: e.get("msg") == "all backends unhealthy, failing open")
    # Never empty: every configured backend is served rather than none.
    wait_until(lambda: holdfast.addresses() == ALL, "fail-open publishes every backend")
    for _ in range(10):
        assert holdfast.addresses() != []


def test_zone_serial_rises_with_each_publish(holdfast, backends):
    wait_until(lambda: holdfast.addresses() == ALL, "all three backends published")
    first = holdfast.query("example.test", "SOA").answer[0][0].serial
    backends[2].stop()
    wait_until(lambda: "127.0.0.4" not in holdfast.addresses(), "127.0.0.4 removed")
    second = holdfast.query("example.test", "SOA").answer[0][0].serial
    assert second > first
