"""Endpoints created, replaced and deleted through the admin API of a running `holdfast up`."""
import json
import signal

import dns.rcode
import dns.rdatatype
import pytest

from admin_client import Admin, admin_config
from conftest import Backend, Holdfast, free_port, wait_until

WEB = "web.example.test."


@pytest.fixture
def listeners():
    """Two loopback TCP listeners (HTTP backends) for the API-made endpoint."""
    port = free_port("127.0.0.5")
    started = [Backend(f"127.0.0.{i}", port) for i in (5, 6)]
    for b in started:
        b.start()
    yield started
    for b in started:
        b.stop()


def definition(addresses, port, **extra):
    body = {"name": "web.example.test", "ttl": 5, "backends": addresses,
            "check": {"kind": "tcp", "port": port, "interval": "200ms", "timeout": "100ms",
                      "rise": 1, "fall": 2}}
    body.update(extra)
    return body


def answer(h, name=WEB):
    r = h.query(name)
    return r.rcode(), sorted(rr.address for rrset in r.answer for rr in rrset
                             if rrset.rdtype == dns.rdatatype.A)


def start(workdir, backends):
    h = Holdfast(workdir, admin_config(backends)).start()
    return h, Admin(h)


def test_create_update_delete_are_served_at_once(workdir, backends, listeners):
    h, admin = start(workdir, backends)
    try:
        port = listeners[0].port
        status, _, text = admin.request("POST", "/api/v1/endpoints",
                                        body=definition(["127.0.0.5"], port, by="test"))
        assert status == 201, text
        created = json.loads(text)
        assert created["name"] == WEB and created["source"] == "api"
        assert [b["address"] for b in created["backends"]] == ["127.0.0.5"]
        wait_until(lambda: answer(h) == (dns.rcode.NOERROR, ["127.0.0.5"]), "web served")
        listed = {e["name"]: e["source"] for e in admin.get("/api/v1/endpoints")["endpoints"]}
        assert listed == {"api.example.test.": "config", WEB: "api"}
        assert admin.get("/api/v1/zones")["zones"][0]["endpoints"] == ["api.example.test.", WEB]

        status, _, text = admin.request("PUT", "/api/v1/endpoints/web.example.test",
                                        body=definition(["127.0.0.6"], port))
        assert status == 200, text
        assert [b["address"] for b in json.loads(text)["backends"]] == ["127.0.0.6"]
        wait_until(lambda: answer(h) == (dns.rcode.NOERROR, ["127.0.0.6"]), "web moved")
        # The file's endpoint goes on as before.
        assert h.addresses() == sorted(b.address for b in backends)

        status, _, text = admin.request("DELETE", "/api/v1/endpoints/web.example.test",
                                        body={"by": "test"})
        assert status == 200, text
        assert json.loads(text) == {"deleted": WEB, "by": "api:test"}
        assert answer(h) == (dns.rcode.NXDOMAIN, [])
        assert admin.request("GET", f"/api/v1/endpoints/{WEB}")[0] == 404
        assert [e["by"] for e in h.events("endpoint deleted through the admin API")] == ["api:test"]
    finally:
        h.stop()


def test_a_re_created_endpoint_never_serves_the_deleted_ones_addresses(workdir, backends,
                                                                       listeners):
    """Found by a first-user trial: a name deleted and created again served the old endpoint's
    published addresses (held there when the new policy holds over-budget changes)."""
    h, admin = start(workdir, backends)
    try:
        port = listeners[0].port
        # Nothing listens on .7-.9: all down, so fail-open publishes all three.
        old = definition(["127.0.0.7", "127.0.0.8", "127.0.0.9"], port)
        assert admin.request("POST", "/api/v1/endpoints", body=old)[0] == 201
        wait_until(lambda: answer(h) == (dns.rcode.NOERROR,
                                         ["127.0.0.7", "127.0.0.8", "127.0.0.9"]), "old served")
        assert admin.request("DELETE", "/api/v1/endpoints/web.example.test")[0] == 200
        assert answer(h) == (dns.rcode.NXDOMAIN, [])

        new = definition(["127.0.0.5"], port, policy={"over_budget": "hold", "max_remove": 1})
        status, _, text = admin.request("POST", "/api/v1/endpoints", body=new)
        assert status == 201, text
        # Never the deleted endpoint's record: nothing published yet, or (when health checks,
        # planner and enactor were quicker than the answer) the new endpoint's own first one.
        published = json.loads(text)["published"]
        assert published is None or published["addresses"] == ["127.0.0.5"], text
        wait_until(lambda: answer(h) == (dns.rcode.NOERROR, ["127.0.0.5"]), "new served")
        history = admin.get(f"/api/v1/endpoints/{WEB}/diff")
        assert history["verdict"] != "held", history
    finally:
        h.stop()


def test_an_api_endpoint_survives_a_restart(workdir, backends, listeners):
    h, admin = start(workdir, backends)
    try:
        status, _, text = admin.request("POST", "/api/v1/endpoints",
                                        body=definition(["127.0.0.5", "127.0.0.6"],
                                                        listeners[0].port))
        assert status == 201, text
        wait_until(lambda: answer(h) == (dns.rcode.NOERROR, ["127.0.0.5", "127.0.0.6"]),
                   "web served")
    finally:
        assert h.stop() == 0

    h, admin = start(workdir, backends)
    try:
        # The last published records are served before any check, and the definition is back.
        assert answer(h) == (dns.rcode.NOERROR, ["127.0.0.5", "127.0.0.6"])
        one = admin.get("/api/v1/endpoints/web.example.test")
        assert one["source"] == "api"
        assert [b["address"] for b in one["backends"]] == ["127.0.0.5", "127.0.0.6"]
        # A reload keeps it too.
        h.proc.send_signal(signal.SIGHUP)
        h.wait_log(lambda e: e.get("msg") == "configuration reloaded", "reloaded")
        assert admin.get("/api/v1/endpoints/web.example.test")["source"] == "api"
    finally:
        h.stop()


def test_bad_requests_name_the_field_and_change_nothing(workdir, backends, listeners):
    h, admin = start(workdir, backends)
    try:
        port = listeners[0].port
        cases = [
            (None, b"{not json", 400, "body"),
            (definition(["127.0.0.5", "127.0.0.999"], port), None, 400, "backends[1]"),
            (definition(["127.0.0.5"], port, type="AAAA"), None, 400, "backends[0]"),
            (definition(["127.0.0.5"], port, zone="other.test"), None, 400, "zone"),
            ({"name": "web.example.test", "check": {"kind": "tcp", "port": port}}, None, 400,
             "body"),
            (definition(["127.0.0.5"], port, colour="red"), None, 400, "colour"),
            (definition(["127.0.0.5"], 0), None, 400, "check.port"),
            # www.example.test has A records in the zone file.
            (definition(["127.0.0.5"], port, name="www.example.test"), None, 400, "name"),
            # The file defines this one.
            (definition(["127.0.0.5"], port, name="api.example.test"), None, 409, "name"),
        ]
        for body, raw, want, field in cases:
            status, _, text = admin.request("POST", "/api/v1/endpoints", body=body, raw_body=raw)
            assert status == want, (body, raw, text)
            assert json.loads(text)["error"]["field"] == field, text

        for method, body in (("PUT", definition(["127.0.0.5"], port, name="api.example.test")),
                             ("DELETE", None)):
            status, _, text = admin.request(method, "/api/v1/endpoints/api.example.test",
                                            body=body)
            assert status == 409, text
            error = json.loads(text)["error"]
            assert error["field"] == "name"
            assert "holdfast.yaml; edit it and run holdfast reload" in error["reason"]

        status, _, text = admin.request("POST", "/api/v1/endpoints",
                                        body=definition(["127.0.0.5"], port))
        assert status == 201, text
        status, _, text = admin.request("POST", "/api/v1/endpoints",
                                        body=definition(["127.0.0.6"], port))
        assert status == 409 and json.loads(text)["error"]["field"] == "name", text
        status, _, text = admin.request("PUT", "/api/v1/endpoints/nope.example.test",
                                        body=definition(["127.0.0.5"], port,
                                                        name="nope.example.test"))
        assert status == 404, text
        assert [e["name"] for e in admin.get("/api/v1/endpoints")["endpoints"]] == [
            "api.example.test.", WEB]
        assert admin.get(f"/api/v1/endpoints/{WEB}")["backends"][0]["address"] == "127.0.0.5"
    finally:
        h.stop()
