"""Resolver operations: Prometheus metrics, webhook alerts and active probes, black-box.

Outages are scripted with the fake upstream; the webhook receiver is a python http.server on
loopback started by the test.
"""
import http.server
import json
import re
import threading
import time
import urllib.error
import urllib.request

import dns.rcode

from resolver_fixtures import resolver, upstreams  # noqa: F401 - pytest fixtures
from harness import addresses, wait_until

FAST_BREAKER = """  breaker: {failures: 2, window: 10s, probe_initial: 300ms, probe_max: 600ms}
"""


def http_port(r):
    event = r.wait_log(lambda e: e.get("msg") == "admin listening")
    assert event["listen.transport"] == "http"
    return int(event["listen.address"].rsplit(":", 1)[1])


def fetch(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def metric(text, name, labels=None):
    """The value of one sample, or None when it is not exposed."""
    want = "" if not labels else "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$", line)
        if m and m.group(1) == name and (m.group(2) or "") == want:
            return float(m.group(3))
    return None


class Receiver:
    """Records every JSON body POSTed to it."""

    def __init__(self):
        bodies = self.bodies = []
        lock = self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                with lock:
                    bodies.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def find(self, alert, status):
        with self.lock:
            return [b for b in self.bodies if b["alert"] == alert and b["status"] == status]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_metrics_show_stale_and_lkg_counters_moving_in_an_outage(upstreams, resolver):
    (up,) = upstreams(1)
    up.add("api.example.test.", "A", ["192.0.2.10"], ttl=1)
    up.add("www.example.test.", "A", ["192.0.2.20"], ttl=1)
    r = resolver([up], """  metrics: {listen: "127.0.0.1:0"}
  last_known_good: ["api.example.test"]
  serve_stale: {failure_recheck: 1s}
""" + FAST_BREAKER)
    port = http_port(r)
    assert fetch(port, "/healthz")[0] == 200
    assert fetch(port, "/readyz")[0] == 200

    assert addresses(r.query("api.example.test.")) == ["192.0.2.10"]
    assert addresses(r.query("www.example.test.", tcp=True)) == ["192.0.2.20"]
    status, text = fetch(port, "/metrics")
    assert status == 200
    assert metric(text, "holdfast_resolver_responses_total",
                  {"transport": "udp", "rcode": "NOERROR", "qtype": "A"}) >= 1
    assert metric(text, "holdfast_resolver_responses_total",
                  {"transport": "tcp", "rcode": "NOERROR", "qtype": "A"}) >= 1
    assert metric(text, "holdfast_resolver_stale_answers_total") == 0
    assert metric(text, "holdfast_resolver_lkg_holds_total") == 0
    assert metric(text, "holdfast_resolver_cache_entries") >= 2
    assert metric(text, "holdfast_resolver_answer_duration_seconds_count") >= 2
    assert metric(text, "holdfast_resolver_upstream_breaker_state",
                  {"upstream": up.endpoint, "state": "closed"}) == 1
    time.sleep(1.2)  # both answers expired

    # The protected name turns empty: last-known-good holds it.
    up.set_mode("empty", "api.example.test.")
    assert addresses(r.query("api.example.test.")) == ["192.0.2.10"]
    text = fetch(port, "/metrics")[1]
    assert metric(text, "holdfast_resolver_lkg_holds_total") == 1

    # Then the upstream stops answering at all: stale answers, breaker open.
    up.set_mode("timeout")
    up.set_mode("timeout", "api.example.test.")
    for _ in range(3):
        reply = r.query("www.example.test.")
        assert reply.rcode() == dns.rcode.NOERROR
        assert addresses(reply) == ["192.0.2.20"]

    def scraped_outage():
        r.query("www.example.test.")  # keeps refreshes (and their timeouts) going
        t = fetch(port, "/metrics")[1]
        opened = metric(t, "holdfast_resolver_upstream_breaker_transitions_total",
                        {"upstream": up.endpoint, "to": "open"})
        return t if metric(t, "holdfast_resolver_stale_answers_total") >= 3 and opened else None

    text = wait_until(scraped_outage, "stale answers and an open breaker in /metrics", step=0.2)
    assert metric(text, "holdfast_resolver_upstream_timeouts_total", {"upstream": up.endpoint}) >= 2
    assert metric(text, "holdfast_resolver_upstream_breaker_state",
                  {"upstream": up.endpoint, "state": "closed"}) == 0


def test_webhook_gets_firing_and_resolved_for_breaker_and_lkg(upstreams, resolver):
    receiver = Receiver()
    try:
        (up,) = upstreams(1)
        up.add("api.example.test.", "A", ["192.0.2.10"], ttl=1)
        r = resolver([up], f"""  alerts: {{webhooks: ["{receiver.url}"], resolve_after: 1s}}
  last_known_good: ["api.example.test"]
  serve_stale: {{failure_recheck: 1s}}
""" + FAST_BREAKER)
        assert addresses(r.query("api.example.test.")) == ["192.0.2.10"]
        time.sleep(1.2)

        up.set_mode("empty", "api.example.test.")
        assert addresses(r.query("api.example.test.")) == ["192.0.2.10"]
        body = wait_until(lambda: receiver.find("last_known_good_hold", "firing"),
                          "a firing last_known_good_hold")[0]
        assert body["subject"] == "resolver"
        assert body["source"] == "holdfast-resolver"

        up.set_mode("timeout")
        up.set_mode("timeout", "api.example.test.")
        for i in range(3):
            r.query(f"down{i}.example.test.")
        body = wait_until(lambda: receiver.find("upstream_breaker_open", "firing"),
                          "a firing upstream_breaker_open")[0]
        assert body["subject"] == up.endpoint

        # Recovery: client traffic lets the breaker's probe through, and it closes.
        up.set_mode("answer")
        up.set_mode("answer", "api.example.test.")
        serial = [0]

        def recovered():
            serial[0] += 1
            r.query(f"up{serial[0]}.example.test.", timeout=1.0)
            return (receiver.find("upstream_breaker_open", "resolved")
                    and receiver.find("last_known_good_hold", "resolved"))

        wait_until(recovered, "resolved alerts", step=0.2)
        # De-duplicated: one firing per condition.
        assert len(receiver.find("upstream_breaker_open", "firing")) == 1
        assert len(receiver.find("last_known_good_hold", "firing")) == 1
        assert r.events("alert firing")
        assert r.events("alert resolved")
    finally:
        receiver.stop()


def test_active_probe_opens_and_closes_breaker_without_client_traffic(upstreams, resolver):
    (up,) = upstreams(1)
    r = resolver([up], """  probe: {interval: 200ms, name: "health.example.test"}
  breaker: {failures: 2, window: 10s, probe_initial: 1h, probe_max: 1h}
""")
    wait_until(lambda: up.count("health.example.test."), "a first active probe")

    up.set_mode("timeout")
    r.wait_log(lambda e: e.get("msg") == "upstream breaker opened")
    up.set_mode("answer")
    r.wait_log(lambda e: e.get("msg") == "upstream breaker closed")
    # No client asked anything: only probes reached the upstream.
    assert up.count() == up.count("health.example.test.")
    assert r.stats()["active.probes"] >= 3
