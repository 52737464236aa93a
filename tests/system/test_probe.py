"""`holdfast probe` end to end: alerts reach a webhook receiver the test starts on loopback."""
import http.server
import json
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import Holdfast, holdfast_bin, make_config, wait_until, ZONE


class Receiver:
    """An HTTP server on loopback that keeps every JSON body POSTed to it."""

    def __init__(self):
        self.bodies = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                with outer.lock:
                    outer.bodies.append(body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seen(self, alert, status):
        with self.lock:
            return [b for b in self.bodies if b["alert"] == alert and b["status"] == status]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class SlowResolver:
    """A UDP DNS server on loopback answering every A question with 192.0.2.9 after `delay`."""

    def __init__(self):
        self.delay = 0.0
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
            time.sleep(self.delay)
            header = query[:2] + b"\x81\x80" + b"\x00\x01\x00\x01\x00\x00\x00\x00"
            record = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 30, 4) + bytes([192, 0, 2, 9])
            self.sock.sendto(header + query[12:] + record, peer)

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()


class Probe:
    def __init__(self, workdir, config_text):
        self.config = workdir / "probe.yaml"
        self.config.write_text(config_text)
        self.lines = []
        self.proc = subprocess.Popen([str(holdfast_bin()), "probe", "--config", str(self.config)],
                                     cwd=workdir, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            try:
                self.lines.append(json.loads(line))
            except json.JSONDecodeError:
                self.lines.append({"raw": line})

    def logged(self, msg, alert):
        return [e for e in list(self.lines)
                if e.get("msg") == msg and e.get("alert.name") == alert]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        return self.proc.returncode


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def reload(h):
    done = subprocess.run([str(holdfast_bin()), "reload", "--config", str(h.config)],
                          cwd=h.workdir, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def www_addresses(h):
    r = h.query("www.example.test")
    return [rr.address for rrset in r.answer for rr in rrset]


def test_emptied_name_fires_at_the_webhook_and_resolves_when_fixed(workdir, backends, receiver):
    h = Holdfast(workdir, make_config(backends, 0) + 'admin: {listen: "127.0.0.1:0"}\n').start()
    probe = None
    try:
        assert www_addresses(h) == ["127.0.0.11"]
        probe = Probe(workdir, f"""interval: 200ms
timeout: 200ms
for: 400ms
checks:
  - name: www.example.test
    resolvers: ["127.0.0.1:{h.port}"]
    expect: {{non_empty: true, contains: [127.0.0.11]}}
notify:
  webhooks: ["{receiver.url}"]
  source: probe-test
""")
        wait_until(lambda: [e for e in probe.lines if e.get("msg") == "probe started"],
                   "probe started")
        # Several rounds with the name answering: nothing fires.
        wait_until(lambda: len(probe.lines) >= 1, "probe log")
        assert not receiver.bodies

        # The operator removes the record and reloads: the name now answers with no address.
        zone = workdir / "example.test.zone"
        zone.write_text("\n".join(l for l in zone.read_text().splitlines()
                                  if not l.startswith("www     IN A ")) + "\n")
        reload(h)
        assert www_addresses(h) == []
        fired = wait_until(lambda: receiver.seen("name_emptied", "firing"), "name_emptied firing")
        assert fired[0]["subject"] == f"www.example.test.@127.0.0.1:{h.port}"
        assert fired[0]["source"] == "probe-test"
        assert "127.0.0.11" in fired[0]["summary"]
        # A separate alert, posted on its own: it may arrive just after name_emptied.
        wait_until(lambda: receiver.seen("address_missing", "firing"), "address_missing firing")
        assert not receiver.seen("empty_answer", "firing")
        assert probe.logged("alert firing", "name_emptied")

        # Fixed: one resolved message each, and no repeated firing in between.
        shutil.copy(ZONE, zone)
        reload(h)
        wait_until(lambda: receiver.seen("name_emptied", "resolved"), "name_emptied resolved")
        wait_until(lambda: receiver.seen("address_missing", "resolved"),
                   "address_missing resolved")
        assert len(receiver.seen("name_emptied", "firing")) == 1
        assert len(receiver.seen("name_emptied", "resolved")) == 1
        assert probe.stop() == 0
    finally:
        if probe:
            probe.stop()
        h.stop()


def test_a_slowed_resolver_fires_slow_answer(workdir, receiver):
    slow = SlowResolver()
    probe = None
    try:
        probe = Probe(workdir, f"""interval: 1500ms
timeout: 1500ms
checks:
  - name: api.example.test
    resolvers: ["127.0.0.1:{slow.port}"]
    expect: {{max_latency: 300ms}}
notify:
  webhooks: ["{receiver.url}"]
""")
        wait_until(lambda: [e for e in probe.lines if e.get("msg") == "probe started"],
                   "probe started")
        slow.delay = 0.9
        fired = wait_until(lambda: receiver.seen("slow_answer", "firing"), "slow_answer firing")
        assert "limit 300 ms" in fired[0]["summary"]
        slow.delay = 0.0
        wait_until(lambda: receiver.seen("slow_answer", "resolved"), "slow_answer resolved")
        assert not receiver.seen("resolver_unreachable", "firing")
    finally:
        if probe:
            probe.stop()
        slow.stop()


def test_latency_anomaly_against_the_rolling_baseline(workdir, receiver):
    slow = SlowResolver()
    probe = None
    try:
        probe = Probe(workdir, f"""interval: 1s
timeout: 1s
log: {{level: debug}}
checks:
  - name: api.example.test
    resolvers: ["127.0.0.1:{slow.port}"]
    expect: {{latency_anomaly: 3}}
notify:
  webhooks: ["{receiver.url}"]
""")
        # A baseline of fast answers first (the rule needs five).
        wait_until(lambda: len([e for e in list(probe.lines) if e.get("msg") == "probe answer"])
                   >= 6, "six fast answers")
        assert not receiver.seen("latency_anomaly", "firing")
        slow.delay = 0.5
        fired = wait_until(lambda: receiver.seen("latency_anomaly", "firing"),
                           "latency_anomaly firing")
        assert "median of the last" in fired[0]["summary"]
        slow.delay = 0.0
        wait_until(lambda: receiver.seen("latency_anomaly", "resolved"),
                   "latency_anomaly resolved")
        assert len(receiver.seen("latency_anomaly", "firing")) == 1
    finally:
        if probe:
            probe.stop()
        slow.stop()


def test_bad_probe_config_names_file_line_and_field(workdir):
    (workdir / "probe.yaml").write_text("checks:\n  - {name: a.test, resolvers: [nope]}\n")
    done = subprocess.run([str(holdfast_bin()), "probe", "--config", "probe.yaml"],
                          cwd=workdir, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "probe.yaml:2:32: checks[0].resolvers[0]: 'nope' is not an IP address" in done.stderr
