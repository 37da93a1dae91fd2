"""What Django itself logs is masked too: runserver's access log and "Not Found" warnings.

A personal rating link works for whoever holds its signature, so no log line may carry it. The
requests go through Django's development server on a real socket, and the lines are read from
the handlers the settings configure, with DEBUG on (Django's own console handler printed
``django.*`` records unmasked then) and off.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from kuaiban.ratings.links import visit_link_token
from kuaiban.ratings.models import WindowVisit

# A visit of 2020: its link is long expired, so the page answers without reading the database.
OLD_VISIT = WindowVisit(pk=42, visited_at=dt.datetime(2020, 1, 6, 9, 0, tzinfo=dt.UTC))


def _handlers(name: str) -> list[logging.StreamHandler[io.StringIO]]:
    """Every stream handler of the settings that a record of logger ``name`` reaches (pytest's
    own capturing handlers aside)."""
    found: list[logging.StreamHandler[io.StringIO]] = []
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        found += [
            handler
            for handler in logger.handlers
            if isinstance(handler, logging.StreamHandler)
            and not type(handler).__module__.startswith("_pytest")
        ]
        logger = logger.parent if logger.propagate else None
    return found


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the configured handlers of Django's loggers write, in one buffer."""
    buffer = io.StringIO()
    handlers = {*_handlers("django.server"), *_handlers("django.request")}
    previous = {handler: handler.setStream(buffer) for handler in handlers}
    try:
        yield buffer
    finally:
        for handler, stream in previous.items():
            handler.setStream(stream)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    httpd.set_app(WSGIHandler())
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _lines(buffer: io.StringIO, *, access_lines: int) -> str:
    """The output, once the server has logged its requests (it does after answering)."""
    deadline = time.monotonic() + 10
    while buffer.getvalue().count('"GET ') < access_lines and time.monotonic() < deadline:
        time.sleep(0.02)
    return buffer.getvalue()


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("encoded", [False, True], ids=["plain", "percent-encoded"])
def test_a_signed_link_is_logged_without_its_signature(
    debug: bool, encoded: bool, settings, server: str, log_output: io.StringIO
) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = debug
    token = visit_link_token(OLD_VISIT)
    kept, signature = token.rsplit(":", 1)
    expired = "/ratings/visit/" + (token.replace(":", "%3A") if encoded else token) + "/"
    tampered = expired.replace(signature, signature[::-1])
    assert _get(server + expired) == 410
    assert _get(server + tampered) == 404
    lines = _lines(log_output, access_lines=2)
    assert signature not in lines and signature[::-1] not in lines
    assert f"{kept.split(':')[0]}" in lines  # the link is still recognisable
    # The access log of both requests and Django's warnings ("Gone", "Not Found") were there.
    assert lines.count('"GET /ratings/visit/') == 2, lines
    assert "Not Found: /ratings/visit/" in lines and "Gone: /ratings/visit/" in lines


def test_django_keeps_no_handler_of_its_own() -> None:
    # Django's default console handler (DEBUG only) and mail handler print records unmasked.
    assert logging.getLogger("django").handlers == []
    for handler in _handlers("django.server") + _handlers("django.request"):
        assert any(type(f).__name__ == "MaskPersonalDataFilter" for f in handler.filters)
