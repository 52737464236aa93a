"""Blast-radius controls of the real binary: change budget (step-down and hold for approval),
pause and resume, panic threshold, minimum-healthy floor, fail-open off, plan diff, apply
--dry-run and the audit journal. Operator commands run with no flags from the directory of the
running `holdfast up`, as an operator would run them after the quick start: they find its admin
API through holdfast-data/admin.json."""
import json
import re
import subprocess
import time

import pytest

from conftest import Backend, Holdfast, free_port, holdfast_bin, wait_until

# How long a state must hold to count as "stays": several check intervals (300 ms each).
# Checks need two failures in a row (fall: 2), so a slow answer under load is not a failure.
HOLD_SECONDS = 1.5


def blast_config(addresses, port, policy="", control_policy=""):
    return f"""data_dir: holdfast-data
log: {{level: info, format: json}}
server: {{listen: ["127.0.0.1:0"], threads: 2}}
zones:
  - {{name: example.test, file: example.test.zone}}
control:
  enactors: 3
  keep_plans: 3
  janitor_interval: 1s
{control_policy}endpoints:
  - name: api.example.test
    type: A
    ttl: 5
    backends: [{", ".join(addresses)}]
    check: {{kind: http, port: {port}, path: /health, interval: 300ms, timeout: 250ms,
             rise: 1, fall: 2}}
{policy}"""


def start_backends(count):
    port = free_port("127.0.0.2")
    started = [Backend(f"127.0.0.{i}", port) for i in range(2, 2 + count)]
    for b in started:
        b.start()
    return started


def sorted_ips(backends):
    return sorted((b.address for b in backends), key=lambda a: tuple(map(int, a.split("."))))


def by_ip(addresses):
    return sorted(addresses, key=lambda a: tuple(map(int, a.split("."))))


def ops(h, *args, check=True):
    """Runs an operator command with no flags from the working directory of `h`."""
    done = subprocess.run([str(holdfast_bin()), *args], cwd=h.workdir, capture_output=True,
                          text=True, timeout=30)
    if check:
        assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def answers_while(h, seconds):
    """Every distinct answer seen while polling for `seconds`."""
    seen = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.add(tuple(by_ip(h.addresses())))
        time.sleep(0.05)
    return seen


def history_removals(h):
    """Per journal entry of api.example.test: (addresses removed, addresses published before),
    and the table's rows without its header."""
    header, *lines = ops(h, "history", "api.example.test").stdout.splitlines()
    assert header.split() == ["WHEN", "SERIAL", "BY", "GENERATION", "CHANGE", "WHY"], header
    out, size = [], 0
    for line in lines:
        added = len(re.findall(r" \+\d+\.\d+\.\d+\.\d+", line))
        removed = len(re.findall(r" -\d+\.\d+\.\d+\.\d+", line))
        out.append((removed, size))
        size += added - removed
    return out, lines


@pytest.fixture
def ten():
    started = start_backends(10)
    yield started
    for b in started:
        b.stop()


@pytest.fixture
def three():
    started = start_backends(3)
    yield started
    for b in started:
        b.stop()


def run(workdir, backends, policy="", control_policy=""):
    config = blast_config(sorted_ips(backends), backends[0].port, policy, control_policy)
    return Holdfast(workdir, config).start()


def test_nine_of_ten_down_is_stepped_down_never_empty(workdir, ten):
    h = run(workdir, ten)  # default policy: at most half of the published addresses per publish
    try:
        wait_until(lambda: len(h.addresses()) == 10, "all ten published")
        # Paused, the nine failures reach the planner while all ten are still published, so
        # the drop meets the change budget at once rather than one backend at a time.
        ops(h, "pause", "--reason", "take nine down together")
        for b in ten[1:]:
            b.stop()
        h.wait_log(lambda e: e.get("msg") == "plan created" and e.get("plan.held_back") == 4,
                   "a stepped plan: remove 5 of 9 now, hold 4 back")
        ops(h, "resume")
        seen = set()

        def settled():
            answer = tuple(by_ip(h.addresses()))
            seen.add(answer)
            return answer == ("127.0.0.2",)

        wait_until(settled, "only the healthy backend left", limit=20)
        assert () not in seen, "an empty answer was served"

        removals, lines = history_removals(h)
        assert [before - removed for removed, before in removals[1:]] == [5, 3, 2, 1], \
            "\n".join(lines)
        for removed, before in removals:
            assert removed <= max(1, before // 2), "\n".join(lines)
        assert "step-down: removing 5 of 9 now" in lines[1], "\n".join(lines)
        assert lines[-1].endswith("  1 of 10 healthy"), lines[-1]
    finally:
        h.stop()


def test_hold_mode_serves_everything_until_an_operator_approves(workdir, ten):
    h = run(workdir, ten, policy="    policy: {max_remove: 30%, over_budget: hold}\n")
    try:
        wait_until(lambda: len(h.addresses()) == 10, "all ten published")
        ops(h, "pause", "--reason", "take nine down together")
        for b in ten[1:]:
            b.stop()
        wait_until(lambda: "(0 added, 9 removed)" in ops(h, "plan", "diff", "api.example.test")
                   .stdout, "a plan that drops nine of ten")
        ops(h, "resume")
        held = h.wait_log(lambda e: e.get("msg", "").startswith("plan held")
                          and e.get("plan.removed_count") == 9, "the nine-of-ten plan held")
        assert held["policy.max_remove"] == 3 and held["level"] == "warn"
        assert answers_while(h, HOLD_SECONDS) == {tuple(sorted_ips(ten))}

        diff = ops(h, "plan", "diff", "api.example.test").stdout
        assert "verdict    held" in diff, diff
        assert "(0 added, 9 removed)" in diff, diff
        assert "at most 3 address(es) removed per publish" in diff, diff

        dry = ops(h, "apply", "api.example.test", "--dry-run", "--approve").stdout
        assert "verdict    publish" in dry and "nothing was written" in dry, dry
        refused = ops(h, "apply", "api.example.test", check=False)
        assert refused.returncode == 1 and "held" in refused.stderr, refused.stderr
        assert len(h.addresses()) == 10

        applied = ops(h, "apply", "api.example.test", "--approve", "--reason", "drill 42")
        assert "published generation" in applied.stdout, applied.stdout
        wait_until(lambda: h.addresses() == ["127.0.0.2"], "the approved plan served")
        last = ops(h, "history", "api.example.test").stdout.splitlines()[-1]
        assert "operator:" in last and "approved by operator:" in last and "drill 42" in last, last
        assert last.count(" -127.0.0.") == 9, last
    finally:
        h.stop()


def test_pause_freezes_what_is_published_until_resume(workdir, three):
    h = run(workdir, three)
    try:
        wait_until(lambda: h.addresses() == sorted_ips(three), "all three published")
        paused = ops(h, "pause", "--reason", "incident 7")
        assert "paused every endpoint" in paused.stdout
        three[2].stop()
        h.wait_log(lambda e: e.get("msg") == "plan created"
                   and e.get("plan.removed") == "127.0.0.4", "a plan without 127.0.0.4")
        h.wait_log(lambda e: e.get("msg") == "publish paused by an operator", "paused log")
        assert answers_while(h, HOLD_SECONDS) == {tuple(sorted_ips(three))}
        diff = ops(h, "plan", "diff", "api.example.test").stdout
        assert "verdict    paused" in diff and "incident 7" in diff, diff

        # A pause of the endpoint outlives the lifting of the global pause.
        ops(h, "pause", "api.example.test", "--reason", "hands off")
        assert "resumed every endpoint" in ops(h, "resume").stdout
        assert answers_while(h, HOLD_SECONDS) == {tuple(sorted_ips(three))}
        assert "resumed api.example.test." in ops(h, "resume", "api.example.test").stdout
        wait_until(lambda: h.addresses() == ["127.0.0.2", "127.0.0.3"], "publishing resumed")
        assert "was not paused" in ops(h, "resume").stdout
    finally:
        h.stop()


def test_panic_threshold_serves_every_backend(workdir, three):
    h = run(workdir, three, policy="    policy: {panic_threshold: 50%}\n")
    try:
        wait_until(lambda: h.addresses() == sorted_ips(three), "all three published")
        three[1].stop()
        three[2].stop()
        h.wait_log(lambda e: e.get("msg", "").startswith("panic threshold crossed")
                   and e.get("level") == "error", "the panic alert")
        wait_until(lambda: h.addresses() == sorted_ips(three), "every backend served")
        assert answers_while(h, HOLD_SECONDS) == {tuple(sorted_ips(three))}
    finally:
        h.stop()


def test_minimum_healthy_floor_keeps_unhealthy_backends(workdir, three):
    h = run(workdir, three, policy="    policy: {min_healthy: 2}\n")
    try:
        wait_until(lambda: h.addresses() == sorted_ips(three), "all three published")
        three[1].stop()
        three[2].stop()
        h.wait_log(lambda e: e.get("msg", "").startswith("below the minimum-healthy floor"),
                   "the floor log")
        wait_until(lambda: len(h.addresses()) == 2 and "127.0.0.2" in h.addresses(),
                   "the healthy backend plus one kept")
        assert all(len(a) == 2 for a in answers_while(h, HOLD_SECONDS))
    finally:
        h.stop()


def test_fail_open_off_keeps_the_last_plan_instead_of_all(workdir, three):
    h = run(workdir, three, control_policy="  policy: {fail_open: false}\n")
    try:
        wait_until(lambda: h.addresses() == sorted_ips(three), "all three published")
        for b in three:
            b.stop()
        h.wait_log(lambda e: e.get("msg", "").startswith("all backends unhealthy and fail-open "
                                                          "is off"), "the frozen alert")
        seen = answers_while(h, HOLD_SECONDS)
        assert () not in seen and len(seen) == 1, seen
        assert not h.events("all backends unhealthy, failing open")
    finally:
        h.stop()


def test_operator_commands_reject_unknown_endpoints_and_stores(workdir, three):
    h = run(workdir, three)
    try:
        wait_until(lambda: h.addresses() == sorted_ips(three), "all three published")
        unknown = ops(h, "plan", "diff", "nope.example.test", check=False)
        assert unknown.returncode == 2, unknown.stderr
        assert "HTTP 404 not_found: no configured endpoint named 'nope.example.test'" \
            in unknown.stderr, unknown.stderr
        history = ops(h, "history", "api.example.test.").stdout.splitlines()
        assert "enactor-" in history[1] and " 0 -> 1 " in history[1], history
    finally:
        h.stop()
    # Without a running server the API is not there (exit 3); --store-direct still reads the
    # store of the configuration, and says so when there is none where it looks.
    stopped = ops(h, "history", "api.example.test", check=False)
    assert stopped.returncode == 3 and "admin.json does not exist" in stopped.stderr
    direct = ops(h, "history", "api.example.test", "--store-direct", "--config", str(h.config))
    assert "generation 0 -> 1" in direct.stdout, direct.stdout
    elsewhere = subprocess.run([str(holdfast_bin()), "history", "api.example.test",
                                "--store-direct", "--config", str(h.config)], cwd="/",
                               capture_output=True, text=True, timeout=30)
    assert elsewhere.returncode == 2 and "no store at" in elsewhere.stderr, elsewhere.stderr


def test_store_direct_pause_is_seen_by_the_running_server(workdir, three):
    h = run(workdir, three)
    try:
        wait_until(lambda: h.addresses() == sorted_ips(three), "all three published")
        ops(h, "pause", "--store-direct", "--config", str(h.config), "--reason", "offline ops")
        status = json.loads(ops(h, "status", "--json").stdout)
        assert status["paused"] is True
        record = status["endpoints"][0]["pause"]["global"]
        assert record["reason"] == "offline ops" and record["by"].startswith("operator:")
        assert "resumed every endpoint" in ops(h, "resume").stdout
        assert json.loads(ops(h, "status", "--json").stdout)["paused"] is False
    finally:
        h.stop()
