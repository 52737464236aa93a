"""Differences from Knot DNS that are deliberate, each with the RFC text that decides it.

Every rule gets one query and both parsed responses, which differ after normalisation, and
returns its reason when the difference is exactly the accepted one, else None. A rule never
accepts a difference in the header (rcode aside where stated) or in the question.
"""
import dns.rdatatype

import compare

# Origins of every zone both servers load; set by the test before comparing.
SERVED_ZONES = []

RULES = []


def rule(function):
    RULES.append(function)
    return function


def explain(query, ours, theirs):
    for check in RULES:
        reason = check(query, compare.normalise(ours), compare.normalise(theirs), ours, theirs)
        if reason is not None:
            return reason
    return None


def _split(lines):
    """Header lines (everything before the records) and record lines by section."""
    header = [l for l in lines if not l.split(":", 1)[0] in ("answer", "authority", "additional")]
    sections = {s: [l for l in lines if l.startswith(s + ":")]
                for s in ("answer", "authority", "additional")}
    return header, sections


def _subset(small, large):
    remaining = list(large)
    for line in small:
        if line not in remaining:
            return False
        remaining.remove(line)
    return True


def _zone_of(name):
    name = name.lower()
    best = None
    for origin in SERVED_ZONES:
        if name == origin or name.endswith("." + origin):
            if best is None or len(origin) > len(best):
                best = origin
    return best


@rule
def any_over_tcp(query, ours, theirs, ours_msg, theirs_msg):
    if query.qtype != "ANY" or query.transport != "tcp":
        return None
    (h1, s1), (h2, s2) = _split(ours), _split(theirs)
    if h1 != h2 or s1["authority"] != s2["authority"]:
        return None
    if not (_subset(s2["answer"], s1["answer"]) and _subset(s2["additional"], s1["additional"])):
        return None
    return ("ANY over TCP: holdfast sends every RRset at the name, Knot DNS one; RFC 8482 "
            "section 4.1 allows a subset, RFC 1034 section 3.7.1 defines the full answer, and "
            "over TCP it cannot be used for amplification")


@rule
def alias_into_another_zone(query, ours, theirs, ours_msg, theirs_msg):
    """Knot DNS stops a CNAME or DNAME chain at the edge of the zone; holdfast goes on into any
    zone it serves."""
    (h1, s1), (h2, s2) = _split(ours), _split(theirs)
    strip = lambda header: [l for l in header if not l.startswith("opcode")]
    if strip(h1) != strip(h2) or s2["authority"]:
        return None
    if not (_subset(s2["answer"], s1["answer"]) and _subset(s2["additional"], s1["additional"])):
        return None
    aliases = [rr for rrset in theirs_msg.answer if rrset.rdtype == dns.rdatatype.CNAME
               for rr in rrset]
    if not aliases:
        return None
    target = aliases[-1].target.to_text()
    start = _zone_of(query.qname)
    if _zone_of(target) in (None, start):
        return None
    return ("alias into another zone we serve: holdfast follows it, Knot DNS stops at the zone "
            "edge; RFC 1034 section 4.3.2 step 3a sends the new name back to step 1, which "
            "searches all available zones")
