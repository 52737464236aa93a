"""The dashboard in headless Chromium: endpoints, backends and generations are shown.

Chromium (Debian's `chromium`, scripts/install-deps) is started with --headless --no-sandbox
inside the test's network namespace, so it can reach nothing but loopback. The screenshot is
saved to tests/system/artifacts/dashboard.png and its path printed.
"""
import pathlib
import shutil
import subprocess

import pytest

from admin_client import start_with_admin
from conftest import wait_until

ARTIFACTS = pathlib.Path(__file__).resolve().parent / "artifacts"
NAME = "api.example.test."


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(profile, *args):
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               "--virtual-time-budget=8000", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=120)


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (scripts/install-deps)")
def test_dashboard_shows_endpoints_backends_and_generations(workdir, backends, tmp_path):
    h, admin = start_with_admin(workdir, backends)
    try:
        wait_until(lambda: len(h.addresses()) == 3, "three addresses served")
        # A second publish, so that the timeline has more than one generation.
        backends[2].stop()
        wait_until(lambda: backends[2].address not in h.addresses(), "a backend removed")
        status = admin.get("/api/v1/status")
        generation = status["endpoints"][0]["generation"]
        assert generation >= 2
        history = admin.get(f"/api/v1/endpoints/{NAME}/history")["entries"]

        url = f"http://{admin.address}/#token={admin.token}"
        dom = run_chromium(tmp_path / "profile-dom", "--dump-dom", url)
        assert dom.returncode == 0, dom.stderr[-2000:]
        page = dom.stdout
        assert f'data-endpoint="{NAME}"' in page, page[-3000:]
        assert f"generation {generation}" in page
        for b in backends:
            assert f'data-backend="{b.address}"' in page
        assert "unhealthy" in page  # the stopped backend
        chain = " → ".join(str(e["new_generation"]) for e in history[-30:])
        assert f"generations: {chain}" in page
        assert "enactor-" in page
        assert "backend_unhealthy" in page  # an active alert
        assert '<div id="error"></div>' in page

        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "dashboard.png"
        if shot.exists():
            shot.unlink()
        taken = run_chromium(tmp_path / "profile-shot", "--window-size=1280,1000",
                             f"--screenshot={shot}", url)
        assert taken.returncode == 0, taken.stderr[-2000:]
        assert shot.exists() and shot.stat().st_size > 10000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        print(f"dashboard screenshot: {shot}")
    finally:
        h.stop()


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (scripts/install-deps)")
def test_dashboard_without_a_token_asks_for_one(workdir, backends, tmp_path):
    h, admin = start_with_admin(workdir, backends)
    try:
        dom = run_chromium(tmp_path / "profile", "--dump-dom", f"http://{admin.address}/")
        assert dom.returncode == 0, dom.stderr[-2000:]
        assert '<div id="error">token refused</div>' in dom.stdout
        assert 'id="login" style="display: block;"' in dom.stdout
        assert NAME not in dom.stdout
    finally:
        h.stop()
