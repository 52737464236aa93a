"""The resolver's cache API and `holdfast cache stats|flush`, black-box.

The resolver runs with its HTTP listener (which serves the cache API) in the test's directory,
so the CLI finds it through holdfast-data/resolver.json, as an operator's would.
"""
import json
import os
import stat
import subprocess
import urllib.error
import urllib.request

from resolver_fixtures import resolver, upstreams  # noqa: F401 - pytest fixtures
from harness import addresses, holdfast_bin, wait_until

API = """  metrics: {listen: "127.0.0.1:0"}
"""


def run_cli(workdir, *args):
    return subprocess.run([str(holdfast_bin()), *args], cwd=workdir, capture_output=True,
                          text=True, timeout=30)


def cache_json(workdir, *args):
    r = run_cli(workdir, "cache", *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def api_info(workdir):
    """resolver.json, once the resolver has written it (just after its listener started)."""
    path = workdir / "holdfast-data" / "resolver.json"
    wait_until(path.exists, "resolver.json")
    return json.loads(path.read_text())


def request(address, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://{address}{path}", data=data, method=method)
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_stats_count_hits_and_flush_makes_the_next_query_a_miss(upstreams, resolver, tmp_path):
    (up,) = upstreams(1)
    up.add("www.example.test.", "A", ["192.0.2.20"])
    up.add("api.example.test.", "A", ["192.0.2.30"])
    r = resolver([up], API)

    # The token is private and resolver.json says where the API is.
    info = api_info(tmp_path)
    token_file = tmp_path / "holdfast-data" / "resolver.token"
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert info["token_file"] == str(token_file)
    assert info["pid"] == r.proc.pid

    assert addresses(r.query("www.example.test.")) == ["192.0.2.20"]
    assert addresses(r.query("www.example.test.")) == ["192.0.2.20"]
    assert up.count("www.example.test.") == 1
    stats = cache_json(tmp_path, "stats")
    assert (stats["entries"], stats["hits"], stats["misses"]) == (1, 1, 1)
    assert stats["bytes"] > 0 and stats["max_bytes"] == 64 * 1024 * 1024
    assert (stats["stale_answers"], stats["evictions"], stats["flushed"]) == (0, 0, 0)
    assert sum(s["entries"] for s in stats["shards"]) == 1

    table = run_cli(tmp_path, "cache", "stats")
    assert table.returncode == 0, table.stderr
    assert f"resolver cache at {info['address']}" in table.stdout
    assert [l.split()[:2] for l in table.stdout.splitlines() if l.startswith("hits")] == \
        [["hits", "1"]]

    # One name: only that name goes; the next query for it is a miss, the other still a hit.
    assert addresses(r.query("api.example.test.")) == ["192.0.2.30"]
    flushed = cache_json(tmp_path, "flush", "www.example.test.")
    assert (flushed["scope"], flushed["removed"], flushed["entries"]) == ("name", 1, 1)
    assert addresses(r.query("api.example.test.")) == ["192.0.2.30"]
    assert up.count("api.example.test.") == 1
    assert addresses(r.query("www.example.test.")) == ["192.0.2.20"]
    assert up.count("www.example.test.") == 2
    assert cache_json(tmp_path, "stats")["misses"] == 3

    # Everything, with the human output.
    out = run_cli(tmp_path, "cache", "flush")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "flushed the whole cache: 2 entries removed, 0 left in the cache\n"
    assert addresses(r.query("api.example.test.")) == ["192.0.2.30"]
    assert up.count("api.example.test.") == 2
    stats = cache_json(tmp_path, "stats")
    assert (stats["entries"], stats["flushed"], stats["misses"]) == (1, 3, 4)


def test_flush_keep_stale_asks_upstream_but_keeps_the_answer_for_outages(upstreams, resolver,
                                                                         tmp_path):
    (up,) = upstreams(1)
    up.add("www.example.test.", "A", ["192.0.2.20"])
    r = resolver([up], API + "  max_attempts: 1\n")  # one upstream query per client query
    api_info(tmp_path)
    assert addresses(r.query("www.example.test.")) == ["192.0.2.20"]

    flushed = cache_json(tmp_path, "flush", "www.example.test.", "--type", "A", "--keep-stale")
    assert (flushed["type"], flushed["removed"], flushed["expired"]) == ("A", 0, 1)
    assert flushed["entries"] == 1

    # Expired, so upstream is asked; it fails, and the kept answer is served stale.
    up.set_mode("servfail", "www.example.test.")
    reply = r.query("www.example.test.")
    assert addresses(reply) == ["192.0.2.20"]
    assert up.count("www.example.test.") == 2
    assert cache_json(tmp_path, "stats")["stale_answers"] == 1

    # A plain flush takes the stale copy too: now the failure reaches the client.
    assert cache_json(tmp_path, "flush", "www.example.test.")["removed"] == 1
    assert r.query("www.example.test.").rcode() == 2  # SERVFAIL


def test_api_needs_the_token_and_names_bad_fields(upstreams, resolver, tmp_path):
    (up,) = upstreams(1)
    up.add("www.example.test.", "A", ["192.0.2.20"])
    r = resolver([up], API)
    info = api_info(tmp_path)
    token = (tmp_path / "holdfast-data" / "resolver.token").read_text().strip()
    assert addresses(r.query("www.example.test.")) == ["192.0.2.20"]

    for method, path in (("GET", "/api/v1/cache"), ("POST", "/api/v1/cache/flush")):
        for wrong in (None, "not-the-token-0123456789"):
            status, body = request(info["address"], method, path, token=wrong)
            assert status == 401 and body["error"]["field"] == "Authorization"
    status, body = request(info["address"], "POST", "/api/v1/cache/flush", token,
                           {"name": "bad..name.test."})
    assert status == 400
    assert body["error"]["field"] == "name"
    assert "labels must be 1 to 63 octets" in body["error"]["reason"]
    status, body = request(info["address"], "POST", "/api/v1/cache/flush", token,
                           {"name": "www.example.test.", "type": "NOPE"})
    assert (status, body["error"]["field"]) == (400, "type")
    status, body = request(info["address"], "GET", "/api/v1/cache", token)
    assert (status, body["entries"]) == (200, 1)  # nothing was flushed

    # The CLI: the API's error is exit 1, usage 2, nothing to reach 3.
    bad = run_cli(tmp_path, "cache", "flush", "bad..name.test.")
    assert bad.returncode == 1
    assert "HTTP 400: name:" in bad.stderr
    assert run_cli(tmp_path, "cache", "flush", "--type", "A").returncode == 2
    other = tmp_path / "other.token"
    other.write_text("another-token-0123456789\n")
    other.chmod(0o600)
    denied = run_cli(tmp_path, "cache", "stats", "--token-file", str(other))
    assert denied.returncode == 1 and "HTTP 401" in denied.stderr
    open_token = tmp_path / "open.token"
    open_token.write_text("another-token-0123456789\n")
    open_token.chmod(0o644)
    assert run_cli(tmp_path, "cache", "stats", "--token-file", str(open_token)).returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = run_cli(empty, "cache", "stats")
    assert missing.returncode == 3 and "resolver.json" in missing.stderr
    unreachable = run_cli(tmp_path, "cache", "stats", "--admin", "127.0.0.1:1")
    assert unreachable.returncode == 3 and "cannot reach" in unreachable.stderr

    # A clean stop removes resolver.json.
    assert r.stop() == 0
    assert not (tmp_path / "holdfast-data" / "resolver.json").exists()
