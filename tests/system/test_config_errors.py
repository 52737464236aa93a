"""Bad configuration or zone files: non-zero exit, file:line in the message, nothing on disk."""
import subprocess

from conftest import holdfast_bin


def run_up(workdir, config_text):
    config = workdir / "holdfast.yaml"
    config.write_text(config_text)
    return subprocess.run([str(holdfast_bin()), "up", "--config", str(config)], cwd=workdir,
                          capture_output=True, text=True, timeout=30)


GOOD_HEAD = """data_dir: data
server: {listen: ["127.0.0.1:0"]}
zones:
  - {name: example.test, file: example.test.zone}
"""


def test_broken_config_names_file_line_and_field(workdir):
    r = run_up(workdir, GOOD_HEAD + "endpoints:\n  - name: api.example.test\n"
               "    backends: [127.0.0.2]\n    check: {kind: tcp, port: seventy}\n")
    assert r.returncode != 0
    assert "holdfast.yaml:8:30: endpoints[0].check.port: expected an integer" in r.stderr
    assert not (workdir / "data").exists()


def test_unknown_key_is_an_error(workdir):
    r = run_up(workdir, GOOD_HEAD + "contorl: {enactors: 2}\n")
    assert r.returncode != 0
    assert "holdfast.yaml:5:1: contorl: unknown key" in r.stderr
    assert not (workdir / "data").exists()


def test_broken_zone_file_names_file_and_line(workdir):
    zone = workdir / "example.test.zone"
    lines = zone.read_text().splitlines()
    lines.append("bad IN A 300.1.2.3")
    zone.write_text("\n".join(lines) + "\n")
    r = run_up(workdir, GOOD_HEAD)
    assert r.returncode != 0
    assert f"example.test.zone:{len(lines)}:" in r.stderr
    assert not (workdir / "data").exists()


def test_missing_config_file(workdir):
    r = subprocess.run([str(holdfast_bin()), "up", "--config", str(workdir / "nope.yaml")],
                       cwd=workdir, capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert "nope.yaml: cannot open" in r.stderr


def test_endpoint_hiding_zone_records_is_refused(workdir):
    r = run_up(workdir, GOOD_HEAD + "endpoints:\n  - name: www.example.test\n"
               "    backends: [127.0.0.2]\n    check: {kind: tcp, port: 80}\n")
    assert r.returncode == 2
    assert "endpoints[0].name: www.example.test. has A records in the zone file" in r.stderr
    assert not (workdir / "data").exists()


def test_port_in_use_leaves_no_data_dir(workdir):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        r = run_up(workdir, GOOD_HEAD.replace("127.0.0.1:0", f"127.0.0.1:{port}"))
    assert r.returncode == 1
    assert f"bind 127.0.0.1:{port}" in r.stderr
    assert not (workdir / "data").exists()


def test_usage_error_exits_2(workdir):
    r = subprocess.run([str(holdfast_bin()), "bogus"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
