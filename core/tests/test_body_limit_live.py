"""Over real HTTP to uvicorn (the product's ASGI path): a body over MAX_REQUEST_BODY_BYTES is refused while it
streams in, with or without a Content-Length, before the server has read it all."""

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER_TIMEOUT = 15  # the server must answer while the client is still sending (or has not sent at all)


def open_request(server_url: str, path: str, headers: dict) -> socket.socket:
    url = urlsplit(server_url)
    sock = socket.create_connection((url.hostname, url.port), timeout=ANSWER_TIMEOUT)
    lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def send_chunk(sock: socket.socket, data: bytes) -> None:
    sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")


def read_answer(sock: socket.socket) -> tuple[int, dict, dict]:
    """Status, headers and JSON body of the answer; fails (timeout) if the server waits for the rest."""
    answer = http.client.HTTPResponse(sock)
    answer.begin()
    headers = {name.lower(): value for name, value in answer.getheaders()}
    return answer.status, headers, json.loads(answer.read())


def assert_refused(status: int, headers: dict, body: dict) -> None:
    assert status == 413, body
    assert body["error"] == "payload_too_large"
    assert str(settings.MAX_REQUEST_BODY_BYTES) in body["detail"]["body"]
    assert body["request_id"] == headers["x-request-id"]
    assert "content-security-policy" in headers


def test_a_chunked_body_over_the_limit_is_refused_before_it_ends(asgi_server, make_api_key, project):
    key = make_api_key(project, scope="write")
    sock = open_request(asgi_server.url, "/api/lightrag/query", {
        "Authorization": f"Bearer {key}", "Content-Type": "application/json", "Transfer-Encoding": "chunked",
    })  # fmt: skip
    with sock:
        piece = b"x" * 64 * 1024
        for _ in range(settings.MAX_REQUEST_BODY_BYTES // len(piece) + 2):
            send_chunk(sock, piece)
        # The body never ends: a server that reads it all before deciding would never answer.
        assert_refused(*read_answer(sock))


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(asgi_server, make_api_key, project):
    key = make_api_key(project, scope="write")
    sock = open_request(asgi_server.url, "/api/lightrag/query", {
        "Authorization": f"Bearer {key}", "Content-Type": "application/json", "Content-Length": 10**9,
    })  # fmt: skip
    with sock:
        assert_refused(*read_answer(sock))


def test_a_chunked_body_within_the_limit_reaches_the_view(asgi_server, make_api_key, project):
    key = make_api_key(project, scope="write")
    body = json.dumps({"query": "", "top_k": 5}).encode()
    sock = open_request(asgi_server.url, "/api/lightrag/query", {
        "Authorization": f"Bearer {key}", "Content-Type": "application/json", "Transfer-Encoding": "chunked",
    })  # fmt: skip
    with sock:
        send_chunk(sock, body[:10])
        send_chunk(sock, body[10:])
        sock.sendall(b"0\r\n\r\n")
        status, _, answer = read_answer(sock)
    # The view parsed the streamed JSON and named the empty field: the body arrived whole.
    assert status == 400, answer
    assert answer["error"] == "invalid_input"
    assert "query" in answer["detail"]
