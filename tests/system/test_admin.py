"""The admin API of `holdfast up`: token, every route, validation errors, metrics, the CLI."""
import json
import os
import stat
import subprocess

import pytest

from admin_client import start_with_admin
from conftest import holdfast_bin, wait_until

NAME = "api.example.test."


@pytest.fixture
def up(workdir, backends):
    h, admin = start_with_admin(workdir, backends)
    # Wait for the first publish of all three backends.
    wait_until(lambda: admin.get("/api/v1/endpoints")["endpoints"][0]["generation"] > 0,
               "first publish")
    yield h, admin
    h.stop()


def test_token_file_is_private_and_every_api_route_needs_it(up, workdir):
    h, admin = up
    token_file = workdir / "data" / "admin.token"
    assert admin.info["token_file"] == str(token_file)
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    routes = [("GET", "/api/v1/status"), ("GET", "/api/v1/endpoints"),
              ("GET", f"/api/v1/endpoints/{NAME}"), ("GET", f"/api/v1/endpoints/{NAME}/plans"),
              ("GET", f"/api/v1/endpoints/{NAME}/diff"),
              ("GET", f"/api/v1/endpoints/{NAME}/history"), ("GET", "/api/v1/enactors"),
              ("GET", "/api/v1/zones"), ("GET", "/api/v1/alerts"),
              ("GET", "/api/v1/openapi.json"), ("POST", "/api/v1/pause"),
              ("POST", "/api/v1/resume"), ("POST", f"/api/v1/endpoints/{NAME}/pause"),
              ("DELETE", f"/api/v1/endpoints/{NAME}")]
    for method, path in routes:
        for token in (None, "wrong-token-0123456789", admin.token + "x"):
            status, ctype, text = admin.request(method, path, token=token)
            assert status == 401, (method, path, token, status, text)
            assert ctype == "application/json"
            assert json.loads(text)["error"]["code"] == "unauthorized"
    # Nothing was paused by the refused requests.
    assert admin.get("/api/v1/endpoints")["endpoints"][0]["paused"] is False


def test_health_ready_and_dashboard_need_no_token(up):
    _, admin = up
    assert admin.request("GET", "/healthz", token=None)[0] == 200
    assert admin.request("GET", "/readyz", token=None)[0] == 200
    status, ctype, page = admin.request("GET", "/", token=None)
    assert status == 200 and ctype.startswith("text/html")
    assert "<title>holdfast</title>" in page


def test_every_read_route(up, backends):
    _, admin = up
    endpoints = admin.get("/api/v1/endpoints")["endpoints"]
    assert [e["name"] for e in endpoints] == [NAME]
    wait_until(lambda: sorted(admin.get(f"/api/v1/endpoints/{NAME}")["published"]["addresses"])
               == sorted(b.address for b in backends), "all three published")
    one = admin.get("/api/v1/endpoints/api.example.test")
    assert one["zone"] == "example.test."
    assert {b["address"] for b in one["backends"]} == {b.address for b in backends}
    generation = one["generation"]
    assert generation >= 1

    plans = admin.get(f"/api/v1/endpoints/{NAME}/plans")["plans"]
    assert plans and plans[0]["generation"] >= generation
    shown = admin.get(f"/api/v1/endpoints/{NAME}/plans/{generation}")
    assert shown["generation"] == generation and shown["valid"] is True
    diff = admin.get(f"/api/v1/endpoints/{NAME}/diff")
    assert diff["verdict"] in ("up to date", "publish")
    history = admin.get(f"/api/v1/endpoints/{NAME}/history?limit=5")["entries"]
    assert history and history[-1]["new_generation"] == generation
    assert history[-1]["by"].startswith("enactor-")

    enactors = admin.get("/api/v1/enactors")
    assert any(x["last_applied_generation"] == generation for x in enactors["enactors"])
    assert enactors["endpoints"][0]["published_generation"] == generation
    zones = admin.get("/api/v1/zones")["zones"]
    assert zones[0]["name"] == "example.test." and zones[0]["serial_offset"] >= 1
    assert "alerts" in admin.get("/api/v1/alerts")
    status = admin.get("/api/v1/status")
    assert status["version"].startswith("holdfast")
    doc = admin.get("/api/v1/openapi.json")
    assert doc["openapi"].startswith("3.") and "/api/v1/endpoints/{name}/history" in doc["paths"]


def test_validation_errors_name_the_field(up):
    _, admin = up
    cases = [
        ("GET", f"/api/v1/endpoints/{NAME}/history?limit=0", None, None, 400, "limit"),
        ("GET", f"/api/v1/endpoints/{NAME}/history?limit=abc", None, None, 400, "limit"),
        ("GET", f"/api/v1/endpoints/{NAME}/plans/x", None, None, 400, "generation"),
        ("GET", f"/api/v1/endpoints/{NAME}/plans/99999", None, None, 404, "generation"),
        ("GET", "/api/v1/endpoints/nope.example.test", None, None, 404, "endpoint"),
        ("POST", "/api/v1/pause", None, b"{not json", 400, "body"),
        ("POST", "/api/v1/pause", None, b"[1]", 400, "body"),
        ("POST", "/api/v1/pause", {"reason": 7}, None, 400, "reason"),
        ("POST", "/api/v1/pause", {"reason": "x" * 2000}, None, 400, "reason"),
        ("POST", "/api/v1/pause", {"who": "me"}, None, 400, "who"),
    ]
    for method, path, body, raw, want, field in cases:
        status, ctype, text = admin.request(method, path, body=body, raw_body=raw)
        assert status == want, (path, body, raw, status, text)
        assert ctype == "application/json"
        assert json.loads(text)["error"]["field"] == field, text
    assert admin.request("GET", "/api/v1/nothing")[0] == 404
    assert admin.request("GET", "/api/v1/pause")[0] == 405
    # Endpoint writes are built (tests/system/test_endpoints_api.py): a bad one is refused.
    status, _, text = admin.request("POST", "/api/v1/endpoints", body={"name": "x"})
    assert status == 400, text
    assert json.loads(text)["error"]["field"] == "body"
    assert json.loads(text)["error"]["reason"] == "backends is required"
    assert admin.get("/api/v1/endpoints")["endpoints"][0]["paused"] is False


def test_pause_freezes_publishing_and_resume_lifts_it(up, backends):
    h, admin = up
    wait_until(lambda: len(h.addresses()) == 3, "three addresses served")
    status, _, text = admin.request("POST", f"/api/v1/endpoints/{NAME}/pause",
                                    body={"reason": "maintenance", "by": "test"})
    assert status == 200, text
    one = admin.get(f"/api/v1/endpoints/{NAME}")
    assert one["paused"] and one["pause"]["endpoint"]["reason"] == "maintenance"
    assert one["pause"]["endpoint"]["by"] == "api:test"
    frozen = one["generation"]

    backends[0].stop()
    # The planner goes on: a newer plan appears, but nothing newer is published.
    wait_until(lambda: admin.get(f"/api/v1/endpoints/{NAME}")["latest_plan"] > frozen,
               "a plan without the stopped backend")
    assert admin.get(f"/api/v1/endpoints/{NAME}")["generation"] == frozen
    assert len(h.addresses()) == 3
    diff = admin.get(f"/api/v1/endpoints/{NAME}/diff")
    assert diff["verdict"] == "paused" and diff["removed"] == [backends[0].address]

    assert admin.request("POST", "/api/v1/pause", body={"reason": "global"})[0] == 200
    assert admin.get("/api/v1/status")["paused"] is True
    assert admin.request("POST", "/api/v1/resume")[0] == 200
    status, _, text = admin.request("POST", f"/api/v1/endpoints/{NAME}/resume")
    assert status == 200 and json.loads(text)["lifted"] is True
    wait_until(lambda: backends[0].address not in h.addresses(), "the stopped backend removed")
    assert admin.get(f"/api/v1/endpoints/{NAME}")["generation"] > frozen


def test_metrics_follow_publishes_and_health(up, backends):
    h, admin = up
    wait_until(lambda: len(h.addresses()) == 3, "three addresses served")

    def metric(text, name, **labels):
        for line in text.splitlines():
            if line.startswith("#") or not line.startswith(name):
                continue
            series, value = line.rsplit(" ", 1)
            found, _, rest = series.partition("{")
            if found != name:
                continue
            pairs = dict(p.split("=", 1) for p in rest.rstrip("}").split(",") if p)
            if {k: v.strip('"') for k, v in pairs.items()} == labels:
                return float(value)
        return None

    def scrape():
        status, _, text = admin.request("GET", "/metrics", token=None)
        assert status == 200
        return text

    before = scrape()
    generation = metric(before, "holdfast_published_generation", endpoint=NAME)
    assert generation >= 1
    assert metric(before, "holdfast_backend_healthy", endpoint=NAME,
                  backend=backends[1].address) == 1
    applied_before = sum(float(l.split()[-1]) for l in before.splitlines()
                         if l.startswith("holdfast_enactor_applied_total{"))
    backends[1].stop()
    wait_until(lambda: metric(scrape(), "holdfast_backend_healthy", endpoint=NAME,
                              backend=backends[1].address) == 0, "unhealthy in /metrics")
    wait_until(lambda: metric(scrape(), "holdfast_published_generation", endpoint=NAME)
               > generation, "a newer generation in /metrics")
    def applied(text):
        return sum(float(l.split()[-1]) for l in text.splitlines()
                   if l.startswith("holdfast_enactor_applied_total{"))

    # The enactor counts its publish just after the commit that /metrics may already show.
    wait_until(lambda: applied(scrape()) > applied_before, "the publish counted")
    after = scrape()
    assert metric(after, "holdfast_published_addresses", endpoint=NAME) == 2
    assert "holdfast_stale_writes_refused_total" in after
    assert "holdfast_plan_budget_holds_total" in after


def run_cli(workdir, *args):
    return subprocess.run([str(holdfast_bin()), *args], cwd=workdir, capture_output=True,
                          text=True, timeout=30)


def test_cli_status_and_endpoints_find_the_server_by_themselves(up, workdir, backends):
    h, admin = up
    wait_until(lambda: len(h.addresses()) == 3, "three addresses served")
    r = run_cli(workdir, "status", "--data-dir", "data")
    assert r.returncode == 0, r.stderr
    assert NAME in r.stdout and "ENACTOR" in r.stdout and "ALERTS" in r.stdout
    r = run_cli(workdir, "endpoints", "--config", "holdfast.yaml")
    assert r.returncode == 0, r.stderr
    for b in backends:
        assert b.address in r.stdout
    r = run_cli(workdir, "status", "--json", "--data-dir", "data")
    assert r.returncode == 0
    assert json.loads(r.stdout)["endpoints"][0]["name"] == NAME


def test_cli_exit_codes_without_a_server(workdir):
    r = run_cli(workdir, "status")
    assert r.returncode == 3
    assert "admin.json" in r.stderr
    r = run_cli(workdir, "status", "--bogus")
    assert r.returncode == 2


def test_stop_removes_admin_json_and_a_bad_token_file_stops_up(workdir, backends):
    h, admin = start_with_admin(workdir, backends)
    assert h.stop() == 0
    assert not (workdir / "data" / "admin.json").exists()
    r = run_cli(workdir, "status", "--data-dir", "data")
    assert r.returncode == 3

    os.chmod(workdir / "data" / "admin.token", 0o644)
    from conftest import Holdfast
    from admin_client import admin_config
    bad = Holdfast(workdir, admin_config(backends)).start(wait=False)
    assert bad.proc.wait(timeout=20) == 2
    assert "admin.token_file" in "".join(bad.raw) and "chmod 600" in "".join(bad.raw)


def test_a_missing_token_file_is_a_usage_error_and_is_not_created(workdir):
    missing = workdir / "no-such.token"
    done = run_cli(workdir, "status", "--admin", "127.0.0.1:9", "--token-file", str(missing))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no-such.token: No such file or directory" in done.stderr, done.stderr
    assert not missing.exists()


def test_an_unsafe_token_file_is_refused_before_data_dir_is_created(workdir, backends):
    token = workdir / "shared.token"
    token.write_text("0123456789abcdef0123456789abcdef01234567\n")
    os.chmod(token, 0o644)
    from conftest import Holdfast
    from admin_client import make_config
    config = make_config(backends, 0) + (
        f'admin: {{listen: "127.0.0.1:0", token_file: "{token}"}}\n')
    bad = Holdfast(workdir, config).start(wait=False)
    assert bad.proc.wait(timeout=20) == 2
    assert "chmod 600" in "".join(bad.raw)
    assert not (workdir / "data").exists(), "nothing on disk changes for a refused start"


def test_requests_refused_before_routing_get_a_json_error(up):
    """cpp-httplib refuses a POST without Content-Length (what `curl -X POST` sends) and unknown
    methods before any route runs; the answer must still say why, as JSON."""
    import socket
    _, admin = up
    host, port = admin.address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"POST /api/v1/pause HTTP/1.1\r\nHost: {admin.address}\r\n"
                  f"Authorization: Bearer {admin.token}\r\nConnection: close\r\n\r\n".encode())
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    head, _, body = raw.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 400"), head
    error = json.loads(body)["error"]
    assert error["status"] == 400 and error["code"] == "bad_request"
    assert "Content-Length" in error["reason"], error
    status, ctype, text = admin.request("PATCH", "/api/v1/status")
    assert status in (400, 404, 405) and ctype.startswith("application/json"), (status, ctype)
    assert json.loads(text)["error"]["status"] == status


def test_an_unreachable_admin_api_is_described_for_an_operator(workdir):
    token = workdir / "ok.token"
    token.write_text("0123456789abcdef0123456789abcdef01234567\n")
    os.chmod(token, 0o600)
    done = run_cli(workdir, "status", "--admin", "127.0.0.1:9", "--token-file", str(token))
    assert done.returncode == 3, done.stdout + done.stderr
    assert ("cannot reach the admin API at 127.0.0.1:9: connection refused or failed "
            "(is holdfast up running?)") in done.stderr, done.stderr
