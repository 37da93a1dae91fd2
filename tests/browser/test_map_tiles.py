"""The map with a tile server: a real HTTP server on loopback serves a PNG tile for every
z/x/y; the points page draws Leaflet over it under its Content-Security-Policy (the tiles' origin
allowed, nothing else), logs no console error, and every marker is reached by the keyboard and
leads to its entry in the list."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from PIL import Image

from kuaiban.servicepoints.services import servicepoints_load
from tests.browser_helpers import shot

pytestmark = pytest.mark.django_db(transaction=True)
DATA = Path(django_settings.KUAIBAN_PACKS_DIR) / "servicepoints"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (232, 238, 226)).save(out, format="PNG")
    return out.getvalue()


class TileServer(ThreadingHTTPServer):
    daemon_threads = True
    tile = _png()
    asked: list[str]


class _Tiles(BaseHTTPRequestHandler):
    server: TileServer

    def do_GET(self) -> None:
        parts = self.path.strip("/").removesuffix(".png").split("/")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            self.send_error(404)
            return
        self.server.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.server.tile)))
        self.end_headers()
        self.wfile.write(self.server.tile)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer(("127.0.0.1", 0), _Tiles)
    server.asked = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_map_loads_tiles_under_its_policy_and_markers_take_the_keyboard(
    live_server, desktop, tile_server, intake_world, settings
) -> None:  # type: ignore[no-untyped-def]
    for path in sorted(DATA.glob("*.yaml")):
        servicepoints_load(path=path)
    port = tile_server.server_address[1]
    settings.KUAIBAN_MAP_TILE_URL = f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"
    settings.KUAIBAN_MAP_ATTRIBUTION = "本局地图服务"
    page = desktop
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    response = page.goto(live_server.url + "/service-points/?region=370100")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert f"img-src 'self' data: http://127.0.0.1:{port}" in policy
    page.wait_for_function(
        "document.querySelectorAll('img.leaflet-tile-loaded').length > 0", timeout=15000
    )
    loaded = page.evaluate(
        "Array.from(document.querySelectorAll('img.leaflet-tile-loaded'))"
        ".filter(i => i.complete && i.naturalWidth === 256).length"
    )
    assert loaded >= 1 and len(tile_server.asked) >= loaded
    assert all(path.endswith(".png") for path in tile_server.asked)
    assert "本局地图服务" in page.locator(".leaflet-control-attribution").inner_text()
    markers = page.locator(".leaflet-marker-icon")
    entries = page.locator("ol.sp-list > li")
    assert markers.count() == entries.count() >= 3
    # Tab from the map's region onto the first marker; Enter leads to its entry's link.
    page.locator("#sp-leaflet").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')"):
            break
    focused = page.evaluate("document.activeElement.getAttribute('title')")
    assert focused and focused.startswith("1. ")
    page.keyboard.press("Enter")
    active_in_entry = page.evaluate(
        "document.activeElement.closest('ol.sp-list > li') !== null"
        " && document.activeElement.tagName === 'A'"
    )
    assert active_in_entry
    name = focused.removeprefix("1. ")
    assert name in page.evaluate("document.activeElement.closest('li').innerText")
    shot(page, "map-with-tiles")
    assert problems == []
