"""The 电子印章 drawn on every certificate: a red ring, a five-pointed star, the bureau's name
along the upper arc and 电子证明专用章 across the bottom; drawn here with Pillow and the
shipped CJK font, not a picture file."""

from __future__ import annotations

import functools
import io
import math

from PIL import Image, ImageDraw, ImageFont

from kuaiban.documents.render import FONT_PATH

RED = (200, 22, 29, 255)
SIZE = 420  # pixels; printed 36 mm wide (about 300 dpi)


@functools.lru_cache(maxsize=8)
def seal_png(name: str) -> bytes:
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre, radius = SIZE / 2, SIZE / 2 - 8
    draw.ellipse(
        (centre - radius, centre - radius, centre + radius, centre + radius), outline=RED, width=12
    )
    _star(draw, centre, centre, SIZE * 0.15)
    _arc_text(image, name, centre=centre, radius=radius - 52)
    font = ImageFont.truetype(str(FONT_PATH), 34)
    label = "电子证明专用章"
    width = draw.textlength(label, font=font)
    draw.text((centre - width / 2, centre + SIZE * 0.18), label, font=font, fill=RED)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.382
        points.append((x + rr * math.cos(angle), y + rr * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _arc_text(image: Image.Image, text: str, *, centre: float, radius: float) -> None:
    """Each character upright towards the centre, spread over the upper 240 degrees."""
    count = max(1, len(text))
    size = max(28, min(52, int(2 * math.pi * radius * (240 / 360) / count * 0.9)))
    font = ImageFont.truetype(str(FONT_PATH), size)
    span = math.radians(min(240, 22 * count + 20))
    for i, char in enumerate(text):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / count
        glyph = Image.new("RGBA", (size + 8, size + 8), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((4, 0), char, font=font, fill=RED)
        rotated = glyph.rotate(-math.degrees(angle + math.pi / 2), expand=True)
        x = centre + radius * math.cos(angle) - rotated.width / 2
        y = centre + radius * math.sin(angle) - rotated.height / 2
        image.alpha_composite(rotated, (int(x), int(y)))
