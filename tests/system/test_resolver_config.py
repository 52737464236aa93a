"""The resolver's command line, configuration, allow list, reload and memory bound."""
import pathlib
import subprocess
import time

import dns.rcode

from resolver_fixtures import resolver, upstreams  # noqa: F401 - pytest fixtures
from harness import Resolver, addresses, holdfast_bin, resolver_yaml, wait_until


def test_clients_outside_the_allow_list_are_refused(upstreams, resolver):
    (up,) = upstreams(1)
    up.add("www.example.test.", "A", ["192.0.2.1"])
    r = resolver([up], """  allow: [127.0.0.1/32]
""")
    assert addresses(r.query("www.example.test.")) == ["192.0.2.1"]
    assert r.query("www.example.test.", source="127.0.0.9").rcode() == dns.rcode.REFUSED
    assert r.stats()["refused"] == 1


def test_sighup_reloads_without_dropping_the_cache(upstreams, tmp_path):
    first, second = upstreams(2)
    first.add("www.example.test.", "A", ["192.0.2.1"], ttl=300)
    second.add("new.example.test.", "A", ["192.0.2.2"], ttl=300)
    r = Resolver(tmp_path, resolver_yaml([first.endpoint])).start()
    try:
        assert addresses(r.query("www.example.test.")) == ["192.0.2.1"]
        r.config.write_text(resolver_yaml([second.endpoint]))
        r.reload()
        r.wait_log(lambda e: e.get("msg") == "resolver reloaded")
        assert addresses(r.query("new.example.test.")) == ["192.0.2.2"]
        assert addresses(r.query("www.example.test.")) == ["192.0.2.1"]  # from the cache
        assert first.count("www.example.test.") == 1

        # A broken file keeps the running configuration and says why.
        r.config.write_text(resolver_yaml(["not-an-address"]))
        r.reload()
        event = r.wait_log(lambda e: e.get("msg", "").startswith("resolver reload failed"))
        assert "resolver.upstreams[0]" in event["error.message"]
        assert addresses(r.query("www.example.test.")) == ["192.0.2.1"]
    finally:
        r.stop()


def test_bad_configuration_names_file_line_and_field(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("resolver:\n  upstreams: [127.0.0.1]\n  serve_stale: {window: soon}\n")
    result = subprocess.run([str(holdfast_bin()), "resolver", "--config", str(config)],
                            capture_output=True, text=True, timeout=10)
    assert result.returncode == 2
    assert f"{config}:3:25: resolver.serve_stale.window:" in result.stderr

    result = subprocess.run([str(holdfast_bin()), "resolver"], capture_output=True, text=True,
                            timeout=10)
    assert result.returncode == 2
    assert "upstream" in result.stderr


def test_example_configuration_starts(tmp_path):
    example = pathlib.Path(__file__).resolve().parents[2] / "examples" / "resolver.yaml"
    proc = subprocess.Popen([str(holdfast_bin()), "resolver", "--config", str(example),
                             "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any("resolver listening" in x for x in lines):
            lines.append(proc.stderr.readline())
        assert any("resolver listening" in x for x in lines), lines
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_flags_alone_start_a_loopback_resolver(upstreams, tmp_path):
    (up,) = upstreams(1)
    up.add("www.example.test.", "A", ["192.0.2.1"])
    proc = subprocess.Popen([str(holdfast_bin()), "resolver", "--listen", "127.0.0.1:0",
                             "--upstream", up.endpoint], stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 10
        while "resolver listening" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        port = int(line.split('"listen.address":"')[1].split('"')[0].rsplit(":", 1)[1])
        r = Resolver.__new__(Resolver)
        r.port = port
        assert addresses(Resolver.query(r, "www.example.test.")) == ["192.0.2.1"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cache_memory_stays_under_its_bound(upstreams, resolver):
    (up,) = upstreams(1)
    for i in range(1500):
        up.add(f"n{i}.example.test.", "TXT", [f'"{"x" * 100}{i}"'])
    bound = 65536
    r = resolver([up], f"""  cache: {{max_bytes: {bound}}}
""")
    for i in range(1500):
        assert r.query(f"n{i}.example.test.", "TXT").answer
        if i % 250 == 0:
            assert r.stats()["cache.bytes"] <= bound
    stats = r.stats()
    assert stats["cache.bytes"] <= bound
    assert stats["cache.evictions"] > 0
    assert stats["cache.entries"] > 10
