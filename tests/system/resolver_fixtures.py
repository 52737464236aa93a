"""Fixtures shared by the resolver system tests (tests/system/test_resolver_*.py)."""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "resolver"))

from fake_upstream import FakeUpstream  # noqa: E402
from harness import Resolver, resolver_yaml  # noqa: E402


@pytest.fixture
def upstreams():
    """Starts fake upstreams on 127.0.0.2, .3, ... on demand; stops them all at the end."""
    started = []

    def make(count=1):
        made = []
        for _ in range(count):
            up = FakeUpstream(f"127.0.0.{2 + len(started)}").start()
            started.append(up)
            made.append(up)
        return made

    yield make
    for up in started:
        up.stop()


@pytest.fixture
def resolver(tmp_path):
    """Starts `holdfast resolver` with a given resolver: YAML; stops it by PID at the end."""
    running = []

    def make(upstream_list, extra=""):
        r = Resolver(tmp_path, resolver_yaml([u.endpoint for u in upstream_list], extra)).start()
        running.append(r)
        return r

    yield make
    for r in running:
        # A clean exit: sanitizer reports and crashes at shutdown fail the test.
        assert r.stop() == 0, "".join(r.raw[-20:])
