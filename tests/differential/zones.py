"""Zones for the differential test: the quick-start zone, a tricky one and a large generated one.

Each zone is written into a directory and described by a ZoneModel: the owner names and types
it holds, from which the query set is derived. Everything is deterministic.
"""
import pathlib
import random
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "examples" / "zones" / "example.test.zone"

# Names of the large generated zone: above 100k as the issue asks.
LARGE_HOSTS = 60000


class ZoneModel:
    """Origin (lowercase, absolute), file, and every owner name with the types it holds."""

    def __init__(self, origin, path, records):
        self.origin = origin
        self.path = path
        self.records = records  # {absolute lowercase owner: set of type names}

    def names(self):
        return sorted(self.records)


def _parse_owners(origin, text):
    """Owners and types of simple zone text: one record per line, no parentheses after the SOA."""
    records = {}
    last = origin
    in_parens = False
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].rstrip()
        if in_parens:
            in_parens = ")" not in line
            continue
        if not line.strip() or line.startswith("$"):
            continue
        fields = line.split()
        if line[0] in " \t":
            owner = last
        else:
            owner = fields.pop(0)
            if owner == "@":
                owner = origin
            elif not owner.endswith("."):
                owner = f"{owner}.{origin}"
            owner = owner.lower()
        while fields and (fields[0].isdigit() or fields[0] == "IN"):
            fields.pop(0)
        records.setdefault(owner, set()).add(fields[0].upper())
        in_parens = "(" in line and ")" not in line
        last = owner
    return records


def quickstart(directory):
    path = pathlib.Path(directory) / "example.test.zone"
    shutil.copy(QUICKSTART, path)
    return ZoneModel("example.test.", path, _parse_owners("example.test.", path.read_text()))


DS_HEX = "0123456789abcdef" * 4
LONG_TARGET = ".".join(["t" * 63] * 3) + ".outside.example."

TRICKY = f"""$ORIGIN tricky.test.
$TTL 3600
@            SOA   ns1 hostmaster 2024060101 7200 900 1209600 300
@            NS    ns1
@            NS    ns2.sub
@            MX    10 mail
@            MX    20 mx.wild
@            TXT   "tricky zone"
ns1          A     192.0.2.1
ns1          AAAA  2001:db8::1
mail         A     192.0.2.2
www          A     192.0.2.20
www          AAAA  2001:db8::20
MixedCase    A     192.0.2.30
caa          CAA   0 issue "ca.example"
ptr          PTR   www.tricky.test.
hinfo        HINFO "PC" "Linux"
_sip._tcp    SRV   10 5 5060 www
_sip._udp    SRV   10 5 5060 host.wild
_xmpp._tcp   SRV   10 5 5222 nowhere
sub          NS    ns1.sub
sub          NS    ns2.sub
sub          NS    ns1
sub          NS    ns.outside.example.
sub          DS    12345 13 2 {DS_HEX}
ns1.sub      A     192.0.2.10
ns2.sub      A     192.0.2.11
ns2.sub      AAAA  2001:db8::11
occluded.sub TXT   "below the cut"
cname.sub    CNAME www
nsonly       NS    ns.outside.example.
sibling      NS    ns1.sub
sibling      NS    mail
*.wild       A     192.0.2.100
*.wild       AAAA  2001:db8::100
*.wild       MX    10 mail
*.wild       TXT   "wild"
exists.wild  A     192.0.2.101
a.ent.wild   TXT   "below an empty non-terminal"
deleg.wild   NS    ns.deleg.wild
ns.deleg.wild A    192.0.2.102
*.sub2       TXT   "wildcard above a delegation"
x.sub2       NS    ns.outside.example.
*.cname      CNAME www
*.loop       CNAME x.loop
*.chain      CNAME a.wild
*.nodata     TXT   "only text"
a.b.c.ent    TXT   "deep"
*.b.c.ent    A     192.0.2.40
c1           CNAME c2
c2           CNAME c3
c3           CNAME www
dangling     CNAME nowhere
outside      CNAME www.outside.example.
loop1        CNAME loop2
loop2        CNAME loop1
self         CNAME self
tocname      CNAME x.cname
towild       CNAME x.wild
todeleg      CNAME host.sub
toent        CNAME c.ent
tomx         CNAME tricky.test.
dn           DNAME wild.tricky.test.
dnext        DNAME outside.example.
dnself       DNAME dnself.tricky.test.
dngrow       DNAME a.dngrow.tricky.test.
dnlong       DNAME {LONG_TARGET}
todn         CNAME x.dn
external     CNAME www.example.test.
"""
for _i in range(12):
    TRICKY += f"long{_i}       CNAME long{_i + 1}\n"
TRICKY += "five0 CNAME five1\nfive1 CNAME five2\nfive2 CNAME five3\nfive3 CNAME five4\n"
TRICKY += "five4 CNAME fivetarget\nfivetarget A 192.0.2.55\nfour0 CNAME five2\n"
TRICKY += f"""long12       A     192.0.2.50
big          TXT   "{'a' * 200}"
big          TXT   "{'b' * 200}"
big          TXT   "{'c' * 200}"
big          TXT   "{'d' * 200}"
big          TXT   "{'e' * 200}"
big          TXT   "{'f' * 200}"
big          TXT   "{'g' * 200}"
"""


def tricky(directory):
    text = TRICKY
    # 40 addresses at one name: 640 octets of answer, over 512, under 1232.
    text += "".join(f"many         A     10.0.0.{i}\n" for i in range(1, 41))
    path = pathlib.Path(directory) / "tricky.test.zone"
    path.write_text(text)
    return ZoneModel("tricky.test.", path, _parse_owners("tricky.test.", text))


def large(directory, hosts=LARGE_HOSTS, seed=20240601):
    """A zone of 100k+ names: hosts with A/AAAA/TXT, mail and service records, delegations with
    glue, wildcards and empty non-terminals, all from a fixed seed."""
    rng = random.Random(seed)
    origin = "large.test."
    lines = [
        "$ORIGIN large.test.",
        "$TTL 600",
        "@ SOA ns1 hostmaster 1 7200 900 1209600 120",
        "@ NS ns1",
        "@ NS ns2",
        "ns1 A 198.51.100.1",
        "ns2 A 198.51.100.2",
        "ns2 AAAA 2001:db8:ffff::2",
    ]
    for i in range(hosts):
        host = f"h{i}.r{i % 97}"
        lines.append(f"{host} A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
        kind = rng.randrange(10)
        if kind < 3:
            lines.append(f"{host} AAAA 2001:db8:{i >> 16:x}:{i & 0xffff:x}::1")
        if kind == 3:
            lines.append(f"{host} TXT \"v=host{i}\"")
        if kind == 4:
            lines.append(f"{host} MX 10 h{rng.randrange(hosts)}.r{rng.randrange(97)}")
        if kind == 5:
            lines.append(f"alias{i} CNAME {host}")
        if kind == 6:
            lines.append(f"_svc{i}._tcp SRV 0 1 443 {host}")
        if kind == 7:
            lines.append(f"d{i} NS ns.d{i}")
            lines.append(f"d{i} NS ns.outside.example.")
            lines.append(f"ns.d{i} A 192.0.2.{i % 250 + 1}")
        if kind == 8 and i % 5 == 0:
            lines.append(f"*.w{i} A 203.0.113.{i % 250 + 1}")
        if kind == 9:
            lines.append(f"x.y.e{i} TXT \"ent\"")
    text = "\n".join(lines) + "\n"
    path = pathlib.Path(directory) / "large.test.zone"
    path.write_text(text)
    return ZoneModel(origin, path, _parse_owners(origin, text))
