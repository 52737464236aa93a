"""The generated query set: names and types derived from each zone, sent in several variants."""
import random

import dns.edns
import dns.flags
import dns.message

# Types asked for every name of the small zones.
SMALL_TYPES = ["A", "AAAA", "NS", "SOA", "MX", "TXT", "CNAME", "DNAME", "SRV", "DS", "ANY", "PTR",
               "CAA", "HINFO", "RRSIG"]

# Types asked for the large zone, one per name in rotation.
LARGE_TYPES = ["A", "AAAA", "TXT", "MX", "CNAME", "SRV", "NS", "ANY", "DS", "SOA"]

# How each query is sent: transport, EDNS payload (None: no OPT), DO bit, NSID option.
VARIANTS = [
    ("udp", None, False, False),
    ("udp", 1232, False, False),
    ("udp", 512, False, False),
    ("udp", 4096, True, True),
    ("tcp", 1232, False, False),
    ("tcp", None, False, False),
]

# Names sampled from the large zone, per kind; together with the rotation of types and
# variants they keep the run within the time budget on two cores.
LARGE_SAMPLE = {"existing": 2400, "ent": 400, "wildcard": 300, "delegation": 500, "missing": 400}


# An EDNS option code from the local/experimental range (RFC 6891 section 9): servers must ignore
# it (section 6.1.2).
UNKNOWN_OPTION = 65001


class Query:
    def __init__(self, qname, qtype, variant, qclass="IN", edns_version=0, unknown_option=False):
        self.qname = qname
        self.qtype = qtype
        self.qclass = qclass
        self.transport, self.payload, self.do, self.nsid = variant
        self.edns_version = edns_version
        self.unknown_option = unknown_option

    def message(self, qid):
        options = []
        if self.nsid:
            options.append(dns.edns.GenericOption(dns.edns.NSID, b""))
        if self.unknown_option:
            options.append(dns.edns.GenericOption(UNKNOWN_OPTION, b"\x01\x02\x03"))
        q = dns.message.make_query(self.qname, self.qtype, rdclass=self.qclass,
                                   use_edns=self.payload is not None,
                                   payload=self.payload or 512,
                                   want_dnssec=self.do,
                                   options=options or None)
        if self.payload is not None and self.edns_version:
            # make_query takes no version number; use_edns does.
            q.use_edns(self.edns_version, ednsflags=q.ednsflags, payload=self.payload,
                       options=options or None)
        q.id = qid
        q.flags &= ~dns.flags.RD
        return q

    def describe(self):
        edns = "no EDNS" if self.payload is None else f"EDNS{self.edns_version} {self.payload}"
        extras = ((" DO" if self.do else "") + (" NSID" if self.nsid else "") +
                  (" unknown-option" if self.unknown_option else ""))
        return f"{self.qname} {self.qclass} {self.qtype} over {self.transport}, {edns}{extras}"


def _mixed_case(name, rng):
    return "".join(c.upper() if c.isalpha() and rng.random() < 0.5 else c for c in name)


def _ancestors(name, origin):
    labels = name.split(".")
    out = []
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        if parent == origin or not parent.endswith(origin):
            break
        out.append(parent)
    return out


def name_kinds(model):
    """The names worth asking about, by kind: existing owners, empty non-terminals, names under
    wildcards, at and below delegations and DNAMEs, and missing names."""
    origin = model.origin
    existing = model.names()
    present = set(existing)
    ents = sorted({a for n in existing for a in _ancestors(n, origin)} - present)
    kinds = {"existing": existing, "ent": ents, "wildcard": [], "delegation": [], "dname": [],
             "missing": []}
    for n in existing:
        types = model.records[n]
        if n.startswith("*."):
            parent = n[2:]
            kinds["wildcard"] += [f"q1.{parent}", f"a.b.{parent}", f"mx.{parent}"]
        if "NS" in types and n != origin:
            kinds["delegation"] += [f"x.{n}", f"a.b.{n}"]
        if "DNAME" in types:
            kinds["dname"] += [f"x.{n}", f"www.{n}", f"a.b.{n}", f"{'l' * 63}.{'m' * 60}.{n}"]
    for i, n in enumerate(existing[::max(1, len(existing) // 200)]):
        kinds["missing"].append(f"nx{i}.{n}" if not n.startswith("*.") else f"nx{i}.{origin}")
    kinds["missing"] += [f"nx-{i}.{origin}" for i in range(5)] + [f"a.nx.{origin}"]
    return kinds


def small_zone_queries(model, seed):
    """Every interesting name with every type in every variant; a third in mixed case."""
    rng = random.Random(seed)
    names = sorted({n for names in name_kinds(model).values() for n in names})
    queries = []
    for name in names:
        for qtype in SMALL_TYPES:
            for variant in VARIANTS:
                qname = _mixed_case(name, rng) if rng.random() < 0.33 else name
                queries.append(Query(qname, qtype, variant))
    return queries


def large_zone_queries(model, seed):
    """A sample of each kind of name, types and variants in rotation."""
    rng = random.Random(seed)
    kinds = name_kinds(model)
    names = []
    for kind, count in LARGE_SAMPLE.items():
        pool = kinds[kind]
        names += rng.sample(pool, min(count, len(pool)))
    names += kinds["dname"]
    queries = []
    for i, name in enumerate(names):
        for j in range(2):
            qtype = LARGE_TYPES[(i + j * 5) % len(LARGE_TYPES)]
            variant = VARIANTS[(i * 2 + j) % len(VARIANTS)]
            qname = _mixed_case(name, rng) if rng.random() < 0.33 else name
            queries.append(Query(qname, qtype, variant))
    return queries


def chaos_queries():
    """Server identity over CHAOS, answered alike when both are configured alike."""
    out = []
    for name in ["id.server.", "hostname.bind.", "version.server.", "version.bind.",
                 "authors.bind."]:
        for qtype in ["TXT", "A"]:
            out.append(Query(name, qtype, VARIANTS[1], qclass="CH"))
    return out


def protocol_queries(models):
    """EDNS edge cases against each zone's apex and a missing name: a version we do not speak
    (BADVERS, RFC 6891 section 6.1.3) and an option nobody knows (ignored, section 6.1.2)."""
    out = []
    for model in models:
        for name in [model.origin, f"nx-proto.{model.origin}"]:
            for qtype in ["SOA", "A", "NS"]:
                for transport in ["udp", "tcp"]:
                    variant = (transport, 1232, False, False)
                    out.append(Query(name, qtype, variant, edns_version=1))
                    out.append(Query(name, qtype, variant, unknown_option=True))
                    out.append(Query(name, qtype, (transport, 1232, True, True),
                                     unknown_option=True))
    return out
