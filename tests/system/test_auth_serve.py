"""`holdfast serve`: zones from files, origins found in the files, startup errors with file and
line, and SIGHUP reloads that keep serving the old zones when the new ones are broken."""
import signal
import socket
import subprocess
import threading

import dns.message
import dns.rcode
import pytest

from conftest import holdfast_bin, wait_until
from test_auth_protocol import Serve, read_frames, tcp_frame

WITH_ORIGIN = """$ORIGIN one.test.
$TTL 60
@    SOA ns hostmaster 1 3600 600 604800 30
@    NS  ns
ns   A   127.0.0.1
www  A   192.0.2.1
"""

# No $ORIGIN: the absolute SOA owner names the zone.
ABSOLUTE = """$TTL 60
two.test.      SOA two.test. hostmaster.two.test. 7 3600 600 604800 30
two.test.      NS  ns.two.test.
ns.two.test.   A   127.0.0.1
www.two.test.  A   192.0.2.2
"""


@pytest.fixture
def zones(tmp_path):
    one = tmp_path / "one.zone"
    two = tmp_path / "two.zone"
    one.write_text(WITH_ORIGIN)
    two.write_text(ABSOLUTE)
    return one, two


@pytest.fixture
def serve(tmp_path, zones):
    s = Serve(tmp_path, zones).start()
    yield s
    s.stop()


def addresses(serve, name):
    r = serve.query(name, "A")
    return r.rcode(), sorted(rr.address for rrset in r.answer for rr in rrset)


def test_serves_each_file_under_its_own_origin(serve):
    assert addresses(serve, "www.one.test") == (dns.rcode.NOERROR, ["192.0.2.1"])
    assert addresses(serve, "www.two.test") == (dns.rcode.NOERROR, ["192.0.2.2"])
    assert serve.query("two.test", "SOA").answer[0][0].serial == 7
    assert serve.query("www.three.test", "A").rcode() == dns.rcode.REFUSED
    loaded = {e["zone.name"] for e in serve.events("zone loaded")}
    assert loaded == {"one.test.", "two.test."}


def run_serve(tmp_path, *files):
    argv = [str(holdfast_bin()), "serve", "--listen", "127.0.0.1:0"]
    for f in files:
        argv += ["--zone", str(f)]
    return subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=30)


def test_a_broken_zone_stops_startup_with_file_and_line(tmp_path, zones):
    bad = tmp_path / "bad.zone"
    bad.write_text(WITH_ORIGIN.replace("one.test.", "bad.test.") + "oops A 192.0.2.300\n")
    r = run_serve(tmp_path, zones[0], bad)
    assert r.returncode == 2
    assert f"{bad}:7: " in r.stderr

    no_ns = tmp_path / "nons.zone"
    no_ns.write_text("$ORIGIN nons.test.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\nns A 127.0.0.1\n")
    r = run_serve(tmp_path, no_ns)
    assert r.returncode == 2
    assert f"{no_ns}:3: no NS records at the zone apex nons.test." in r.stderr

    r = run_serve(tmp_path, zones[0], zones[0])
    assert r.returncode == 2
    assert "zone one.test. is already loaded from" in r.stderr

    r = run_serve(tmp_path, tmp_path / "missing.zone")
    assert r.returncode == 2
    assert "missing.zone: cannot open the zone file" in r.stderr


def test_sighup_reloads_the_zone_files(serve, zones):
    zones[0].write_text(WITH_ORIGIN.replace("192.0.2.1", "192.0.2.11").replace(" 1 3600", " 2 3600"))
    serve.signal(signal.SIGHUP)
    serve.wait_log(lambda e: e.get("msg") == "zones reloaded", "reload")
    assert addresses(serve, "www.one.test") == (dns.rcode.NOERROR, ["192.0.2.11"])
    assert serve.query("one.test", "SOA").answer[0][0].serial == 2


def test_a_failed_reload_keeps_the_old_zones_and_says_why(serve, zones):
    zones[1].write_text(ABSOLUTE + "www.two.test. CNAME elsewhere.test.\n")
    serve.signal(signal.SIGHUP)
    event = serve.wait_log(lambda e: e.get("msg", "").startswith("zone reload failed"), "failure")
    assert event["level"] == "error"
    assert event["error.message"].startswith(f"{zones[1]}:6: CNAME and other data")
    assert addresses(serve, "www.one.test") == (dns.rcode.NOERROR, ["192.0.2.1"])
    assert addresses(serve, "www.two.test") == (dns.rcode.NOERROR, ["192.0.2.2"])

    # Fixing the file and signalling again publishes it.
    zones[1].write_text(ABSOLUTE.replace("192.0.2.2", "192.0.2.22"))
    serve.signal(signal.SIGHUP)
    wait_until(lambda: addresses(serve, "www.two.test")[1] == ["192.0.2.22"], "fixed reload")


def test_queries_keep_being_answered_during_reloads(serve):
    failures = []
    stop = threading.Event()

    def ask():
        while not stop.is_set():
            try:
                r = serve.query("www.one.test", "A")
                if r.rcode() != dns.rcode.NOERROR or not r.answer:
                    failures.append(r.to_text())
            except Exception as e:  # a timeout is a dropped query
                failures.append(repr(e))

    workers = [threading.Thread(target=ask) for _ in range(3)]
    for w in workers:
        w.start()
    try:
        for i in range(1, 11):
            serve.signal(signal.SIGHUP)
            wait_until(lambda: len(serve.events("zones reloaded")) >= i, f"reload {i}")
    finally:
        stop.set()
        for w in workers:
            w.join()
    assert failures == []


def tcp_answer(sock, name, qid):
    sock.sendall(tcp_frame(dns.message.make_query(name, "A", id=qid)))
    return read_frames(sock, 1)


# --max-tcp-connections bounds the connections open at once: one more is closed at once without
# an answer (RFC 7766 section 6.2.2), and a slot freed by a client is usable again.
def test_max_tcp_connections_closes_the_connections_over_the_bound(tmp_path, zones):
    s = Serve(tmp_path, zones, extra=["--max-tcp-connections", "2"]).start()
    try:
        first = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        second = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        assert len(tcp_answer(first, "www.one.test", 1)) == 1
        assert len(tcp_answer(second, "www.one.test", 2)) == 1

        with socket.create_connection(("127.0.0.1", s.port), timeout=5) as third:
            try:
                assert tcp_answer(third, "www.one.test", 3) == []
            except ConnectionResetError:
                pass  # closed before the query arrived: also refused

        first.close()

        def answered():
            with socket.create_connection(("127.0.0.1", s.port), timeout=5) as again:
                try:
                    return len(tcp_answer(again, "www.one.test", 4)) == 1
                except ConnectionResetError:
                    return False

        wait_until(answered, "a connection served after one was closed")
        assert len(tcp_answer(second, "www.one.test", 5)) == 1
        second.close()
    finally:
        s.stop()


def test_max_tcp_connections_must_be_positive(tmp_path, zones):
    argv = [str(holdfast_bin()), "serve", "--listen", "127.0.0.1:0", "--zone", str(zones[0]),
            "--max-tcp-connections", "0"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "--max-tcp-connections" in done.stderr


# Without --threads, one worker per core the process may run on: pinned to one, one worker.
def test_threads_default_to_one_per_available_core(tmp_path, zones):
    s = Serve(tmp_path, zones)
    s.argv = ["taskset", "-c", "0"] + [a for a in s.argv if a not in ("--threads", "2")]
    s.start()
    try:
        started = s.wait_log(lambda e: e.get("msg") == "server started")
        assert started["server.threads"] == 1
        assert s.query("www.one.test").rcode() == dns.rcode.NOERROR
    finally:
        s.stop()
