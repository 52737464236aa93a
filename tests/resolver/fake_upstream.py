"""A scriptable fake upstream DNS server for resolver tests.

It answers from a small in-memory zone over UDP and TCP on one loopback address and port, and
can be told, at any moment and per name, to misbehave: time out, SERVFAIL, REFUSED, FORMERR to
EDNS queries, empty NOERROR, NXDOMAIN for a name that exists, truncate over UDP, answer with a
wrong ID or a wrong question, or answer slowly. Every query it receives is recorded.

Use it as a library (tests/system/test_resolver_*.py) or run it:
    python3 tests/resolver/fake_upstream.py --listen 127.0.0.1:5300 \
        --record www.example.test=A:192.0.2.1:300 --mode answer
"""
import argparse
import socket
import struct
import threading
import time

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

# Every behaviour the fake knows; "answer" is the well-behaved one.
MODES = ("answer", "timeout", "servfail", "refused", "formerr_edns", "empty", "nxdomain",
         "truncate", "wrong_id", "wrong_question", "slow")

# Bound on how long a "slow" answer may be held back, so a test can never hang on it.
MAX_DELAY = 10.0


class FakeUpstream:
    """One fake server. Thread-safe: tests change `mode`, `name_modes` and records while it runs."""

    def __init__(self, address="127.0.0.1", port=0, soa_ttl=300, soa_minimum=60):
        self.address = address
        self.port = port
        self.mode = "answer"
        self.name_modes = {}  # lowercase absolute name -> mode, overriding `mode`
        self.delay = 0.3  # seconds, for "slow"
        self.soa_ttl = soa_ttl
        self.soa_minimum = soa_minimum
        self.records = {}  # (name, rdtype) -> (ttl, [rdata text])
        self.queries = []  # (name, rdtype text, transport, edns)
        self.lock = threading.Lock()
        self.udp = None
        self.tcp = None
        self.threads = []
        self.running = False

    # Zone content.

    def add(self, name, rdtype, values, ttl=300):
        key = (dns.name.from_text(name).to_text().lower(), rdtype.upper())
        with self.lock:
            self.records[key] = (ttl, list(values))

    def remove(self, name, rdtype=None):
        lname = dns.name.from_text(name).to_text().lower()
        with self.lock:
            for key in [k for k in self.records if k[0] == lname and rdtype in (None, k[1])]:
                del self.records[key]

    def set_mode(self, mode, name=None):
        assert mode in MODES, mode
        with self.lock:
            if name is None:
                self.mode = mode
            else:
                self.name_modes[dns.name.from_text(name).to_text().lower()] = mode

    def count(self, name=None, transport=None):
        lname = dns.name.from_text(name).to_text().lower() if name else None
        with self.lock:
            return sum(1 for q in self.queries
                       if (lname is None or q[0] == lname) and transport in (None, q[2]))

    # Lifecycle.

    def start(self):
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((self.address, self.port))
        self.port = self.udp.getsockname()[1]
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((self.address, self.port))
        self.tcp.listen(16)
        self.running = True
        for target in (self._serve_udp, self._serve_tcp):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        """Closes both sockets: later queries get ICMP port unreachable, as from a dead host."""
        self.running = False
        for s in (self.udp, self.tcp):
            if s is not None:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        for t in self.threads:
            t.join(timeout=5)
        self.threads = []

    @property
    def endpoint(self):
        return f"{self.address}:{self.port}"

    # Serving.

    def _serve_udp(self):
        while self.running:
            try:
                data, peer = self.udp.recvfrom(65535)
            except OSError:
                return
            self._dispatch(data, "udp", lambda wire, peer=peer: self._send_udp(wire, peer))

    def _send_udp(self, wire, peer):
        try:
            self.udp.sendto(wire, peer)
        except OSError:
            pass

    def _serve_tcp(self):
        while self.running:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self._serve_conn, args=(conn,), daemon=True).start()

    def _serve_conn(self, conn):
        conn.settimeout(5)
        with conn:
            try:
                while True:
                    head = self._recv_exact(conn, 2)
                    if head is None:
                        return
                    data = self._recv_exact(conn, struct.unpack("!H", head)[0])
                    if data is None:
                        return
                    done = threading.Event()

                    def send(wire, conn=conn, done=done):
                        try:
                            conn.sendall(struct.pack("!H", len(wire)) + wire)
                        except OSError:
                            pass
                        done.set()

                    self._dispatch(data, "tcp", send)
                    done.wait(MAX_DELAY)
            except OSError:
                return

    @staticmethod
    def _recv_exact(conn, n):
        buf = b""
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def _dispatch(self, data, transport, send):
        try:
            query = dns.message.from_wire(data)
        except Exception:  # noqa: BLE001 - garbage from a test: ignore it
            return
        question = query.question[0]
        name = question.name.to_text().lower()
        with self.lock:
            self.queries.append((name, dns.rdatatype.to_text(question.rdtype), transport,
                                 query.edns >= 0))
            mode = self.name_modes.get(name, self.mode)
        if mode == "timeout":
            return
        if mode == "slow":
            delay = min(self.delay, MAX_DELAY)
            threading.Timer(delay, lambda: send(self._reply(query, "answer", transport))).start()
            return
        send(self._reply(query, mode, transport))

    def _reply(self, query, mode, transport):
        question = query.question[0]
        response = dns.message.make_response(query)
        response.flags |= dns.flags.RA
        if mode == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
        elif mode == "refused":
            response.set_rcode(dns.rcode.REFUSED)
        elif mode == "formerr_edns" and query.edns >= 0:
            response = dns.message.make_response(query)
            response.use_edns(False)
            response.set_rcode(dns.rcode.FORMERR)
        elif mode == "empty":
            self._add_soa(response, question.name)
        elif mode == "nxdomain":
            response.set_rcode(dns.rcode.NXDOMAIN)
            self._add_soa(response, question.name)
        elif mode == "truncate" and transport == "udp":
            response.flags |= dns.flags.TC
        else:
            self._answer(response, question)
        wire = response.to_wire(max_size=65535)
        if mode == "wrong_id":
            wire = struct.pack("!H", (query.id + 1) & 0xFFFF) + wire[2:]
        elif mode == "wrong_question":
            other = dns.message.make_query("wrong.invalid.", question.rdtype)
            other.id = query.id
            reply = dns.message.make_response(other)
            wire = reply.to_wire()
        return wire

    def _answer(self, response, question):
        name = question.name.to_text().lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        with self.lock:
            found = self.records.get((name, rdtype))
            exists = any(k[0] == name for k in self.records)
        if found:
            ttl, values = found
            response.answer.append(
                dns.rrset.from_text_list(question.name, ttl, dns.rdataclass.IN, rdtype, values))
        elif exists:
            self._add_soa(response, question.name)
        else:
            response.set_rcode(dns.rcode.NXDOMAIN)
            self._add_soa(response, question.name)

    def _add_soa(self, response, qname):
        zone = dns.name.from_text("test.")
        response.authority.append(dns.rrset.from_text(
            zone, self.soa_ttl, dns.rdataclass.IN, "SOA",
            f"ns.test. hostmaster.test. 1 3600 600 86400 {self.soa_minimum}"))


def main():
    parser = argparse.ArgumentParser(description="scriptable fake upstream DNS server")
    parser.add_argument("--listen", default="127.0.0.1:5300", help="address:port (loopback)")
    parser.add_argument("--record", action="append", default=[],
                        help="name=TYPE:value[:ttl], repeatable")
    parser.add_argument("--mode", default="answer", choices=MODES)
    args = parser.parse_args()
    address, port = args.listen.rsplit(":", 1)
    upstream = FakeUpstream(address, int(port))
    for spec in args.record:
        name, rest = spec.split("=", 1)
        parts = rest.split(":")
        upstream.add(name, parts[0], [parts[1]], int(parts[2]) if len(parts) > 2 else 300)
    upstream.set_mode(args.mode)
    upstream.start()
    print(f"fake upstream on {upstream.endpoint}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        upstream.stop()


if __name__ == "__main__":
    main()
