"""A small client for the admin API of a `holdfast up` started by a test (loopback only)."""
import json
import pathlib
import urllib.error
import urllib.request

from conftest import Holdfast, make_config


def admin_config(backends, extra=""):
    return make_config(backends, 0) + 'admin: {listen: "127.0.0.1:0"}\n' + extra


class Admin:
    """The admin API of one Holdfast, found through the admin.json it writes."""

    def __init__(self, holdfast, data_dir="data"):
        event = holdfast.wait_log(lambda e: e.get("msg") == "admin listening",
                                  "admin listening")
        self.address = event["listen.address"]
        self.info = json.loads((pathlib.Path(holdfast.workdir) / data_dir / "admin.json")
                               .read_text())
        self.token = pathlib.Path(self.info["token_file"]).read_text().strip()

    def request(self, method, path, body=None, token="default", raw_body=None):
        token = self.token if token == "default" else token
        data = raw_body if raw_body is not None else (
            json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"http://{self.address}{path}", data=data, method=method)
        if token is not None:
            req.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers.get("Content-Type"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read().decode()

    def get(self, path, **kw):
        status, _, text = self.request("GET", path, **kw)
        assert status == 200, f"{path}: {status} {text}"
        return json.loads(text)


def start_with_admin(workdir, backends, extra=""):
    h = Holdfast(workdir, admin_config(backends, extra)).start()
    return h, Admin(h)
