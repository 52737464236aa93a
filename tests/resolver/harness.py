"""Starting `holdfast resolver` for black-box tests and talking to it.

Each Resolver runs the real binary in its own directory with its own configuration, listens on
loopback port 0 (the port is read from its log), and is stopped by PID.
"""
import json
import os
import pathlib
import signal
import subprocess
import threading
import time

import dns.flags
import dns.message
import dns.query
import dns.rdataclass
import dns.rdatatype

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BIN = ROOT / "build" / "release" / "src" / "cli" / "holdfast"

# Bound on any wait in the resolver tests; far above what a healthy run needs.
WAIT_LIMIT = 15.0


def holdfast_bin():
    return pathlib.Path(os.environ.get("HOLDFAST_BIN", DEFAULT_BIN))


def wait_until(predicate, what, limit=WAIT_LIMIT, step=0.02):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {limit}s waiting for {what}")


def resolver_yaml(upstreams, extra="", listen="127.0.0.1:0"):
    """A resolver: section with fast timers suited to tests; `extra` is more YAML under it."""
    items = ", ".join(f'"{u}"' for u in upstreams)
    return f"""log: {{level: debug, format: json}}
resolver:
  listen: ["{listen}"]
  threads: 2
  upstreams: [{items}]
  client_deadline: 2s
{extra}"""


class Resolver:
    def __init__(self, workdir, config_text):
        self.workdir = pathlib.Path(workdir)
        self.config = self.workdir / "resolver.yaml"
        self.config.write_text(config_text)
        self.proc = None
        self.lines = []
        self.raw = []
        self.lock = threading.Lock()
        self.port = None

    def start(self):
        self.proc = subprocess.Popen(
            [str(holdfast_bin()), "resolver", "--config", str(self.config)],
            cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        event = self.wait_log(lambda e: e.get("msg") == "resolver listening")
        self.port = int(event["listen.address"].rsplit(":", 1)[1])
        return self

    def _read(self):
        for line in self.proc.stderr:
            with self.lock:
                self.raw.append(line)
                try:
                    self.lines.append(json.loads(line))
                except json.JSONDecodeError:
                    pass

    def events(self, msg=None):
        with self.lock:
            return [e for e in self.lines if msg is None or e.get("msg") == msg]

    def wait_log(self, predicate, what="log line", limit=WAIT_LIMIT):
        def find():
            with self.lock:
                for e in self.lines:
                    if predicate(e):
                        return e
            if self.proc.poll() is not None:
                raise AssertionError(f"resolver exited {self.proc.returncode}: {''.join(self.raw)}")
            return None

        return wait_until(find, what, limit)

    def query(self, name, rdtype="A", tcp=False, edns=True, timeout=3.0, source="127.0.0.1"):
        q = dns.message.make_query(name, rdtype, use_edns=0 if edns else False)
        send = dns.query.tcp if tcp else dns.query.udp
        return send(q, "127.0.0.1", port=self.port, timeout=timeout, source=source)

    def stats(self):
        """The counters from the stats.holdfast. CH TXT query, as a dict of ints."""
        q = dns.message.make_query("stats.holdfast.", "TXT", rdclass=dns.rdataclass.CH)
        r = dns.query.tcp(q, "127.0.0.1", port=self.port, timeout=3.0)
        out = {}
        for rrset in r.answer:
            for rr in rrset:
                text = b"".join(rr.strings).decode()
                if "=" in text and not text.startswith("upstream "):
                    key, value = text.split("=", 1)
                    out[key] = int(value)
        return out

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None


def addresses(response):
    return sorted(rr.address for rrset in response.answer for rr in rrset
                  if rrset.rdtype == dns.rdatatype.A)


def ttls(response):
    return [rrset.ttl for rrset in response.answer]
