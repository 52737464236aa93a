"""Operating `up`: signals, and what the configuration says is served."""
import signal
import subprocess
import time

from conftest import Holdfast, holdfast_bin, make_config, wait_until

ALL = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]


def test_sighup_reloads_and_does_not_stop_the_server(holdfast):
    wait_until(lambda: holdfast.addresses() == ALL, "published")
    holdfast.proc.send_signal(signal.SIGHUP)
    holdfast.wait_log(lambda e: e.get("msg") == "configuration reloaded")
    time.sleep(0.2)
    assert holdfast.proc.poll() is None
    assert holdfast.addresses() == ALL
    assert holdfast.stop() == 0


def test_removed_endpoint_is_no_longer_served(workdir, backends):
    two = make_config(backends, 0) + f"""  - name: old.example.test
    type: A
    ttl: 5
    backends: [127.0.0.2]
    check: {{kind: http, port: {backends[0].port}, path: /health, interval: 200ms,
             timeout: 100ms, rise: 1, fall: 2}}
"""
    h = Holdfast(workdir, two).start()
    try:
        wait_until(lambda: h.addresses("old.example.test") == ["127.0.0.2"], "old published")
    finally:
        h.stop()

    again = Holdfast(workdir, make_config(backends, 0)).start()
    try:
        r = again.query("old.example.test")
        assert r.rcode() == 3, r.to_text()  # NXDOMAIN: the name is not in the zone file
        again.wait_log(lambda e: e.get("msg") ==
                       "published record of an unconfigured endpoint ignored")
    finally:
        again.stop()


def test_a_second_up_on_the_same_data_dir_is_refused(holdfast):
    """Two control planes on one store would overwrite each other's pid and admin files, and
    the first would vanish from `holdfast status` and `holdfast reload`."""
    wait_until(lambda: holdfast.addresses() == ALL, "published")
    pid_file = holdfast.workdir / "data" / "holdfast.pid"
    assert pid_file.read_text().strip() == str(holdfast.proc.pid)
    second = subprocess.run([str(holdfast_bin()), "up", "--config", str(holdfast.config)],
                            cwd=holdfast.workdir, capture_output=True, text=True, timeout=30)
    assert second.returncode == 1, second.stderr
    assert f"data_dir data is in use by another holdfast up (pid {holdfast.proc.pid})" \
        in second.stderr, second.stderr
    assert pid_file.read_text().strip() == str(holdfast.proc.pid)
    assert (holdfast.workdir / "data" / "admin.json").exists()
    assert holdfast.addresses() == ALL
