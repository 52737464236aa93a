"""Knot DNS and holdfast started on loopback for one comparison, and stopped by PID.

Both listen on 127.0.0.1 only, on ports picked free at start; each keeps its run and storage
directories inside the test's own temporary directory. The system Knot service is never used.
"""
import json
import os
import pathlib
import signal
import socket
import subprocess
import threading
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BIN = ROOT / "build" / "release" / "src" / "cli" / "holdfast"
KNOTD = "/usr/sbin/knotd"

# Bound on how long a server may take to start and load its zones; the large zone loads in a
# few seconds on one core, the rest is margin for a loaded machine.
START_LIMIT = 60.0

# What both servers say about themselves, so NSID and CHAOS answers compare equal.
NSID = "holdfast-differential"
IDENTITY = "differential-id"
VERSION = "differential-version"


def holdfast_bin():
    return pathlib.Path(os.environ.get("HOLDFAST_BIN", DEFAULT_BIN))


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 right now."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port


def _wait_for_zones(port, origins, proc, name):
    """Polls SOA of every zone until each answers NOERROR with AA."""
    deadline = time.monotonic() + START_LIMIT
    pending = list(origins)
    while pending:
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited with {proc.returncode} while starting")
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} did not serve {pending} within {START_LIMIT}s")
        try:
            r = dns.query.udp(dns.message.make_query(pending[0], "SOA"), "127.0.0.1",
                              port=port, timeout=0.5)
            if r.rcode() == dns.rcode.NOERROR and r.answer:
                pending.pop(0)
                continue
        except (dns.exception.Timeout, OSError):
            pass
        time.sleep(0.1)


class _Process:
    def __init__(self, name):
        self.name = name
        self.proc = None
        self.port = None
        self.output = []

    def _drain(self, stream):
        for line in stream:
            self.output.append(line)

    def _spawn(self, argv, cwd):
        self.proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True).start()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Knot(_Process):
    """knotd with its own configuration, run directory and storage under `workdir`."""

    def __init__(self, workdir):
        super().__init__("knotd")
        self.workdir = pathlib.Path(workdir) / "knot"

    def start(self, zones):
        for sub in ("run", "db", "zones"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        zone_lines = []
        for zone in zones:
            target = self.workdir / "zones" / zone.path.name
            target.write_bytes(zone.path.read_bytes())
            zone_lines.append(f"  - domain: {zone.origin}\n    file: {zone.path.name}\n")
        conf = self.workdir / "knot.conf"
        conf.write_text(f"""server:
    rundir: "{self.workdir / 'run'}"
    listen: 127.0.0.1@{self.port}
    nsid: "{NSID}"
    identity: "{IDENTITY}"
    version: "{VERSION}"
    udp-max-payload: 1232
database:
    storage: "{self.workdir / 'db'}"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "{self.workdir / 'zones'}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
{''.join(zone_lines)}""")
        self._spawn([KNOTD, "-c", str(conf)], self.workdir)
        _wait_for_zones(self.port, [z.origin for z in zones], self.proc, self.name)
        return self


class Holdfast(_Process):
    """`holdfast serve` with the same zone files."""

    def __init__(self, workdir):
        super().__init__("holdfast")
        self.workdir = pathlib.Path(workdir)

    def start(self, zones):
        argv = [str(holdfast_bin()), "serve", "--listen", "127.0.0.1:0", "--threads", "2",
                "--nsid", NSID, "--identity", IDENTITY, "--version-string", VERSION,
                "--log-level", "info"]
        for zone in zones:
            argv += ["--zone", str(zone.path)]
        self._spawn(argv, self.workdir)
        deadline = time.monotonic() + START_LIMIT
        while self.port is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"holdfast did not start: {''.join(self.output)}")
            for line in list(self.output):
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if event.get("msg") == "server listening":
                    self.port = int(event["listen.address"].rsplit(":", 1)[1])
            time.sleep(0.05)
        _wait_for_zones(self.port, [z.origin for z in zones], self.proc, self.name)
        return self
