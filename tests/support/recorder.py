"""A tiny local HTTP server for tests that records every request (method, raw path, headers) and answers with
what a test says: JSON 200 by default, or a redirect. Real HTTP, for checking what the product sends."""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


class RecordingServer:
    """See the module docstring. `answer(path) -> Answer` decides each response."""

    def __init__(self, answer: Callable[[str], Answer] | None = None) -> None:
        self.requests: list[dict] = []
        self.answer = answer or (lambda path: Answer())
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                recorder.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers)})
                answer = recorder.answer(self.path)
                body = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _serve

        return Handler


@pytest.fixture
def recording_server():
    """A factory of recording servers (`recording_server(answer=None)`), all stopped after the test."""
    servers: list[RecordingServer] = []

    def make(answer: Callable[[str], Answer] | None = None) -> RecordingServer:
        servers.append(RecordingServer(answer))
        return servers[-1]

    yield make
    for server in servers:
        server.stop()
