"""`holdfast probe` end to end: connects to resolved addresses, and the failure-ratio rule.

Alerts reach a webhook receiver the test runs on loopback (helpers from test_probe.py).
"""
import http.server
import socket
import struct
import subprocess
import threading

import pytest

from conftest import Holdfast, free_port, holdfast_bin, make_config, wait_until
from test_probe import Probe, Receiver

WWW = "127.0.0.11"  # www.example.test in examples/zones/example.test.zone


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


class TcpListener:
    """A TCP listener on address:port that accepts and closes every connection (so that the
    accept queue never fills up and turns connects into timeouts)."""

    def __init__(self, address, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            conn.close()

    def close(self):
        if self.running:
            self.running = False
            self.thread.join()
            self.sock.close()


class StatusServer:
    """An HTTP server on address:port answering GET /healthz with `status`."""

    def __init__(self, address, port):
        self.status = 200
        self.paths = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.paths.append(self.path)
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((address, port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class PatternResolver:
    """A UDP DNS server on loopback answering A questions with 127.0.0.11. Query number i is
    answered per pattern[i % len(pattern)]: "ok", "drop" (never answered) or "servfail"."""

    def __init__(self):
        self.pattern = ["ok"]
        self.count = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                query, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            pattern = list(self.pattern)
            what = pattern[self.count % len(pattern)]
            self.count += 1
            if what == "drop":
                continue
            if what == "servfail":
                header = query[:2] + b"\x81\x82" + b"\x00\x01\x00\x00\x00\x00\x00\x00"
                self.sock.sendto(header + query[12:], peer)
                continue
            header = query[:2] + b"\x81\x80" + b"\x00\x01\x00\x01\x00\x00\x00\x00"
            record = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 30, 4) + bytes([127, 0, 0, 11])
            self.sock.sendto(header + query[12:] + record, peer)

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def connects(probe, reachable):
    return [e for e in list(probe.lines)
            if e.get("msg") == "probe connect" and e.get("probe.reachable") is reachable]


def start_probe(workdir, h, receiver, connect):
    probe = Probe(workdir, f"""interval: 200ms
timeout: 200ms
log: {{level: debug}}
checks:
  - name: www.example.test
    resolvers: ["127.0.0.1:{h.port}"]
    connect: {connect}
notify:
  webhooks: ["{receiver.url}"]
  source: probe-test
""")
    wait_until(lambda: [e for e in probe.lines if e.get("msg") == "probe started"],
               "probe started")
    return probe


def test_a_closed_port_fires_unreachable_address_and_reopening_resolves_it(
        workdir, backends, receiver):
    h = Holdfast(workdir, make_config(backends, 0)).start()
    port = free_port(WWW)
    listener = TcpListener(WWW, port)
    probe = None
    try:
        probe = start_probe(workdir, h, receiver, f"{{tcp: {port}, timeout: 150ms}}")
        # Several rounds connect: nothing fires.
        wait_until(lambda: len(connects(probe, True)) >= 3, "three good connects")
        assert connects(probe, True)[0]["peer.address"] == f"{WWW}:{port}"
        assert not receiver.bodies

        listener.close()
        fired = wait_until(lambda: receiver.seen("unreachable_address", "firing"),
                           "unreachable_address firing")
        assert fired[0]["subject"] == f"www.example.test.->{WWW}:{port}"
        assert fired[0]["summary"] == f"{WWW}:{port}: connect: Connection refused"
        assert fired[0]["source"] == "probe-test"
        every = wait_until(lambda: receiver.seen("all_addresses_unreachable", "firing"),
                           "all_addresses_unreachable firing")
        assert every[0]["subject"] == f"www.example.test.->*:{port}"
        assert every[0]["summary"] == (f"none of 1 address(es) accepted: {WWW}:{port} "
                                       "(connect: Connection refused)")
        assert probe.logged("alert firing", "unreachable_address")

        listener = TcpListener(WWW, port)
        resolved = wait_until(lambda: receiver.seen("unreachable_address", "resolved"),
                              "unreachable_address resolved")
        assert resolved[0]["subject"] == f"www.example.test.->{WWW}:{port}"
        assert resolved[0]["summary"] == f"{WWW}:{port}: connected"
        wait_until(lambda: receiver.seen("all_addresses_unreachable", "resolved"),
                   "all_addresses_unreachable resolved")
        assert len(receiver.seen("unreachable_address", "firing")) == 1
        assert not receiver.seen("resolver_unreachable", "firing")
        assert probe.stop() == 0
    finally:
        if probe:
            probe.stop()
        listener.close()
        h.stop()


def test_an_http_check_fires_on_a_bad_status_and_resolves_on_a_good_one(
        workdir, backends, receiver):
    h = Holdfast(workdir, make_config(backends, 0)).start()
    port = free_port(WWW)
    server = StatusServer(WWW, port)
    probe = None
    try:
        probe = start_probe(workdir, h, receiver,
                            f"{{http: {{port: {port}, path: /healthz, expect_status: 200-299}}}}")
        wait_until(lambda: len(connects(probe, True)) >= 3, "three good HTTP checks")
        assert server.paths[0] == "/healthz"
        assert not receiver.bodies

        server.status = 503
        fired = wait_until(lambda: receiver.seen("unreachable_address", "firing"),
                           "unreachable_address firing")
        assert fired[0]["subject"] == f"www.example.test.->{WWW}:{port}"
        assert fired[0]["summary"] == f"{WWW}:{port}: http 503"

        server.status = 204
        resolved = wait_until(lambda: receiver.seen("unreachable_address", "resolved"),
                              "unreachable_address resolved")
        assert resolved[0]["summary"] == f"{WWW}:{port}: http 204"
        assert len(receiver.seen("unreachable_address", "firing")) == 1
        assert probe.stop() == 0
    finally:
        if probe:
            probe.stop()
        server.stop()
        h.stop()


def test_a_resolver_failing_a_share_of_queries_fires_failure_ratio(workdir, receiver):
    resolver = PatternResolver()
    probe = None
    try:
        probe = Probe(workdir, f"""interval: 200ms
timeout: 100ms
failure_ratio: {{above: 0.3, window: 10}}
checks:
  - name: api.example.test
    resolvers: ["127.0.0.1:{resolver.port}"]
notify:
  webhooks: ["{receiver.url}"]
""")
        wait_until(lambda: [e for e in probe.lines if e.get("msg") == "probe started"],
                   "probe started")
        # Half the queries fail: one dropped and one SERVFAIL in every four.
        resolver.pattern = ["ok", "drop", "ok", "servfail"]
        fired = wait_until(lambda: receiver.seen("failure_ratio", "firing"),
                           "failure_ratio firing")
        assert fired[0]["subject"] == f"api.example.test.@127.0.0.1:{resolver.port}"
        assert "of the last 10 queries failed" in fired[0]["summary"]
        assert fired[0]["summary"].endswith("limit 30%)")

        resolver.pattern = ["ok"]
        resolved = wait_until(lambda: receiver.seen("failure_ratio", "resolved"),
                              "failure_ratio resolved")
        # Failures leave the window one at a time, so it resolves at exactly three of ten.
        assert resolved[0]["summary"] == "3 of the last 10 queries failed (30%, limit 30%)"
        assert len(receiver.seen("failure_ratio", "firing")) == 1
        assert probe.stop() == 0
    finally:
        if probe:
            probe.stop()
        resolver.stop()


def test_a_one_millisecond_interval_is_refused_with_file_line_and_field(workdir):
    (workdir / "probe.yaml").write_text(
        "interval: 1ms\nchecks:\n  - {name: a.test, resolvers: [127.0.0.1], "
        "connect: {tcp: 443}}\n")
    done = subprocess.run([str(holdfast_bin()), "probe", "--config", "probe.yaml"],
                          cwd=workdir, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr == ("holdfast: probe.yaml:1:11: interval: must be from 100ms to 1h, "
                           "got '1ms'\n")
