"""A fake provincial data-sharing platform: a real HTTP server on 127.0.0.1, in a thread.

The ``platform`` fixture serves any test package (registered in ``tests/conftest.py``): the
connector tests, and the services that read shared data through the HTTP connector."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class FakePlatform:
    url: str
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, path: str, status: int, body: object = None, **headers: str) -> None:
        """Serve ``body`` (JSON unless bytes) with ``status`` at ``path``."""
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()

        def handler(request: BaseHTTPRequestHandler) -> None:
            send(request, status, data, **headers)

        self.routes[path] = handler

    def person(self, id_number: str, values: dict[str, str], records: dict[str, str]) -> None:
        """A person found, as the contract gives it (``shareddata/README.md``): ``values`` by
        path, and one record per source (``records``: source → the platform's record id)."""
        body = {
            "values": {"person.id_number": id_number, **values},
            "records": [{"source": s, "record": r} for s, r in records.items()],
        }
        self.answer(f"/api/persons/{id_number}", 200, body)


def send(request: BaseHTTPRequestHandler, status: int, data: bytes, **headers: str) -> None:
    request.send_response(status)
    request.send_header("Content-Type", "application/json; charset=utf-8")
    request.send_header("Content-Length", str(len(data)))
    for name, value in headers.items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client gave up (timeout tests): expected, not worth a traceback


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    state: dict[str, FakePlatform] = {}

    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake = state["fake"]
            fake.requests.append((self.path, dict(self.headers.items())))
            handler = fake.routes.get(self.path)
            if handler is None:
                send(self, 404, b'{"error": "not found"}')
            else:
                handler(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = _Server(("127.0.0.1", 0), _Handler)
    fake = FakePlatform(url=f"http://127.0.0.1:{server.server_address[1]}/api")
    state["fake"] = fake
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()  # wake handlers that were told to hang
        server.shutdown()
        server.server_close()
        thread.join(5)
