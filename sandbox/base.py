"""HTTP plumbing shared by the three fake services: server, handler, routing, JSON, faults, request log.

Each service is a `ServiceApp` (routes + product-specific error bodies) served by its own
`ThreadingHTTPServer`. Every request goes: control endpoint (`/_sandbox/…`) or fault check → route →
response; product requests (not control ones) are appended to the hub's request log.
"""

import email.utils
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)
PROXY_PAGE = b"<html><head><title>{status}</title></head><body><h1>{status}</h1>upstream error</body></html>"


@dataclass
class Request:
    method: str
    path: str
    query: dict  # name -> list of values
    headers: dict  # lower-case name -> value
    raw: bytes
    json: object = None
    bad_json: bool = False
    tenant: object = None  # set by the service once the credentials are checked

    def arg(self, name: str, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name: str, default: int | None = None) -> int | None:
        try:
            return int(self.arg(name))
        except (TypeError, ValueError):
            return default


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict = field(default_factory=dict)
    close: bool = False  # drop the connection without answering (the `disconnect` fault)


def json_response(status: int, payload, headers: dict | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, headers=dict(headers or {}))


def text_response(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Response:
    return Response(status, text.encode(), content_type=content_type)


def proxy_error(status: int) -> Response:
    """What a load balancer in front of the product answers for 502/503/504: an HTML page."""
    return Response(status, PROXY_PAGE.replace(b"{status}", str(status).encode()), "text/html; charset=utf-8")


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


class ServiceApp:
    """One fake product. Subclasses set `name` and `routes` and implement the error bodies."""

    name = ""
    routes: list[tuple[str, str, str]] = []  # (method, path regex, handler method name)

    def __init__(self, hub) -> None:
        self.hub = hub
        self._compiled = [(m, re.compile(p + r"\Z"), h) for m, p, h in self.routes]

    def dispatch(self, request: Request) -> Response:
        for method, pattern, handler in self._compiled:
            match = pattern.match(request.path)
            if match and method == request.method:
                return getattr(self, handler)(request, *match.groups())
        return self.not_found(request)

    def operation(self, request: Request) -> str | None:
        """The text fault rules' `operation` is matched against (GraphQL query text on Linear)."""
        return None

    def finish(self, request: Request, response: Response) -> Response:
        """Last touch on every answer (Linear adds its rate-limit headers here)."""
        return response

    # Product-specific answers; the faults use them too.
    def not_found(self, request: Request) -> Response:
        raise NotImplementedError

    def unauthorized(self, request: Request) -> Response:
        raise NotImplementedError

    def error(self, request: Request, status: int) -> Response:
        raise NotImplementedError

    def rate_limited(self, request: Request, rule) -> Response:
        raise NotImplementedError

    def retry_after_headers(self, rule) -> dict:
        if rule.retry_after == "http-date":
            return {"Retry-After": http_date(rule.retry_after_seconds)}
        if rule.retry_after is not None:
            return {"Retry-After": str(rule.retry_after)}
        return {}

    def apply_fault(self, request: Request, rule) -> Response:
        if rule.kind == "slow":
            time.sleep(rule.delay_ms / 1000)
            return self.dispatch(request)
        if rule.kind == "malformed":
            normal = self.dispatch(request)
            cut = normal.body[: max(1, len(normal.body) // 2)] or b"{"
            return Response(200, cut.rstrip(b"}]") + b',"', normal.content_type, normal.headers)
        if rule.kind == "unauthorized":
            return self.unauthorized(request)
        if rule.kind == "rate_limit":
            return self.rate_limited(request, rule)
        if rule.kind == "disconnect":
            return Response(0, close=True)
        if rule.status in (502, 503, 504):
            return proxy_error(rule.status)
        return self.error(request, rule.status)


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app: ServiceApp) -> None:
        self.app = app
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections, as with the real APIs
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms delayed-ACK stalls
    server: SandboxHTTPServer

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format, *args) -> None:
        """Quiet: the hub keeps its own request log."""

    def _handle(self) -> None:
        request = self._read()
        app = self.server.app
        if request.path.startswith("/_sandbox/"):
            from sandbox.control import control

            self._write(control(app, request))
            return
        started = time.time()
        rule = app.hub.faults.match(app.name, request.method, request.path, app.operation(request))
        try:
            response = app.apply_fault(request, rule) if rule else app.dispatch(request)
        except Exception as exc:  # a sandbox bug must still answer, and be visible
            log.exception("sandbox %s failed on %s %s", app.name, request.method, request.path)
            response = json_response(500, {"error": f"sandbox error: {type(exc).__name__}: {exc}"})
        if not response.close:
            response = app.finish(request, response)
        app.hub.log_request(app.name, request, response.status, started, rule.id if rule else None)
        self._write(response)

    def _read(self) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            raw=raw,
        )
        if raw:
            try:
                request.json = json.loads(raw)
            except ValueError:
                request.bad_json = True
        return request

    def _write(self, response: Response) -> None:
        if response.close:
            self.close_connection = True
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


def serve(app: ServiceApp, host: str, port: int) -> tuple[SandboxHTTPServer, threading.Thread]:
    """Start `app` on (host, port) in a daemon thread."""
    server = SandboxHTTPServer((host, port), app)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"sandbox-{app.name}", daemon=True
    )
    thread.start()
    return server, thread


def query_dict(query: dict) -> dict:
    """Query string for the request log: single values as strings, repeated ones as lists."""
    return {k: v[0] if len(v) == 1 else v for k, v in query.items()}
