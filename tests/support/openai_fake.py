"""A local OpenAI-compatible server for tests (real HTTP, driven by the real `openai` client), and fixtures.

`FakeOpenAI` answers `POST /v1/embeddings` (float or base64, any `dimensions`; vectors come from the offline
embedder, so similar texts stay similar) and `POST /v1/chat/completions` (a reply built by `chat_reply`,
by default one that cites the first evidence id it sees). Faults are queued per path: status, headers,
how many times. Every request is recorded.
"""

import base64
import json
import re
import threading
from array import array
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rag.chunking.tokens import token_count
from rag.providers.offline import embed_text

POISON = "POISON-INPUT"  # an embedding input containing this is refused with 400 (one bad record in a batch)


@dataclass
class Fault:
    path: str
    status: int
    times: int
    headers: dict = field(default_factory=dict)
    message: str = "injected failure"


def default_chat_reply(body: dict) -> str:
    """Cite the first evidence id of the prompt, plus one uncited sentence and one unknown id."""
    prompt = body["messages"][-1]["content"]
    ids = re.findall(r"^\[(E\d+)\]", prompt, flags=re.MULTILINE)
    first = ids[0] if ids else "E1"
    return f"The evidence answers this directly [{first}]. This sentence cites nothing. Made up [E99]."


class FakeOpenAI:
    """See the module docstring."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.faults: deque[Fault] = deque()
        self.chat_reply = default_chat_reply
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.faults.clear()
        self.chat_reply = default_chat_reply

    def fail(self, *, status: int, times: int = 1, path: str = "/v1/embeddings", headers=None, message="") -> None:
        """Answer the next `times` requests to `path` with `status` (5xx/429 carry a short retry hint)."""
        hint = {"retry-after-ms": "10"} if status == 429 or status >= 500 else {}
        fault = Fault(path, status, times, {**hint, **(headers or {})}, message or f"injected {status}")
        with self.lock:
            self.faults.append(fault)

    def calls(self, path: str = "/v1/embeddings") -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    # ------------------------------------------------------------ serving

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path == path and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def respond(self, path: str, body: dict) -> tuple[int, dict, dict]:
        with self.lock:
            self.requests.append({"path": path, "body": body})
        fault = self._take_fault(path)
        if fault is not None:
            return fault.status, fault.headers, {"error": {"message": fault.message, "type": "server_error"}}
        if path == "/v1/embeddings":
            return self._embeddings(body)
        if path == "/v1/chat/completions":
            return 200, {}, self._chat(body)
        return 404, {}, {"error": {"message": f"no route {path}", "type": "invalid_request_error"}}

    def _embeddings(self, body: dict) -> tuple[int, dict, dict]:
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        if any(POISON in text for text in inputs):
            return 400, {}, {"error": {"message": "input rejected", "type": "invalid_request_error"}}
        dimensions = int(body.get("dimensions") or 1536)
        data = []
        for index, text in enumerate(inputs):
            vector = embed_text(text, dimensions)
            if body.get("encoding_format") == "base64":
                encoded = base64.b64encode(array("f", vector).tobytes()).decode()
                data.append({"object": "embedding", "index": index, "embedding": encoded})
            else:
                data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(token_count(text) for text in inputs)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return 200, {}, {"object": "list", "data": data, "model": body.get("model"), "usage": usage}

    def _chat(self, body: dict) -> dict:
        content = self.chat_reply(body)
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status, headers, payload = fake.respond(self.path, body)
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture(scope="session")
def fake_openai_server():
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def fake_openai(fake_openai_server, settings):
    """The fake server, reset, with settings pointing the embedding provider and the chat model at it."""
    fake_openai_server.reset()
    settings.EMBEDDING_PROVIDER = "openai"
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_BASE_URL = fake_openai_server.url
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_MAX_RETRIES = 2
    yield fake_openai_server
    fake_openai_server.reset()


@pytest.fixture
def offline(settings):
    """The offline embedder and extractive answers, whatever the environment says."""
    settings.EMBEDDING_PROVIDER = "offline"
    settings.LLM_PROVIDER = "extractive"
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
