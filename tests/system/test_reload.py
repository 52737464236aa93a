"""`holdfast up` reloads on SIGHUP and through `holdfast reload`: edited zones are served, a
broken file keeps the old answers, no query is lost meanwhile; NSID and CHAOS identity from the
`server:` section; EDNS payloads below 512."""
import socket
import struct
import subprocess

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdataclass
import pytest

from conftest import Holdfast, holdfast_bin

ZONE = """$ORIGIN reload.test.
$TTL 60
@    SOA ns hostmaster {serial} 3600 600 604800 30
@    NS  ns
ns   A   127.0.0.1
{records}
"""

# Exit statuses of `holdfast reload` (README, Operations).
RELOADED, FAILED, USAGE, NOT_RUNNING = 0, 1, 2, 3


def config_text(server_extra=""):
    return f"""data_dir: data
log: {{level: info, format: json}}
server: {{listen: ["127.0.0.1:0"], threads: 2{server_extra}}}
zones:
  - {{name: reload.test, file: reload.zone}}
"""


def write_zone(workdir, serial, records):
    (workdir / "reload.zone").write_text(ZONE.format(serial=serial, records=records))


@pytest.fixture
def server(tmp_path):
    write_zone(tmp_path, 1, "old  A   192.0.2.1")
    h = Holdfast(tmp_path, config_text()).start()
    yield h
    h.stop()


def reload_cli(config, timeout=30):
    """`holdfast reload` run as an operator would: from the directory `up` runs in, where the
    relative data_dir of the configuration resolves to the same place."""
    return subprocess.run([str(holdfast_bin()), "reload", "--config", str(config)],
                          cwd=config.parent, capture_output=True, text=True, timeout=timeout)


def answer(h, name, rdtype="A"):
    r = h.query(name, rdtype)
    return r.rcode(), sorted(rr.to_text() for rrset in r.answer for rr in rrset)


def soa_serial(h):
    return h.query("reload.test", "SOA").answer[0][0].serial


def test_reload_serves_the_edited_zone(server, tmp_path):
    assert answer(server, "old.reload.test") == (dns.rcode.NOERROR, ["192.0.2.1"])
    assert soa_serial(server) == 1
    write_zone(tmp_path, 2, "new  A   192.0.2.2")

    done = reload_cli(server.config)
    assert done.returncode == RELOADED, done.stderr
    assert answer(server, "new.reload.test") == (dns.rcode.NOERROR, ["192.0.2.2"])
    assert answer(server, "old.reload.test")[0] == dns.rcode.NXDOMAIN
    assert soa_serial(server) == 2
    assert server.events("configuration reloaded")


def test_broken_zone_keeps_the_old_answers(server, tmp_path):
    (tmp_path / "reload.zone").write_text(
        ZONE.format(serial=2, records="new  A   192.0.2.2\nbad  A   not-an-address"))

    done = reload_cli(server.config)
    assert done.returncode == FAILED, done.stderr
    assert "reload.zone:7" in done.stderr
    assert answer(server, "old.reload.test") == (dns.rcode.NOERROR, ["192.0.2.1"])
    assert answer(server, "new.reload.test")[0] == dns.rcode.NXDOMAIN
    assert soa_serial(server) == 1
    failed = server.wait_log(lambda e: e.get("msg", "").startswith("reload failed"))
    assert "reload.zone:7" in failed["error.message"]

    # Fixed again, the next reload succeeds.
    write_zone(tmp_path, 3, "new  A   192.0.2.2")
    assert reload_cli(server.config).returncode == RELOADED
    assert soa_serial(server) == 3


def test_broken_yaml_keeps_serving_and_names_the_line(server):
    server.config.write_text(config_text() + "zones: twice\n")
    done = reload_cli(server.config)
    # The CLI cannot read the file either: a configuration error, nothing is signalled.
    assert done.returncode == USAGE
    assert "holdfast.yaml:6:1" in done.stderr
    assert answer(server, "old.reload.test") == (dns.rcode.NOERROR, ["192.0.2.1"])


def test_bad_field_on_sighup_keeps_serving(server):
    server.config.write_text(config_text(", nsid: [x]"))
    server.proc.send_signal(1)  # SIGHUP
    failed = server.wait_log(lambda e: e.get("msg", "").startswith("reload failed"))
    assert "holdfast.yaml:3:" in failed["error.message"]
    assert "server.nsid" in failed["error.message"]
    assert answer(server, "old.reload.test") == (dns.rcode.NOERROR, ["192.0.2.1"])


def test_restart_only_setting_is_warned_about(server):
    server.config.write_text(config_text().replace("threads: 2", "threads: 3"))
    assert reload_cli(server.config).returncode == RELOADED
    warned = server.wait_log(lambda e: e.get("config.field") == "server.threads")
    assert warned["level"] == "warn"


def test_no_query_is_lost_during_reloads(server, tmp_path):
    # UDP with no retries: every query must get an answer while zones are swapped under it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2.0)
    answered = 0
    sent = 0
    try:
        for serial in range(2, 8):
            write_zone(tmp_path, serial, f"old  A   192.0.2.1\nnew{serial} A 192.0.2.{serial}")
            server.proc.send_signal(1)  # SIGHUP; the reload runs while the queries go on
            for _ in range(50):
                q = dns.message.make_query("old.reload.test", "A")
                sock.sendto(q.to_wire(), ("127.0.0.1", server.port))
                sent += 1
                r = dns.message.from_wire(sock.recv(65535))
                assert r.id == q.id
                assert r.rcode() == dns.rcode.NOERROR
                answered += 1
    finally:
        sock.close()
    assert sent == answered == 300
    server.wait_log(lambda e: e.get("msg") == "configuration reloaded"
                    and soa_serial(server) == 7, "the last reload")


def test_reload_without_a_server_exits_3(tmp_path):
    (tmp_path / "holdfast.yaml").write_text(config_text())
    done = reload_cli(tmp_path / "holdfast.yaml")
    assert done.returncode == NOT_RUNNING
    assert "no running holdfast up" in done.stderr

    # A pid file left by a crash is stale: the process is gone.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "holdfast.pid").write_text("999999\n")
    done = reload_cli(tmp_path / "holdfast.yaml")
    assert done.returncode == NOT_RUNNING
    assert "stale" in done.stderr or "not running" in done.stderr


def test_clean_exit_removes_the_pid_file(server, tmp_path):
    assert (tmp_path / "data" / "holdfast.pid").read_text().strip() == str(server.proc.pid)
    assert server.stop() == 0
    assert not (tmp_path / "data" / "holdfast.pid").exists()
    assert reload_cli(server.config).returncode == NOT_RUNNING


def nsid_of(h):
    q = dns.message.make_query("old.reload.test", "A", use_edns=0, payload=1232,
                               options=[dns.edns.GenericOption(dns.edns.NSID, b"")])
    r = dns.query.udp(q, "127.0.0.1", port=h.port, timeout=2)
    return [o.to_wire() for o in r.options if o.otype == dns.edns.NSID]


def chaos(h, name):
    q = dns.message.make_query(name, "TXT", rdclass=dns.rdataclass.CH)
    r = dns.query.udp(q, "127.0.0.1", port=h.port, timeout=2)
    return r.rcode(), [rr.to_text() for rrset in r.answer for rr in rrset]


def test_identity_is_off_unless_configured(server):
    assert nsid_of(server) == []
    for name in ("id.server", "hostname.bind", "version.bind", "version.server"):
        assert chaos(server, name) == (dns.rcode.REFUSED, []), name


def test_identity_from_the_server_section(tmp_path):
    write_zone(tmp_path, 1, "old  A   192.0.2.1")
    extra = ', nsid: "ns-a", identity: "auth-a", version: "holdfast test"'
    h = Holdfast(tmp_path, config_text(extra)).start()
    try:
        assert nsid_of(h) == [b"ns-a"]
        assert chaos(h, "id.server") == (dns.rcode.NOERROR, ['"auth-a"'])
        assert chaos(h, "hostname.bind") == (dns.rcode.NOERROR, ['"auth-a"'])
        assert chaos(h, "version.bind") == (dns.rcode.NOERROR, ['"holdfast test"'])

        # The identity reloads too; removing the version makes version.bind REFUSED.
        h.config.write_text(config_text(', nsid: "ns-b", identity: "auth-a"'))
        assert reload_cli(h.config).returncode == RELOADED
        assert nsid_of(h) == [b"ns-b"]
        assert chaos(h, "version.bind") == (dns.rcode.REFUSED, [])
    finally:
        h.stop()


def test_identity_error_names_line_and_field(tmp_path):
    write_zone(tmp_path, 1, "old  A   192.0.2.1")
    (tmp_path / "holdfast.yaml").write_text(config_text(", nsid: " + "n" * 129))
    done = subprocess.run([str(holdfast_bin()), "up", "--config", "holdfast.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert done.returncode == USAGE
    assert "holdfast.yaml:3:" in done.stderr
    assert "server.nsid: 129 octets" in done.stderr


def opt_record(payload):
    return b"\x00" + struct.pack("!HHIH", 41, payload, 0, 0)


# RFC 6891 section 6.2.5: a payload below 512 counts as 512; it is not a format error.
@pytest.mark.parametrize("payload", [0, 1, 511])
def test_tiny_edns_payload_counts_as_512(server, payload):
    q = dns.message.make_query("old.reload.test", "A")
    wire = bytearray(q.to_wire())
    wire[10:12] = struct.pack("!H", 1)  # ARCOUNT
    wire += opt_record(payload)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2.0)
        s.sendto(bytes(wire), ("127.0.0.1", server.port))
        r = dns.message.from_wire(s.recv(65535))
    assert r.rcode() == dns.rcode.NOERROR
    assert not r.flags & dns.flags.TC
    assert [rr.address for rrset in r.answer for rr in rrset] == ["192.0.2.1"]
    assert r.edns == 0
