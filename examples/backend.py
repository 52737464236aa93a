#!/usr/bin/python3
"""A tiny HTTP backend for the quick start and the system tests.

Answers 200 on /health (and on /), 404 elsewhere. Listens on ADDRESS:PORT given on the
command line; loopback only. Stop it with SIGTERM or SIGINT.
"""
import http.server
import ipaddress
import signal
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path in ("/", "/health") else 404
        body = b"ok\n" if code == 200 else b"not found\n"
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: backend.py ADDRESS PORT")
    address, port = sys.argv[1], int(sys.argv[2])
    if not ipaddress.ip_address(address).is_loopback:
        sys.exit("backend.py: refusing to listen on a non-loopback address")
    server = http.server.ThreadingHTTPServer((address, port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
