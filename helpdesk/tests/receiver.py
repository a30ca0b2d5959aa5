"""A real HTTP receiver for outbox tests: http.server in a thread on 127.0.0.1."""

import json
import os
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Each xdist worker takes its own ports, so a receiver one worker starts is never the "server
# down" another worker's test relies on. 18038-18040 stay unused by receivers: tests name them
# as addresses nothing listens on.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PORTS = {"gw0": range(18020, 18029), "gw1": range(18029, 18038)}.get(_WORKER, range(18020, 18038))


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every request; answers `status` with `answer` (a dict sent as JSON)."""

    port: int
    status: int = 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    received: list[Received] = field(default_factory=list)
    tls: ssl.SSLContext | None = None  # a server-side context: answer over HTTPS
    _server: ThreadingHTTPServer | None = None

    def url(self, path: str = "/hook", *, host: str = "127.0.0.1") -> str:
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}{path}"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                receiver.received.append(
                    Received(
                        path=parts.path,
                        query={k: v[0] for k, v in parse_qs(parts.query).items()},
                        headers=dict(self.headers.items()),
                        body=self.rfile.read(length),
                    )
                )
                payload = json.dumps(receiver.answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def is_free(port: int) -> bool:
    """Whether a Receiver could listen on `port` now.

    SO_REUSEADDR as the Receiver's server sets it (`allow_reuse_address`): a port whose last
    connection is still in TIME_WAIT (60 s after a receiver that answered stops) is free for
    it. Without it the probe counted such ports as taken, and after a suite had used the
    range, or while another worktree's suite was using it, every port looked taken and
    `free_port` raised.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port in this engineer's range that nothing listens on right now."""
    for port in PORTS:
        if is_free(port):
            return port
    raise RuntimeError(f"no free port in {PORTS}")
