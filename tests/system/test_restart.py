"""After SIGKILL, a restarted server answers the last published records at once."""
from conftest import Holdfast, make_config, wait_until


def test_sigkill_then_restart_serves_last_published_at_once(workdir, backends):
    h = Holdfast(workdir, make_config(backends, 0)).start()
    try:
        wait_until(lambda: h.addresses() == ["127.0.0.2", "127.0.0.3", "127.0.0.4"], "published")
        backends[2].stop()
        wait_until(lambda: h.addresses() == ["127.0.0.2", "127.0.0.3"], "127.0.0.4 removed")
        last = max(e["plan.generation"] for e in h.events("plan applied"))
    finally:
        h.kill()

    # Same data directory; backend 4 is still down, so the published set must not change.
    again = Holdfast(workdir, make_config(backends, 0)).start()
    try:
        assert again.addresses() == ["127.0.0.2", "127.0.0.3"]
        loaded = again.wait_log(lambda e: e.get("msg") == "snapshot published")
        assert loaded["store.revision"] > 0
        again.wait_log(lambda e: e.get("msg") == "backend health changed"
                       and e.get("backend.address") == "127.0.0.4")
        for e in again.events("plan applied"):
            assert e["plan.generation"] > last
    finally:
        again.stop()
