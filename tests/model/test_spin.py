"""Runs model/check.sh (spin on the protocol models) once and checks each run's outcome.

holdfast must verify with no error and a complete search (safety at two bounds, liveness under
weak fairness); the naive 2025 protocol must fail, once on any property and once on S1 alone,
the endpoint served empty.
"""
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECK = ROOT / "model" / "check.sh"

# check.sh prints one of these per run:
#   check: NAME expect=pass|fail errors=N states=N time=Ns result=PASS|FAIL
LINE = re.compile(
    r"^check: (?P<name>[\w-]+) expect=(?P<expect>\w+) errors=(?P<errors>\S+) "
    r"states=(?P<states>\S+) time=(?P<time>\S+)s result=(?P<result>\w+)$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def check():
    # Well above the ~1 minute check.sh needs, so that a hang fails instead of blocking CI.
    proc = subprocess.run(
        ["bash", str(CHECK)], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    runs = {m["name"]: m.groupdict() for m in LINE.finditer(proc.stdout)}
    return proc, runs


def test_check_script_succeeds(check):
    proc, _ = check
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "name", ["holdfast-safety-1", "holdfast-safety-2", "holdfast-liveness"]
)
def test_holdfast_verifies(check, name):
    proc, runs = check
    assert name in runs, proc.stdout + proc.stderr
    run = runs[name]
    assert run["expect"] == "pass"
    assert run["errors"] == "0", proc.stdout
    assert int(run["states"]) > 100_000, "suspiciously small state space: " + proc.stdout
    assert run["result"] == "PASS", proc.stdout


@pytest.mark.parametrize("name", ["naive-any", "naive-empty"])
def test_naive_fails(check, name):
    proc, runs = check
    assert name in runs, proc.stdout + proc.stderr
    run = runs[name]
    assert run["expect"] == "fail"
    assert run["errors"].isdigit() and int(run["errors"]) >= 1, proc.stdout
    assert run["result"] == "PASS", proc.stdout


def test_naive_counterexample_is_the_empty_endpoint(check):
    proc, _ = check
    section = proc.stdout.split("== naive-empty:", 1)[-1]
    assert "clean-up (pid" in section and "deletes plan" in section, proc.stdout
    assert "S1: a published endpoint is never served empty" in section, proc.stdout
