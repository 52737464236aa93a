"""Protocol handling of `holdfast serve`: TCP pipelining (RFC 7766), truncation (RFC 2181
section 9), EDNS edge cases (RFC 6891), NSID (RFC 5001), CHAOS identity and malformed packets.

Each test starts its own `holdfast serve` on 127.0.0.1 port 0 and stops it by PID.
"""
import json
import random
import signal
import socket
import struct
import subprocess
import threading
import time

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from conftest import holdfast_bin, wait_until

ZONE = """$ORIGIN auth.test.
$TTL 300
@        SOA   ns1 hostmaster 1 3600 600 604800 60
@        NS    ns1
ns1      A     127.0.0.1
www      A     192.0.2.1
www      AAAA  2001:db8::1
*.wild   A     192.0.2.2
sub      NS    ns.sub
ns.sub   A     192.0.2.3
"""
# 40 addresses: 640 octets of answer, over 512 and under 1232.
ZONE += "".join(f"many A 10.0.0.{i}\n" for i in range(1, 41))
# 10 long TXT records: over 1232 octets, so only TCP carries them.
ZONE += "".join(f"big TXT \"{'t' * 200} {i}\"\n" for i in range(10))

NSID = "auth-test-nsid"


class Serve:
    """A `holdfast serve` process and its JSON log lines."""

    def __init__(self, workdir, zone_files, extra=()):
        self.workdir = workdir
        self.argv = [str(holdfast_bin()), "serve", "--listen", "127.0.0.1:0", "--threads", "2",
                     *extra]
        for f in zone_files:
            self.argv += ["--zone", str(f)]
        self.proc = None
        self.lines = []
        self.lock = threading.Lock()
        self.port = None

    def start(self):
        self.proc = subprocess.Popen(self.argv, cwd=self.workdir, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        event = self.wait_log(lambda e: e.get("msg") == "server listening")
        self.port = int(event["listen.address"].rsplit(":", 1)[1])
        return self

    def _read(self):
        for line in self.proc.stderr:
            with self.lock:
                try:
                    self.lines.append(json.loads(line))
                except json.JSONDecodeError:
                    self.lines.append({"raw": line})

    def events(self, msg):
        with self.lock:
            return [e for e in self.lines if e.get("msg") == msg]

    def wait_log(self, predicate, what="log line"):
        def find():
            with self.lock:
                hit = next((e for e in self.lines if predicate(e)), None)
            if hit is None and self.proc.poll() is not None:
                raise AssertionError(f"holdfast exited {self.proc.returncode}: {self.lines}")
            return hit

        return wait_until(find, what)

    def alive(self):
        return self.proc.poll() is None

    def query(self, name, rdtype="A", tcp=False, **make):
        q = dns.message.make_query(name, rdtype, **make)
        q.flags &= ~dns.flags.RD
        send = dns.query.tcp if tcp else dns.query.udp
        return send(q, "127.0.0.1", port=self.port, timeout=2)

    def udp_raw(self, wire, expect_answer=True):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(1.0 if expect_answer else 0.3)
            s.sendto(wire, ("127.0.0.1", self.port))
            try:
                return s.recv(65535)
            except socket.timeout:
                return None

    def signal(self, number):
        self.proc.send_signal(number)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None


@pytest.fixture
def serve(tmp_path):
    zone = tmp_path / "auth.test.zone"
    zone.write_text(ZONE)
    s = Serve(tmp_path, [zone], ["--nsid", NSID, "--identity", "auth-id"]).start()
    yield s
    assert s.alive(), "holdfast died during the test"
    s.stop()


def tcp_frame(message):
    wire = message.to_wire() if hasattr(message, "to_wire") else message
    return struct.pack("!H", len(wire)) + wire


def read_frames(sock, count):
    """Reads `count` length-prefixed messages from a TCP socket."""
    buffer = b""
    out = []
    while len(out) < count:
        chunk = sock.recv(65535)
        if not chunk:
            break
        buffer += chunk
        while len(buffer) >= 2:
            size = struct.unpack("!H", buffer[:2])[0]
            if len(buffer) < 2 + size:
                break
            out.append(dns.message.from_wire(buffer[2:2 + size]))
            buffer = buffer[2 + size:]
    return out


# RFC 7766 section 6.2.1.1: a client may send many queries on one connection without waiting;
# each answer carries its query's ID.
def test_tcp_pipelining_answers_every_query(serve):
    names = ["www.auth.test", "nope.auth.test", "x.wild.auth.test", "many.auth.test",
             "big.auth.test", "x.sub.auth.test"] * 5
    queries = []
    for i, name in enumerate(names):
        q = dns.message.make_query(name, "TXT" if name.startswith("big") else "A")
        q.id = 1000 + i
        queries.append(q)
    with socket.create_connection(("127.0.0.1", serve.port), timeout=5) as s:
        s.sendall(b"".join(tcp_frame(q) for q in queries))
        answers = read_frames(s, len(queries))
    assert len(answers) == len(queries)
    by_id = {a.id: a for a in answers}
    assert sorted(by_id) == [q.id for q in queries]
    for q in queries:
        a = by_id[q.id]
        assert a.question[0].name == q.question[0].name
        assert not a.flags & dns.flags.TC
    assert len(by_id[1004].answer[0]) == 10  # big: whole over TCP


def test_tcp_messages_split_across_segments_are_reassembled(serve):
    frames = b"".join(tcp_frame(dns.message.make_query("www.auth.test", "A", id=7 + i))
                      for i in range(3))
    with socket.create_connection(("127.0.0.1", serve.port), timeout=5) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(frames)):
            s.sendall(frames[i:i + 1])
            time.sleep(0.002)
        answers = read_frames(s, 3)
    assert sorted(a.id for a in answers) == [7, 8, 9]


# RFC 2181 section 9: TC is set and no RRset is ever split; the client retries over TCP.
def test_truncation_never_splits_an_rrset(serve):
    full = serve.query("many.auth.test", "A", tcp=True)
    assert len(full.answer[0]) == 40
    for make in ({}, {"use_edns": 0, "payload": 512}, {"use_edns": 0, "payload": 100}):
        r = serve.query("many.auth.test", "A", **make)
        assert r.flags & dns.flags.TC, make
        for rrset in r.answer:
            assert len(rrset) == 40
    r = serve.query("many.auth.test", "A", use_edns=0, payload=1232)
    assert not r.flags & dns.flags.TC
    assert len(r.answer[0]) == 40
    # Over 1232: truncated over UDP whatever the client offers, whole over TCP.
    r = serve.query("big.auth.test", "TXT", use_edns=0, payload=4096)
    assert r.flags & dns.flags.TC
    assert r.edns == 0
    assert not r.answer


def test_truncated_referral_keeps_no_partial_glue(serve):
    r = serve.query("x.sub.auth.test", "A")
    assert not r.flags & dns.flags.AA
    assert not r.flags & dns.flags.TC
    assert [rrset.rdtype for rrset in r.authority] == [dns.rdatatype.NS]
    assert [rr.address for rrset in r.additional for rr in rrset] == ["192.0.2.3"]


def opt_record(payload=1232, version=0, do=False, options=b""):
    ttl = (version << 16) | (0x8000 if do else 0)
    return b"\x00" + struct.pack("!HHIH", 41, payload, ttl, len(options)) + options


# RFC 6891 section 6.1.1: more than one OPT is FORMERR.
def test_two_opt_records_are_formerr(serve):
    q = dns.message.make_query("www.auth.test", "A")
    wire = bytearray(q.to_wire())
    wire[10:12] = struct.pack("!H", 2)
    wire += opt_record() + opt_record()
    raw = serve.udp_raw(bytes(wire))
    assert raw is not None
    assert raw[:2] == wire[:2]
    assert raw[2] & 0x80  # QR
    assert raw[3] & 0x0F == dns.rcode.FORMERR


# RFC 6891 section 6.1.2: options we do not know are ignored, and not echoed.
def test_unknown_edns_options_are_ignored(serve):
    r = serve.query("www.auth.test", "A", use_edns=0, payload=1232,
                    options=[dns.edns.GenericOption(65001, b"\x01\x02"),
                             dns.edns.GenericOption(65002, b"")])
    assert r.rcode() == dns.rcode.NOERROR
    assert [rr.address for rr in r.answer[0]] == ["192.0.2.1"]
    assert r.edns == 0
    assert not r.options


# RFC 3225 section 3: DO is copied into the answer.
def test_do_bit_is_echoed(serve):
    r = serve.query("www.auth.test", "A", use_edns=0, payload=1232, want_dnssec=True)
    assert r.ednsflags & dns.flags.DO
    r = serve.query("www.auth.test", "A", use_edns=0, payload=1232)
    assert not r.ednsflags & dns.flags.DO


# RFC 6891 section 6.1.3: a version above 0 gets BADVERS with our OPT (version 0).
def test_unknown_edns_version_is_badvers(serve):
    q = dns.message.make_query("www.auth.test", "A")
    q.use_edns(1, payload=1232)  # make_query's use_edns ignores the version number
    r = dns.query.udp(q, "127.0.0.1", port=serve.port, timeout=2)
    assert r.rcode() == dns.rcode.BADVERS
    assert r.edns == 0
    assert not r.answer


# RFC 6891 section 6.2.5: a payload below 512 is treated as 512.
def test_payload_below_512_counts_as_512(serve):
    r = serve.query("www.auth.test", "A", use_edns=0, payload=100)
    assert not r.flags & dns.flags.TC
    assert r.payload == 1232


# RFC 5001 section 2.1: NSID only when asked.
def test_nsid_is_sent_when_asked(serve):
    r = serve.query("www.auth.test", "A", use_edns=0, payload=1232,
                    options=[dns.edns.GenericOption(dns.edns.NSID, b"")])
    nsid = [o for o in r.options if o.otype == dns.edns.NSID]
    assert len(nsid) == 1
    assert nsid[0].to_wire() == NSID.encode()
    r = serve.query("www.auth.test", "A", use_edns=0, payload=1232)
    assert not r.options


def test_chaos_identity_and_refused_version(serve):
    r = serve.query("id.server", "TXT", rdclass="CH")
    assert r.rcode() == dns.rcode.NOERROR
    assert r.answer[0].to_text().endswith('"auth-id"')
    r = serve.query("version.bind", "TXT", rdclass="CH")
    assert r.rcode() == dns.rcode.REFUSED


def test_query_name_case_is_preserved(serve):
    r = serve.query("X.WiLd.AuTh.TeSt", "A")
    assert r.question[0].name.to_text() == "X.WiLd.AuTh.TeSt."
    assert r.answer[0].name.to_text() == "X.WiLd.AuTh.TeSt."


def test_malformed_queries_get_formerr(serve):
    good = dns.message.make_query("www.auth.test", "A").to_wire()
    header = good[:12]
    cases = {
        "question count 2": header[:4] + b"\x00\x02" + header[6:] + good[12:],
        "question count 0": header[:4] + b"\x00\x00" + header[6:] + good[12:],
        "question missing": good[:12],
        "question cut short": good[:-3],
        "trailing garbage": good + b"\xde\xad\xbe\xef",
        "compression loop": header + b"\xc0\x0c\x00\x01\x00\x01",
        "label too long": header + b"\x40" + b"a" * 64 + b"\x00\x00\x01\x00\x01",
    }
    for what, wire in cases.items():
        raw = serve.udp_raw(wire)
        assert raw is not None, what
        assert raw[:2] == wire[:2], what
        assert raw[3] & 0x0F == dns.rcode.FORMERR, what


def test_responses_and_runts_are_dropped(serve):
    good = bytearray(dns.message.make_query("www.auth.test", "A").to_wire())
    good[2] |= 0x80  # QR: a response must never be answered (no loops)
    assert serve.udp_raw(bytes(good), expect_answer=False) is None
    for size in (0, 1, 11):
        assert serve.udp_raw(b"\x12" * size, expect_answer=False) is None


def test_random_garbage_never_crashes(serve):
    rng = random.Random(4242)
    good = dns.message.make_query("www.auth.test", "A", use_edns=0).to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(3000):
            if i % 2:
                wire = bytes(rng.randrange(256) for _ in range(rng.randrange(12, 300)))
            else:
                wire = bytearray(good)
                for _ in range(rng.randrange(1, 6)):
                    wire[rng.randrange(len(wire))] = rng.randrange(256)
                wire = bytes(wire)
            s.sendto(wire, ("127.0.0.1", serve.port))
    for size in (0, 1, 2, 5):
        with socket.create_connection(("127.0.0.1", serve.port), timeout=2) as t:
            t.sendall(struct.pack("!H", size) + b"\x00" * size)
    with socket.create_connection(("127.0.0.1", serve.port), timeout=2) as t:
        t.sendall(b"\x40\x00" + b"\x01" * 100)  # promises 16 KiB, closes early
    r = serve.query("www.auth.test", "A")
    assert r.rcode() == dns.rcode.NOERROR
    assert serve.alive()
