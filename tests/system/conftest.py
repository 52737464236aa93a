"""Fixtures for black-box tests of the real holdfast binary on loopback.

Every test gets its own directory, its own HTTP backends and its own holdfast process; all of
them listen on 127.0.0.0/8 only and are stopped by PID at the end of the test.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import dns.flags
import dns.message
import dns.query
import dns.rdatatype
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BIN = ROOT / "build" / "release" / "src" / "cli" / "holdfast"
BACKEND = ROOT / "examples" / "backend.py"
ZONE = ROOT / "examples" / "zones" / "example.test.zone"

# Bound on how long any wait in these tests may take; well above what a healthy run needs.
WAIT_LIMIT = 20.0


def holdfast_bin():
    return pathlib.Path(os.environ.get("HOLDFAST_BIN", DEFAULT_BIN))


def free_port(address="127.0.0.1"):
    """A TCP port that is free on `address` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def wait_until(predicate, what, limit=WAIT_LIMIT, step=0.05):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {limit}s waiting for {what}")


class Backend:
    """One examples/backend.py HTTP server."""

    def __init__(self, address, port):
        self.address = address
        self.port = port
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, str(BACKEND), self.address, str(self.port)])

        def accepting():
            try:
                with socket.create_connection((self.address, self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_until(accepting, f"backend {self.address}:{self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


class Holdfast:
    """A holdfast process, its log lines (parsed JSON) and a DNS client for it."""

    def __init__(self, workdir, config_text):
        self.workdir = pathlib.Path(workdir)
        self.config = self.workdir / "holdfast.yaml"
        # The admin API's default port is fixed; a test that runs two servers at once would
        # find it taken, so every test server picks a free one unless its config says otherwise.
        if not re.search(r"^admin:", config_text, re.MULTILINE):
            config_text += 'admin: {listen: "127.0.0.1:0"}\n'
        self.config.write_text(config_text)
        self.proc = None
        self.lines = []
        self.raw = []
        self.lock = threading.Lock()
        self.port = None

    def start(self, wait=True):
        self.proc = subprocess.Popen(
            [str(holdfast_bin()), "up", "--config", str(self.config)],
            cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()
        if wait:
            event = self.wait_log(lambda e: e.get("msg") == "server listening")
            self.port = int(event["listen.address"].rsplit(":", 1)[1])
            # Fully started: control plane, admin API and pid file (what `reload` finds).
            self.wait_log(lambda e: e.get("msg") == "holdfast up", "holdfast up")
        return self

    def _read(self, proc):
        for line in proc.stderr:
            with self.lock:
                self.raw.append(line)
                try:
                    self.lines.append(json.loads(line))
                except json.JSONDecodeError:
                    pass

    def events(self, msg=None):
        with self.lock:
            return [e for e in self.lines if msg is None or e.get("msg") == msg]

    def wait_log(self, predicate, what="log line", limit=WAIT_LIMIT):
        def find():
            with self.lock:
                for e in self.lines:
                    if predicate(e):
                        return e
            if self.proc.poll() is not None:
                raise AssertionError(f"holdfast exited {self.proc.returncode}: {''.join(self.raw)}")
            return None

        return wait_until(find, what, limit)

    def query(self, name, rdtype="A", tcp=False, payload=None, timeout=2.0):
        q = dns.message.make_query(name, rdtype, use_edns=payload is not None,
                                   payload=payload or 512)
        q.flags &= ~dns.flags.RD
        send = dns.query.tcp if tcp else dns.query.udp
        return send(q, "127.0.0.1", port=self.port, timeout=timeout)

    def addresses(self, name="api.example.test"):
        r = self.query(name)
        return sorted(rr.address for rrset in r.answer for rr in rrset
                      if rrset.rdtype == dns.rdatatype.A)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def make_config(backends, port, extra_zone_text="", interval="200ms", timeout="100ms",
                backend_port=None, data_dir="data"):
    addresses = ", ".join(b.address for b in backends)
    backend_port = backend_port or backends[0].port
    return f"""data_dir: {data_dir}
log: {{level: info, format: json}}
server: {{listen: ["127.0.0.1:0"], threads: 2}}
zones:
  - {{name: example.test, file: example.test.zone}}
control: {{enactors: 3, keep_plans: 3, janitor_interval: 1s}}
endpoints:
  - name: api.example.test
    type: A
    ttl: 5
    backends: [{addresses}]
    check: {{kind: http, port: {backend_port}, path: /health, interval: {interval},
             timeout: {timeout}, rise: 1, fall: 2}}
"""


@pytest.fixture
def backends():
    port = free_port("127.0.0.2")
    started = [Backend(f"127.0.0.{i}", port) for i in (2, 3, 4)]
    for b in started:
        b.start()
    yield started
    for b in started:
        b.stop()


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(ZONE, tmp_path / "example.test.zone")
    return tmp_path


@pytest.fixture
def holdfast(workdir, backends):
    h = Holdfast(workdir, make_config(backends, 0)).start()
    yield h
    h.stop()
