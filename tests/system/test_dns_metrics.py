"""DNS query metrics of `holdfast up`: answers by transport, rcode and qtype, and latency."""
import re

from admin_client import start_with_admin
from conftest import wait_until


def samples(text):
    """Every sample of the holdfast_dns_ families as {(name, labels as a sorted tuple): value}."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(holdfast_dns_[a-z_]+)(?:\{([^}]*)\})? (\S+)$", line)
        if m:
            labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', m.group(2) or "")))
            out[(m.group(1), labels)] = float(m.group(3))
    return out


def queries(s, transport, rcode, qtype):
    key = ("holdfast_dns_queries_total",
           (("qtype", qtype), ("rcode", rcode), ("transport", transport)))
    return s.get(key, 0.0)


def answered(s, transport):
    return s.get(("holdfast_dns_answer_seconds_count", (("transport", transport),)), 0.0)


def test_up_counts_answers_by_transport_rcode_and_qtype(workdir, backends):
    h, admin = start_with_admin(workdir, backends)
    try:
        def scrape():
            status, _, text = admin.request("GET", "/metrics", token=None)
            assert status == 200
            return samples(text)

        # Wait until the endpoint is published so that its answers are NOERROR.
        wait_until(lambda: len(h.addresses()) == 3, "three addresses served")
        before = scrape()

        sent = {  # (transport, rcode, qtype) -> count
            ("udp", "NOERROR", "A"): 3, ("udp", "NXDOMAIN", "A"): 2,
            ("udp", "REFUSED", "AAAA"): 1, ("tcp", "NOERROR", "A"): 2,
            ("tcp", "NXDOMAIN", "A"): 1, ("tcp", "REFUSED", "A"): 2,
            ("udp", "NOERROR", "other"): 1,
        }
        names = {"NOERROR": "api.example.test.", "NXDOMAIN": "nothing-here.example.test.",
                 "REFUSED": "www.not-our-zone.invalid."}
        for (transport, rcode, qtype), count in sent.items():
            rdtype = "NAPTR" if qtype == "other" else qtype
            for _ in range(count):
                reply = h.query(names[rcode], rdtype, tcp=transport == "tcp")
                assert reply.rcode() == {"NOERROR": 0, "NXDOMAIN": 3, "REFUSED": 5}[rcode]

        # Latency is recorded just after each answer is handed over: wait for the last ones.
        total = {t: sum(n for k, n in sent.items() if k[0] == t) for t in ("udp", "tcp")}

        def settled():
            s = scrape()
            return s if all(answered(s, t) - answered(before, t) == n
                            for t, n in total.items()) else None

        after = wait_until(settled, "every answer in the latency histogram")

        for (transport, rcode, qtype), count in sent.items():
            delta = queries(after, transport, rcode, qtype) - queries(before, transport, rcode,
                                                                       qtype)
            assert delta == count, (transport, rcode, qtype)
        # Nothing else moved: the deltas over every series add up to what was sent.
        moved = sum(v - before.get(k, 0.0) for k, v in after.items()
                    if k[0] == "holdfast_dns_queries_total")
        assert moved == sum(sent.values())
        for t in ("udp", "tcp"):
            inf = ("holdfast_dns_answer_seconds_bucket", (("le", "+Inf"), ("transport", t)))
            assert after[inf] == answered(after, t)
            assert after[("holdfast_dns_dropped_total", (("transport", t),))] == \
                before[("holdfast_dns_dropped_total", (("transport", t),))]
    finally:
        assert h.stop() == 0
