"""Sending the query set to both servers, normalising the answers and explaining differences."""
import concurrent.futures
import difflib

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

# Per-query wait; loopback answers take well under a millisecond.
TIMEOUT = 3.0

# Tries per query: a UDP datagram lost on a loaded machine is retried, as a client would, so a
# comparison fails on answers, not on scheduling.
ATTEMPTS = 3

# Parallel queries in flight: enough to hide Python's per-query cost, few enough for two cores.
WORKERS = 8

# Types whose rdata holds domain names, compared without case (RFC 4343).
NAME_TYPES = {"NS", "CNAME", "DNAME", "MX", "SRV", "SOA", "PTR"}


def ask(query, port, qid):
    message = query.message(qid)
    send = dns.query.tcp if query.transport == "tcp" else dns.query.udp
    for _ in range(ATTEMPTS):
        try:
            return send(message, "127.0.0.1", port=port, timeout=TIMEOUT)
        except dns.exception.Timeout:
            continue
    return None


def _record_lines(section_name, section):
    lines = []
    for rrset in section:
        rtype = dns.rdatatype.to_text(rrset.rdtype)
        for rdata in rrset:
            text = rdata.to_text()
            if rtype in NAME_TYPES:
                text = text.lower()
            lines.append(f"{section_name}: {rrset.name.to_text().lower()} {rrset.ttl} "
                         f"{dns.rdataclass.to_text(rrset.rdclass)} {rtype} {text}")
    return sorted(lines)


def normalise(response):
    """Header, question, EDNS and the records as sorted lines: record order and name case in
    owners are not meaningful, the question's case is (it must echo the query)."""
    if response is None:
        return ["no response (timeout)"]
    lines = [
        f"opcode {dns.opcode.to_text(response.opcode())} rcode {dns.rcode.to_text(response.rcode())}",
        "flags " + " ".join(sorted(dns.flags.to_text(response.flags).split())),
    ]
    for q in response.question:
        lines.append(f"question: {q.name.to_text()} {dns.rdataclass.to_text(q.rdclass)} "
                     f"{dns.rdatatype.to_text(q.rdtype)}")
    if response.edns >= 0:
        options = " ".join(f"{o.otype}={o.to_wire().hex() if hasattr(o, 'to_wire') else o}"
                           for o in response.options)
        lines.append(f"edns version {response.edns} payload {response.payload} "
                     f"do {bool(response.ednsflags & dns.flags.DO)} options [{options}]")
    else:
        lines.append("edns none")
    if response.flags & dns.flags.TC:
        # RFC 2181 section 9: a truncated answer's records are not to be used; holdfast sends
        # none, Knot DNS the RRsets that fit. Only the header is compared.
        lines.append("(truncated: records not compared)")
        return lines
    lines += _record_lines("answer", response.answer)
    lines += _record_lines("authority", response.authority)
    lines += _record_lines("additional", response.additional)
    return lines


class Difference:
    def __init__(self, query, ours, theirs, reason=None):
        self.query = query
        self.ours = ours
        self.theirs = theirs
        self.reason = reason

    def render(self):
        diff = difflib.unified_diff(self.theirs, self.ours, "knot", "holdfast", lineterm="", n=20)
        return f"query: {self.query.describe()}\n" + "\n".join(diff)


def run(queries, ours_port, theirs_port, explain):
    """Asks both servers every query; returns (count, real differences, whitelisted ones).

    `explain(query, ours, theirs)` gets the parsed responses of a difference and returns the
    reason it is accepted, or None."""
    def one(indexed):
        index, query = indexed
        qid = index & 0xffff
        ours = ask(query, ours_port, qid)
        theirs = ask(query, theirs_port, qid)
        a, b = normalise(ours), normalise(theirs)
        if a == b:
            return None
        reason = explain(query, ours, theirs) if ours is not None and theirs is not None else None
        return Difference(query, a, b, reason)

    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(one, enumerate(queries), chunksize=64))
    differences = [d for d in results if d is not None]
    real = [d for d in differences if d.reason is None]
    accepted = [d for d in differences if d.reason is not None]
    return len(queries), real, accepted
