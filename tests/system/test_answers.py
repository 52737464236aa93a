"""Authoritative answers for the static zone: RFC 1034 / RFC 2308 behaviour, TCP, TC."""
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from conftest import Holdfast, make_config


def soa_in_authority(r):
    soas = [rrset for rrset in r.authority if rrset.rdtype == dns.rdatatype.SOA]
    assert len(soas) == 1, r.to_text()
    return soas[0]


def test_nxdomain_carries_soa_with_negative_ttl(holdfast):
    r = holdfast.query("nope.example.test", "A")
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert r.flags & dns.flags.AA
    assert not r.answer
    soa = soa_in_authority(r)
    # RFC 2308 section 3: min(SOA TTL 300, SOA MINIMUM 60).
    assert soa.ttl == 60


def test_nodata_carries_soa(holdfast):
    r = holdfast.query("www.example.test", "MX")
    assert r.rcode() == dns.rcode.NOERROR
    assert r.flags & dns.flags.AA
    assert not r.answer
    assert soa_in_authority(r).ttl == 60


def test_refused_outside_our_zones(holdfast):
    r = holdfast.query("example.org", "A")
    assert r.rcode() == dns.rcode.REFUSED
    assert not r.flags & dns.flags.AA


def test_query_name_case_is_preserved(holdfast):
    r = holdfast.query("WwW.ExAmPlE.tEsT", "A")
    assert r.rcode() == dns.rcode.NOERROR
    assert r.question[0].name.to_text() == "WwW.ExAmPlE.tEsT."
    assert [rr.address for rr in r.answer[0]] == ["127.0.0.11"]


def test_cname_is_followed_to_the_managed_endpoint(holdfast):
    from conftest import wait_until
    wait_until(lambda: holdfast.addresses() != [], "endpoint published")
    r = holdfast.query("app.example.test", "A")
    types = [rrset.rdtype for rrset in r.answer]
    assert types[0] == dns.rdatatype.CNAME
    assert dns.rdatatype.A in types


def test_tcp_answers(holdfast):
    r = holdfast.query("www.example.test", "AAAA", tcp=True)
    assert r.rcode() == dns.rcode.NOERROR
    assert [rr.address for rr in r.answer[0]] == ["::1"]


def test_garbage_gets_no_crash(holdfast):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        for payload in (b"", b"\x00", b"\x12\x34" + b"\xff" * 30, b"\x00" * 12):
            s.sendto(payload, ("127.0.0.1", holdfast.port))
    r = holdfast.query("www.example.test", "A")
    assert r.rcode() == dns.rcode.NOERROR


@pytest.fixture
def big_zone(workdir, backends):
    zone = (workdir / "example.test.zone").read_text()
    zone += "".join(f"big IN TXT \"{'x' * 200} {i}\"\n" for i in range(10))
    (workdir / "example.test.zone").write_text(zone)
    h = Holdfast(workdir, make_config(backends, 0)).start()
    yield h
    h.stop()


def test_udp_answer_too_big_sets_tc_and_tcp_has_it_all(big_zone):
    r = big_zone.query("big.example.test", "TXT")
    assert r.flags & dns.flags.TC
    assert not r.answer
    r = big_zone.query("big.example.test", "TXT", payload=1232)
    assert r.flags & dns.flags.TC
    r = big_zone.query("big.example.test", "TXT", tcp=True)
    assert not r.flags & dns.flags.TC
    assert len(r.answer[0]) == 10


def test_edns_payload_is_honoured(big_zone):
    q = dns.message.make_query("www.example.test", "A", use_edns=0, payload=4096)
    r = dns.query.udp(q, "127.0.0.1", port=big_zone.port, timeout=2)
    assert r.edns == 0
    assert r.payload == 1232
