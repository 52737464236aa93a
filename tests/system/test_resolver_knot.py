"""The resolver in front of a real authoritative server: Knot DNS on loopback."""
import shutil
import signal
import socket
import subprocess
import time

import dns.message
import dns.query
import dns.rcode
import pytest

from resolver_fixtures import resolver  # noqa: F401 - pytest fixture
from harness import addresses, ttls, wait_until

KNOTD = shutil.which("knotd") or "/usr/sbin/knotd"

ZONE = """$ORIGIN example.test.
$TTL 2
@    IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 2
@    IN NS  ns
ns   IN A   127.0.0.1
www  IN A   192.0.2.80
api  IN A   192.0.2.81
api  IN A   192.0.2.82
txt  3600 IN TXT "held an hour"
"""


def free_port(address):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


class Knot:
    """A knotd of our own: config, zone, rundir and storage in a temp dir; stopped by PID."""

    def __init__(self, workdir, address="127.0.0.5"):
        self.dir = workdir / "knot"
        self.dir.mkdir()
        (self.dir / "example.test.zone").write_text(ZONE)
        self.address = address
        self.port = free_port(address)
        (self.dir / "knot.conf").write_text(f"""server:
    rundir: "{self.dir}"
    listen: {address}@{self.port}
database:
    storage: "{self.dir}/db"
template:
  - id: default
    storage: "{self.dir}"
    file: "%s.zone"
    semantic-checks: off
zone:
  - domain: example.test
log:
  - target: stderr
    any: warning
""")
        self.proc = None

    @property
    def endpoint(self):
        return f"{self.address}:{self.port}"

    def start(self):
        self.proc = subprocess.Popen([KNOTD, "-c", str(self.dir / "knot.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def serving():
            try:
                q = dns.message.make_query("example.test.", "SOA")
                return dns.query.udp(q, self.address, port=self.port, timeout=0.3).answer
            except Exception:  # noqa: BLE001 - not up yet
                if self.proc.poll() is not None:
                    raise AssertionError(f"knotd exited {self.proc.returncode}")
                return None

        wait_until(serving, "knotd to serve example.test", limit=15)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def knot(tmp_path):
    if not shutil.which(KNOTD):
        pytest.skip("knotd is not installed (Debian package knot; scripts/install-deps)")
    k = Knot(tmp_path).start()
    yield k
    k.stop()


def test_forwards_to_knot_caches_and_rides_out_its_death(knot, resolver):
    r = resolver([knot], """  serve_stale: {window: 30s, failure_recheck: 1s}
""")
    first = r.query("www.example.test.")
    assert addresses(first) == ["192.0.2.80"] and ttls(first) == [2]
    assert addresses(r.query("api.example.test.", tcp=True)) == ["192.0.2.81", "192.0.2.82"]
    assert r.query("nope.example.test.").rcode() == dns.rcode.NXDOMAIN
    long_ttl = r.query("txt.example.test.", "TXT")
    time.sleep(1.1)
    assert r.query("txt.example.test.", "TXT").answer[0].ttl < long_ttl.answer[0].ttl
    assert r.stats()["cache.hits"] >= 1

    knot.stop()
    time.sleep(1.2)  # www and api expired
    for name, want in (("www.example.test.", ["192.0.2.80"]),
                       ("api.example.test.", ["192.0.2.81", "192.0.2.82"])):
        reply = r.query(name)
        assert addresses(reply) == want
        assert ttls(reply) == [30]
