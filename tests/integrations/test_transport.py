"""The webhook transport: kept-open connections reused, a receiver's closed one replaced, no
redirect followed, only 2xx delivered. Against a real HTTP/1.1 server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kuaiban.integrations.errors import DeliveryFailed
from kuaiban.integrations.transport import post_json


@dataclass
class Server:
    url: str
    connections: int = 0
    keys: list[str] = field(default_factory=list)
    script: list[str] = field(default_factory=list)  # ok | drop | redirect | long


@pytest.fixture
def server() -> Iterator[Server]:
    state: dict[str, Server] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            state["server"].connections += 1

        def do_POST(self) -> None:
            me = state["server"]
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            me.keys.append(self.headers.get("Idempotency-Key", ""))
            step = me.script.pop(0) if me.script else "ok"
            status, body = {"redirect": (302, b""), "long": (200, b"x" * 5000)}.get(
                step, (200, b"")
            )
            self.send_response(status)
            if step == "redirect":
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            # "drop": answered as if the connection stayed open, then closed by the server
            self.close_connection = step == "drop"

        def log_message(self, format: str, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    http.daemon_threads = True
    state["server"] = Server(url=f"http://127.0.0.1:{http.server_address[1]}/hook?x=1")
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state["server"]
    http.shutdown()
    http.server_close()


def _post(server: Server, key: str, timeout: float = 5) -> int:
    return post_json(url=server.url, body=b"{}", headers={"Idempotency-Key": key}, timeout=timeout)


def test_one_connection_carries_many_deliveries(server):
    assert [_post(server, f"k{n}") for n in range(5)] == [200] * 5
    assert server.connections == 1
    assert server.keys == ["k0", "k1", "k2", "k3", "k4"]


def test_a_connection_the_receiver_closed_is_replaced_and_the_request_sent_once_more(server):
    server.script = ["drop"]
    assert _post(server, "first") == 200
    assert _post(server, "second") == 200  # the kept connection was closed meanwhile
    assert server.connections == 2
    assert server.keys == ["first", "second"]


def test_a_redirect_is_not_followed(server):
    server.script = ["redirect"]
    with pytest.raises(DeliveryFailed, match="HTTP 302"):
        _post(server, "moved")
    assert server.keys == ["moved"]


def test_a_long_answer_is_not_read_to_its_end_and_its_connection_not_reused(server):
    server.script = ["long"]
    assert _post(server, "a") == 200
    assert _post(server, "b") == 200
    assert server.connections == 2


def test_each_thread_keeps_its_own_connection(server):
    statuses: list[int] = []
    threads = [
        threading.Thread(
            target=lambda n=n: statuses.extend(_post(server, f"t{n}:{i}") for i in range(3))
        )
        for n in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [200] * 9 and server.connections == 3


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "http:///nohost", "http://127.0.0.1:99999/"])
def test_an_unusable_address_is_a_failure_not_a_crash(url):
    with pytest.raises(DeliveryFailed):
        post_json(url=url, body=b"{}", headers={}, timeout=1)
