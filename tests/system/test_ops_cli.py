"""The operator CLI through the admin API: pause, resume, plan show|diff, apply and history run
with no flags from the quick-start directory layout (holdfast-data/ beside the configuration),
in table and --json form."""
import json
import os
import subprocess

import pytest

from conftest import Holdfast, holdfast_bin, make_config, wait_until

NAME = "api.example.test."
WHO = "operator:tester"
# With three published, 34% allows one removal per publish; more is held for an operator.
HOLD_POLICY = "    policy: {max_remove: 34%, over_budget: hold}\n"


def cli(workdir, *args):
    env = dict(os.environ, USER="tester")
    return subprocess.run([str(holdfast_bin()), *args], cwd=workdir, capture_output=True,
                          text=True, timeout=30, env=env)


def ok(workdir, *args):
    done = cli(workdir, *args)
    assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def as_json(workdir, *args):
    return json.loads(ok(workdir, *args, "--json").stdout)


@pytest.fixture
def up(workdir, backends):
    h = Holdfast(workdir, make_config(backends, 0, data_dir="holdfast-data") + HOLD_POLICY)
    h.start()
    wait_until(lambda: h.addresses() == [b.address for b in backends], "all three published")
    yield h
    h.stop()


def test_pause_shows_in_status_with_who_and_reason_until_resume(up, workdir):
    paused = ok(workdir, "pause", "--reason", "maintenance 12")
    assert paused.stdout == (f"paused every endpoint by {WHO}: nothing is published until "
                             "`holdfast resume`\n")
    table = ok(workdir, "status").stdout
    assert "(PAUSED)" in table and " paused " in table, table
    assert f"  {NAME} paused (everything) by {WHO} at " in table, table
    assert table.split(f"paused (everything) by {WHO} at ")[1].split("\n")[0].endswith(
        ": maintenance 12"), table
    status = as_json(workdir, "status")
    assert status["paused"] is True
    record = status["endpoints"][0]["pause"]["global"]
    assert (record["by"], record["reason"]) == (WHO, "maintenance 12")

    one = as_json(workdir, "pause", "api.example.test", "--reason", "hands off")
    assert (one["paused"], one["by"], one["reason"]) == (NAME, WHO, "hands off")
    resumed = ok(workdir, "resume", "api.example.test")
    assert resumed.stdout == (f"resumed {NAME}\nnote: every endpoint is still paused "
                              "(`holdfast resume` with no endpoint lifts it)\n")
    assert ok(workdir, "resume").stdout == "resumed every endpoint\n"
    assert as_json(workdir, "resume") == {"resumed": "all", "lifted": False}
    assert ok(workdir, "resume").stdout == "was not paused: every endpoint\n"
    assert as_json(workdir, "status")["paused"] is False


def test_plan_show_and_diff_print_the_plan_addresses(up, workdir, backends):
    addresses = [b.address for b in backends]
    generation = as_json(workdir, "status")["endpoints"][0]["generation"]
    header, *rows = ok(workdir, "plan", "show", "api.example.test").stdout.splitlines()
    assert header.split() == ["GEN", "VALID", "TTL", "BY", "ADDRESSES", "REASON"]
    newest = rows[0].split(None, 4)
    assert newest[:4] == [str(generation), "yes", "5", "planner"], rows
    assert newest[4].startswith(", ".join(addresses) + "  "), rows

    one = ok(workdir, "plan", "show", "api.example.test", str(generation)).stdout.splitlines()
    assert len(one) == 2 and one[1].split() == rows[0].split(), one
    plan = as_json(workdir, "plan", "show", "api.example.test", str(generation))
    assert (plan["generation"], plan["addresses"], plan["valid"]) == (generation, addresses, True)
    plans = as_json(workdir, "plan", "show", "api.example.test")
    assert plans["endpoint"] == NAME and plans["plans"][0]["addresses"] == addresses

    diff = ok(workdir, "plan", "diff", "api.example.test").stdout
    assert f"published  generation {generation}: 3 address(es) [{' '.join(addresses)}]" in diff
    assert "verdict    up to date" in diff, diff
    review = as_json(workdir, "plan", "diff", "api.example.test")
    assert (review["verdict"], review["plan_addresses"]) == ("up to date", addresses)

    missing = cli(workdir, "plan", "show", "api.example.test", "999999")
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr, missing.stderr


def test_apply_approves_a_held_plan_and_history_names_the_operator(up, workdir, backends):
    before = as_json(workdir, "status")["endpoints"][0]["generation"]
    # Paused, both failures reach one plan, so it removes two at once: over the budget of one.
    ok(workdir, "pause", "--reason", "take two down")
    backends[1].stop()
    backends[2].stop()
    wait_until(lambda: len(as_json(workdir, "plan", "diff", "api.example.test")["removed"]) == 2,
               "a plan that removes two of three")
    ok(workdir, "resume")
    wait_until(lambda: as_json(workdir, "plan", "diff", "api.example.test")["verdict"] == "held",
               "that plan held")
    review = as_json(workdir, "plan", "diff", "api.example.test")
    held = review["plan_generation"]
    assert review["removed"] == [backends[1].address, backends[2].address]

    dry = ok(workdir, "apply", "api.example.test", "--dry-run", "--approve")
    assert "verdict    publish" in dry.stdout and "dry run    nothing was written" in dry.stdout
    assert as_json(workdir, "apply", "api.example.test", "--dry-run")["verdict"] == "held"
    refused = cli(workdir, "apply", "api.example.test")
    assert refused.returncode == 1 and "HTTP 409 held:" in refused.stderr, refused.stderr
    stale = cli(workdir, "apply", "api.example.test", "--approve", "--generation", str(before))
    assert stale.returncode == 1 and "HTTP 409 stale_generation" in stale.stderr, stale.stderr
    assert as_json(workdir, "status")["endpoints"][0]["generation"] == before
    assert len(up.addresses()) == 3

    applied = ok(workdir, "apply", "api.example.test", "--approve", "--reason", "drill 42",
                 "--generation", str(held))
    assert applied.stdout == (f"published generation {held} of {NAME} (-{backends[1].address} "
                              f"-{backends[2].address}) by {WHO}, approved over the change "
                              "budget\n")
    assert applied.stderr == "", "no progress line when stderr is not a terminal"
    # Published in the store when apply returns; the server's snapshot follows its watch.
    wait_until(lambda: up.addresses() == [backends[0].address], "the approved plan served")
    again = cli(workdir, "apply", "api.example.test", "--approve")
    assert again.returncode == 1 and "nothing_to_apply" in again.stderr, again.stderr

    header, *rows = ok(workdir, "history", "api.example.test").stdout.splitlines()
    assert header.split() == ["WHEN", "SERIAL", "BY", "GENERATION", "CHANGE", "WHY"]
    assert f"  {WHO}  " in rows[-1] and f"  {before} -> {held}  " in rows[-1], rows
    assert rows[-1].endswith(f"approved by {WHO}: drill 42"), rows
    entries = as_json(workdir, "history", "api.example.test")["entries"]
    assert (entries[-1]["by"], entries[-1]["new_generation"]) == (WHO, held)
    assert entries[-1]["removed"] == [backends[1].address, backends[2].address]
    assert len(ok(workdir, "history", "api.example.test", "--limit", "1").stdout
               .splitlines()) == 2
    every = as_json(workdir, "history")["histories"]
    assert [h["endpoint"] for h in every] == [NAME] and every[0]["entries"] == entries


def test_exit_codes_for_unknown_names_and_no_server(workdir):
    for args in (["plan", "show", "api.example.test"], ["history"], ["pause"],
                 ["apply", "api.example.test", "--dry-run"]):
        done = cli(workdir, *args)
        assert done.returncode == 3 and "no running holdfast up found" in done.stderr, args
    assert cli(workdir, "apply").returncode == 2
    assert cli(workdir, "plan", "show", "api.example.test", "0").returncode == 2


def test_unknown_endpoint_is_a_usage_error(up, workdir):
    for args in (["plan", "diff", "nope.test"], ["apply", "nope.test", "--approve"],
                 ["pause", "nope.test"], ["history", "nope.test"]):
        done = cli(workdir, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert "HTTP 404 not_found: no configured endpoint named 'nope.test'" in done.stderr
    assert as_json(workdir, "status")["paused"] is False
